import { afterAll, beforeAll } from 'vitest';
import { toDatabase } from '../src/store/database.js';
import { DatabaseMigration } from '../src/store/migrator.js';
import type { Database } from '../src/store/types.js';
import type { DatabaseBackend } from './backends.js';

/** A fresh database on `backend` with every migration applied. */
export async function openMigrated(
  backend: DatabaseBackend,
): Promise<{ db: Database; close(): Promise<void> }> {
  const opened = await backend.open();
  const db = toDatabase(opened.client);
  await new DatabaseMigration(db).runMigrations();
  return { db, close: opened.close };
}

/** Registers a suite's hooks: a fresh migrated database on `backend` for the whole suite (handed to `use`), closed after it. */
export function useMigrated(backend: DatabaseBackend, use: (db: Database) => void): void {
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const opened = await openMigrated(backend);
    close = opened.close;
    use(opened.db);
  });
  afterAll(() => close());
}
