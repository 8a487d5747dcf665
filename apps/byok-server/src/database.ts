import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { BYOKError, DatabaseMigration, type Logger } from '@stack-2025/byok-core';
import type { ServerConfig } from './config.js';
import { hasPgliteDatabase, pgliteDir } from './data-dir.js';
import { type DataFolderLock, lockDataFolder } from './data-lock.js';
import { initialisePgliteFolder } from './pglite-child.js';
import { PGLITE_SETTINGS } from './pglite-settings.js';

export { pgliteDir } from './data-dir.js';

export { PGLITE_SETTINGS } from './pglite-settings.js';

export interface OpenDatabase {
  /** A `pg.Pool` or a PGlite: what `createBYOKForStack2025({ postgresClient })` takes. */
  client: unknown;
  kind: 'postgres' | 'pglite';
  /** Where it is, without credentials. */
  description: string;
  /** Migrations applied while creating a new embedded folder (its initialiser runs them); else empty. */
  appliedWhenCreated: number[];
  /** The data folder's lock (PGlite only): the server writes its URL into the owner file. */
  lock: DataFolderLock | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * The command only makes sense on an existing BYOK database (audit verify, validate, …): when
   * there is none, fail with `DATABASE_NOT_FOUND` and create nothing — no folder, no PGlite
   * cluster, no schema. `serve` and `migrate` leave it off: they create the database.
   */
  mustExist?: boolean;
  /** Where to report idle connections lost (a database restart); the pool reconnects by itself. */
  logger?: Logger;
}

const notFound = (where: string, why: string): BYOKError =>
  new BYOKError(
    'DATABASE_NOT_FOUND',
    `No BYOK database at ${where} (${why}). Nothing was created. Start the service there first (byok serve, or npm start), run byok migrate, or point BYOK_DATA_DIR or DATABASE_URL at the existing database.`,
    { details: { where } },
  );

/** True when the BYOK schema was ever migrated on this client (an empty database has no rows). */
async function hasByokSchema(client: unknown): Promise<boolean> {
  const status = await new DatabaseMigration(client).getMigrationStatus();
  return status.applied.length > 0;
}

/**
 * `DATABASE_URL` → a pg pool; otherwise the embedded PGlite in `<dataDir>/pglite`, held by this
 * process alone (a second process gets `DATA_FOLDER_LOCKED` naming the holder) until `close()`.
 */
export async function openDatabase(
  config: Pick<ServerConfig, 'databaseUrl' | 'dataDir' | 'poolSize'>,
  options: OpenDatabaseOptions = {},
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    // Loaded only for PostgreSQL: the embedded default runs without the driver in memory.
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.poolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      application_name: 'byok-service',
    });
    // An idle client's error (server restart) must not crash the process; the pool drops it and
    // opens a new connection on the next checkout. Checked-out clients are guarded by the core's
    // transaction wrapper (and pg-pool's own query path).
    let lastWarning = 0;
    pool.on('error', (error: Error) => {
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      options.logger?.warn(
        { err: { message: error.message } },
        'idle database connection lost; the pool reconnects',
      );
    });
    const url = new URL(config.databaseUrl);
    const description = `postgres://${url.host}${url.pathname}`;
    if (options.mustExist && !(await hasByokSchema(pool).catch(() => true))) {
      await pool.end();
      throw notFound(description, 'no byok schema in that database');
    }
    return {
      client: pool,
      kind: 'postgres',
      description,
      appliedWhenCreated: [],
      lock: undefined,
      close: () => pool.end(),
    };
  }
  const dir = pgliteDir(config.dataDir);
  if (options.mustExist && !hasPgliteDatabase(config.dataDir)) {
    throw notFound(config.dataDir, `no PGlite database in ${dir}`);
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = await lockDataFolder(config.dataDir);
  let db: PGlite;
  let appliedWhenCreated: number[] = [];
  try {
    if (!hasPgliteDatabase(config.dataDir)) appliedWhenCreated = await initialisePgliteFolder(dir);
    db = await PGlite.create(dir, { postgresqlconf: PGLITE_SETTINGS });
  } catch (error) {
    await lock.release();
    throw error;
  }
  if (options.mustExist && !(await hasByokSchema(db).catch(() => true))) {
    await db.close();
    await lock.release();
    throw notFound(config.dataDir, `the PGlite database in ${dir} holds no BYOK tables`);
  }
  return {
    client: db,
    kind: 'pglite',
    description: `pglite:${dir}`,
    appliedWhenCreated,
    lock,
    close: async () => {
      try {
        await db.close();
      } finally {
        await lock.release();
      }
    },
  };
}
