import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'keyData',
  '*.keyData',
  'apiKey',
  '*.apiKey',
  'authToken',
  '*.authToken',
  'apiKeySecret',
  '*.apiKeySecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'encryptionKey',
  '*.encryptionKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'ciphertext',
  '*.ciphertext',
  'wrapped_key',
  '*.wrapped_key',
];

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

/**
 * A pino JSON logger with every credential field redacted. Level: `options.level`, else
 * `BYOK_LOG_LEVEL` / `BYOK_DEBUG` of the `env` map given (the process environment is read only by
 * the configuration step; the manager's default logger takes its level from there), else info.
 */
export function createLogger(
  options: LoggerOptions = {},
  env: Readonly<Record<string, string | undefined>> = {},
): Logger {
  const level = options.level ?? env.BYOK_LOG_LEVEL ?? (env.BYOK_DEBUG === 'true' ? 'debug' : 'info');
  const config = { name: 'byok', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return options.destination ? pino(config, options.destination) : pino(config);
}
