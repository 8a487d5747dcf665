import { afterAll, beforeAll } from 'vitest';
import type { Owner } from '../src/crypto/index.js';
import { newId } from '../src/ids/index.js';
import { dataKeysStore } from '../src/store/data-keys-store.js';
import { toDatabase } from '../src/store/database.js';
import { DatabaseMigration } from '../src/store/migrator.js';
import type { Database } from '../src/store/types.js';
import { workspacesStore } from '../src/store/workspaces-store.js';
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

/** A new user with a data key (wrapped key `wrapped`, master fingerprint `fp-a`), as every owned row needs. */
export async function seedOwner(db: Database): Promise<Owner> {
  const owner: Owner = { type: 'user', id: newId('usr') };
  await workspacesStore.ensureUser(db, owner.id);
  await dataKeysStore.insertIfAbsent(db, {
    id: newId('dek'),
    owner,
    wrappedKey: 'wrapped',
    masterFingerprint: 'fp-a',
  });
  return owner;
}
