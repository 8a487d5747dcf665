import { REDACTED_PATHS } from '@stack-2025/byok-core';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { scrubCredentials } from './scrub.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Structured fields of one log line. Credential fields and credential-looking values are redacted. */
export type LogFields = Record<string, unknown>;

export interface LoggerOptions {
  /** Default: `BYOK_LOG_LEVEL`, `LOG_LEVEL`, `debug` when `BYOK_DEBUG=true`, else `info`. */
  level?: LogLevel;
  /** Where lines go (default stdout): any pino destination, e.g. `pino.destination(fd)`. */
  destination?: DestinationStream;
  /** Fields added to every line. */
  base?: LogFields;
}

type Write = (message: string, fields?: LogFields) => void;

function defaultLevel(env: NodeJS.ProcessEnv): LogLevel {
  const named = env.BYOK_LOG_LEVEL ?? env.LOG_LEVEL;
  if (named && ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].includes(named)) return named as LogLevel;
  return env.BYOK_DEBUG === 'true' ? 'debug' : 'info';
}

/**
 * A named JSON logger on pino with the call shape `(message, fields?)`. It shares byok-core's
 * redaction paths (`apiKey`, `keyData`, `authorization`, … at any of the first two levels) and
 * also blanks credential-shaped strings anywhere in the fields, so a key is never written.
 *
 * @example
 * const logger = Logger.create('byok');
 * logger.info('Key added', { userId: 'user_123', provider: 'openai', keyId: 'key_456' });
 */
export class Logger {
  readonly trace: Write;
  readonly debug: Write;
  readonly info: Write;
  readonly warn: Write;
  readonly error: Write;
  readonly fatal: Write;

  private constructor(private readonly pinoLogger: PinoLogger) {
    const at =
      (level: LogLevel): Write =>
      (message, fields) => {
        if (!this.pinoLogger.isLevelEnabled(level)) return;
        if (fields === undefined) this.pinoLogger[level](scrubCredentials(message) as string);
        else this.pinoLogger[level](scrubCredentials(fields) as object, scrubCredentials(message) as string);
      };
    this.trace = at('trace');
    this.debug = at('debug');
    this.info = at('info');
    this.warn = at('warn');
    this.error = at('error');
    this.fatal = at('fatal');
  }

  /** A logger whose lines carry `name` (pino's `name` field). */
  static create(name: string, options: LoggerOptions = {}): Logger {
    const config = {
      name,
      level: options.level ?? defaultLevel(process.env),
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      ...(options.base ? { base: scrubCredentials(options.base) as LogFields } : {}),
    };
    return new Logger(options.destination ? pino(config, options.destination) : pino(config));
  }

  /** The current level; lines below it are dropped. */
  get level(): LogLevel {
    return this.pinoLogger.level as LogLevel;
  }

  set level(level: LogLevel) {
    this.pinoLogger.level = level;
  }

  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger {
    return new Logger(this.pinoLogger.child(scrubCredentials(fields) as LogFields));
  }

  /** Writes out buffered lines (asynchronous destinations). */
  flush(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.pinoLogger.flush((error) => (error ? reject(error) : resolve())),
    );
  }
}
