import {
  BYOKManager,
  type BYOKSystem,
  createBYOKForStack2025,
  createLogger,
  DatabaseMigration,
  isBYOKError,
  type Logger,
} from '@stack-2025/byok-core';
import { InvalidArgumentError } from 'commander';
import { ConfigError, ensureMasterKey, loadConfig, type ServerConfig } from '../config.js';
import { type OpenDatabase, type OpenDatabaseOptions, openDatabase } from '../database.js';
import { CliExit, EXIT } from './exit.js';

/** The server's configuration step: the environment read and validated once per command. */
export function config(): ServerConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(EXIT.usage, error.message);
    throw error;
  }
}

/** CLI jobs log to stderr so that stdout stays for their output (audit export, generate-key). */
export const cliLogger = (cfg: ServerConfig, level = 'warn'): Logger =>
  createLogger({
    level: cfg.logLevel === 'debug' || cfg.logLevel === 'trace' ? cfg.logLevel : level,
    destination: process.stderr,
  });

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new InvalidArgumentError('must be an integer from 1 to 100000');
  return n;
};

/**
 * Opens the database `serve` uses (same data folder, same lock). `mustExist`: commands that read
 * or change existing data fail with exit 2 when there is none, instead of creating an empty one.
 */
export async function withDatabase<T>(
  cfg: ServerConfig,
  fn: (client: unknown, database: OpenDatabase) => Promise<T>,
  options: OpenDatabaseOptions = {},
): Promise<T> {
  const database = await openDatabase(cfg, options);
  try {
    return await fn(database.client, database);
  } finally {
    await database.close();
  }
}

/** For commands that only make sense on data that already exists: never creates a database. */
export const withExistingDatabase = <T>(cfg: ServerConfig, fn: (client: unknown) => Promise<T>): Promise<T> =>
  withDatabase(cfg, fn, { mustExist: true });

/** The audit log without the master key: verifying and exporting never need to decrypt. */
export async function withAudit<T>(cfg: ServerConfig, fn: (manager: BYOKManager) => Promise<T>): Promise<T> {
  return withExistingDatabase(cfg, async (client) => {
    await new DatabaseMigration(client).runMigrations();
    const manager = new BYOKManager({
      database: { client, migrate: false },
      logger: createLogger({ level: 'error', destination: process.stderr }),
      audit: { enabled: false },
    });
    try {
      return await fn(manager);
    } finally {
      await manager.close();
    }
  });
}

/**
 * The full system on the configured database, with the master key the server would use (the
 * development key file outside production), for commands that read or write credentials.
 */
export async function withSystem<T>(cfg: ServerConfig, fn: (system: BYOKSystem) => Promise<T>): Promise<T> {
  const logger = cliLogger(cfg);
  // The database first: where there is none, nothing is created (not even a development master key).
  return withExistingDatabase(cfg, async (client) => {
    const resolved = await ensureMasterKey(cfg, logger);
    if (!resolved.encryptionKey) {
      throw new CliExit(EXIT.usage, 'ENCRYPTION_MASTER_KEY not configured: set BYOK_ENCRYPTION_KEY');
    }
    return openSystem(
      {
        encryptionKey: resolved.encryptionKey,
        decryptionKeys: resolved.decryptionKeys,
        postgresClient: client,
        logger,
        ...(resolved.enabledProviders ? { enabledProviders: resolved.enabledProviders } : {}),
        validation: { enabled: resolved.enableValidation, timeout: resolved.validationTimeout },
        audit: { enabled: resolved.enableAudit, retentionDays: resolved.auditRetentionDays },
        providers: resolved.providerBaseUrls,
        quotas: resolved.quotas,
        allowLegacyCiphertext: resolved.allowLegacyCiphertext,
        // As in the server: outside production an alert may go to a local receiver.
        alerts: { allowPrivateWebhookHosts: !resolved.production },
      },
      fn,
    );
  });
}

/**
 * Creates the system with `options`, runs `fn` on it and closes it. A BYOK error while creating it
 * (a wrong master key, say) ends the command with exit 1 and the error's code.
 */
export async function openSystem<T>(
  options: Parameters<typeof createBYOKForStack2025>[0],
  fn: (system: BYOKSystem) => Promise<T>,
): Promise<T> {
  let system: BYOKSystem;
  try {
    system = await createBYOKForStack2025(options);
  } catch (error) {
    if (isBYOKError(error)) throw new CliExit(EXIT.failed, `${error.code}: ${error.message}`);
    throw error;
  }
  try {
    return await fn(system);
  } finally {
    await system.close();
  }
}

/**
 * The audit log with the master key: verifying and checkpoints need the audit key derived from it
 * (keys in BYOK_DECRYPTION_KEYS verify what was sealed before a rotation).
 */
export async function withKeyedAudit<T>(
  cfg: ServerConfig,
  fn: (manager: BYOKManager) => Promise<T>,
): Promise<T> {
  // The database first: a folder with no database is reported as such, and nothing (not even a
  // development key) is created in it.
  return withExistingDatabase(cfg, async (client) => {
    const resolved = await ensureMasterKey(cfg, cliLogger(cfg, 'error'));
    if (!resolved.encryptionKey) {
      throw new CliExit(
        EXIT.usage,
        'The audit log is sealed with a key derived from the master key: set BYOK_ENCRYPTION_KEY to verify it',
      );
    }
    const manager = new BYOKManager({
      encryptionKey: resolved.encryptionKey,
      decryptionKeys: resolved.decryptionKeys,
      database: { client },
      logger: createLogger({ level: 'error', destination: process.stderr }),
      audit: { enabled: false },
    });
    try {
      await manager.ready();
      return await fn(manager);
    } catch (error) {
      if (isBYOKError(error)) throw new CliExit(EXIT.failed, `${error.code}: ${error.message}`);
      throw error;
    } finally {
      await manager.close();
    }
  });
}
