import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from '@stack-2025/byok-core';
import pg from 'pg';
import type { ServerConfig } from './config.js';

/** Where the embedded database lives inside the data folder. */
export const pgliteDir = (dataDir: string): string => join(dataDir, 'pglite');

/**
 * PostgreSQL settings of the embedded database. PGlite starts with 160 MB of shared buffers, sized
 * for a server; the embedded store of one service holds a few megabytes of keys and reads through
 * the OS page cache anyway, so 16 MB is plenty and takes ~120 MB off the idle RSS (measured in
 * bench/http.ts). Production installations use PostgreSQL (`DATABASE_URL`), not these.
 */
export const PGLITE_SETTINGS = [
  'shared_buffers = 16MB',
  'wal_buffers = 1MB',
  'temp_buffers = 1MB',
  'work_mem = 2MB',
  'maintenance_work_mem = 16MB',
];

export interface OpenDatabase {
  /** A `pg.Pool` or a PGlite: what `createBYOKForStack2025({ postgresClient })` takes. */
  client: unknown;
  kind: 'postgres' | 'pglite';
  /** Where it is, without credentials. */
  description: string;
  close(): Promise<void>;
}

/** `DATABASE_URL` → a pg pool; otherwise the embedded PGlite in `<dataDir>/pglite`. */
export async function openDatabase(
  config: Pick<ServerConfig, 'databaseUrl' | 'dataDir' | 'poolSize'>,
  logger?: Logger,
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
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
      logger?.warn({ err: { message: error.message } }, 'idle database connection lost; the pool reconnects');
    });
    const url = new URL(config.databaseUrl);
    return {
      client: pool,
      kind: 'postgres',
      description: `postgres://${url.host}${url.pathname}`,
      close: () => pool.end(),
    };
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const dir = pgliteDir(config.dataDir);
  const db = await PGlite.create(dir, { postgresqlconf: PGLITE_SETTINGS });
  return { client: db, kind: 'pglite', description: `pglite:${dir}`, close: () => db.close() };
}
