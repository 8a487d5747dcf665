import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { BYOKError } from '../errors/index.js';
import { toDatabase } from './database.js';
import type { Database, SqlClient } from './types.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** Any stable 64-bit number; every BYOK instance uses it to serialise migrations. */
const MIGRATION_LOCK_ID = 7_406_283_551;

interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: Date;
}

export interface MigrationStatus {
  currentVersion: number;
  latestVersion: number;
  upToDate: boolean;
  applied: AppliedMigration[];
  pending: { version: number; name: string }[];
}

const cachedFiles = new Map<string, Promise<MigrationFile[]>>();

function loadMigrationFiles(dir: URL): Promise<MigrationFile[]> {
  const cached = cachedFiles.get(dir.href);
  if (cached) return cached;
  const loading = (async () => {
    const names = (await readdir(dir)).filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name)).sort();
    return Promise.all(
      names.map(async (name) => {
        const sql = await readFile(new URL(name, dir), 'utf8');
        return {
          version: Number(name.slice(0, 4)),
          name: name.replace(/\.sql$/, ''),
          sql,
          checksum: createHash('sha256').update(sql).digest('hex'),
        };
      }),
    );
  })();
  cachedFiles.set(dir.href, loading);
  return loading;
}

const BOOTSTRAP_SQL = `
  CREATE SCHEMA IF NOT EXISTS byok;
  CREATE TABLE IF NOT EXISTS byok.schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  );`;

/** Options of {@link DatabaseMigration}. */
export interface MigrationOptions {
  /** Folder of numbered `NNNN_name.sql` files. Default: the package's own `store/migrations/`. */
  migrationsDir?: URL;
}

/**
 * Applies the numbered SQL files in `store/migrations` to the `byok` schema.
 * All pending files run in one transaction under a PostgreSQL advisory lock, so several
 * instances starting at once apply each migration exactly once.
 */
export class DatabaseMigration {
  readonly #db: Database;
  readonly #dir: URL;

  constructor(client: unknown, options: MigrationOptions = {}) {
    this.#db = toDatabase(client);
    const dir = options.migrationsDir ?? MIGRATIONS_DIR;
    this.#dir = dir.href.endsWith('/') ? dir : new URL(`${dir.href}/`);
  }

  /** Applies every pending migration; returns the versions applied by this call. */
  async runMigrations(): Promise<number[]> {
    const files = await loadMigrationFiles(this.#dir);
    return this.#db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
      await execScript(tx, BOOTSTRAP_SQL);
      const { rows } = await tx.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM byok.schema_migrations',
      );
      const applied = new Map(rows.map((row) => [Number(row.version), row.checksum]));
      const done: number[] = [];
      for (const file of files) {
        const previous = applied.get(file.version);
        if (previous !== undefined) {
          if (previous !== file.checksum) {
            throw new BYOKError('INTERNAL_ERROR', `Migration ${file.name} was changed after it was applied`);
          }
          continue;
        }
        await execScript(tx, file.sql);
        await tx.query('INSERT INTO byok.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          file.version,
          file.name,
          file.checksum,
        ]);
        done.push(file.version);
      }
      return done;
    });
  }

  async getMigrationStatus(): Promise<MigrationStatus> {
    const files = await loadMigrationFiles(this.#dir);
    const { rows: exists } = await this.#db.query<{ present: boolean }>(
      "SELECT to_regclass('byok.schema_migrations') IS NOT NULL AS present",
    );
    const rows = exists[0]?.present
      ? (
          await this.#db.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
            'SELECT version, name, checksum, applied_at FROM byok.schema_migrations ORDER BY version',
          )
        ).rows
      : [];
    const applied = rows.map((row) => ({
      version: Number(row.version),
      name: row.name,
      checksum: row.checksum,
      appliedAt: new Date(row.applied_at),
    }));
    const appliedVersions = new Set(applied.map((m) => m.version));
    const pending = files
      .filter((f) => !appliedVersions.has(f.version))
      .map(({ version, name }) => ({ version, name }));
    const latestVersion = files.at(-1)?.version ?? 0;
    const currentVersion = applied.at(-1)?.version ?? 0;
    return { currentVersion, latestVersion, upToDate: pending.length === 0, applied, pending };
  }
}

/**
 * Runs a whole SQL script in one round trip, as the driver's multi-statement path: PGlite's
 * `exec`, or pg's simple-query protocol (a `query` without parameters). The script is never split
 * on `;`, so dollar-quoted bodies (`$$ … ; … $$`), comments and string literals reach the server
 * as written.
 */
export async function execScript(client: SqlClient, sql: string): Promise<void> {
  const runner = client as SqlClient & { exec?: (script: string) => Promise<unknown> };
  if (typeof runner.exec === 'function') {
    await runner.exec(sql);
    return;
  }
  await client.query(sql);
}
