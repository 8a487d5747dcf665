import { LRUCache } from 'lru-cache';
import {
  type DataKey,
  type EncryptionService,
  type Keyring,
  masterKeyMismatch,
  newDataKey,
  type Owner,
  unwrapDataKey,
  wrapDataKey,
} from '../crypto/index.js';
import { decryptionFailed } from '../errors/index.js';
import { newId } from '../ids/index.js';
import type { Database, SqlClient } from '../store/types.js';

/** The wrapped form of an owner's data key, as stored. */
export interface WrappedDataKey {
  data_key_id: string;
  wrapped_key: string;
}

/**
 * One data-encryption key (DEK) per owner, wrapped by the active master key. Unwrapped DEKs are
 * kept in a bounded in-memory LRU only. Deleting an owner's DEK row erases all their credentials.
 */
export class DataKeyService {
  readonly #db: Database;
  readonly #encryption: EncryptionService;
  readonly #unwrapped = new LRUCache<string, DataKey>({ max: 50_000 });

  constructor(db: Database, encryption: EncryptionService) {
    this.#db = db;
    this.#encryption = encryption;
  }

  /**
   * Refuses a master key that cannot read what is stored, naming the fingerprint it needs, and
   * records the active key's fingerprint once it is known to be safe to write with.
   */
  async checkMasterKey(keyring: Keyring = this.#encryption.keyring): Promise<void> {
    const { rows } = await this.#db.query<{ fingerprint: string }>(
      `SELECT m.fingerprint FROM byok.master_keys m
        WHERE m.retired_at IS NULL AND EXISTS (SELECT 1 FROM byok.data_keys d WHERE d.master_fingerprint = m.fingerprint)`,
    );
    const missing = rows.map((row) => row.fingerprint).find((fingerprint) => !keyring.has(fingerprint));
    if (missing) throw masterKeyMismatch(missing, keyring.fingerprints);
    await this.#db.query(
      // A key used again (a rotation rolled back) is live again: the start-up check must cover it.
      'INSERT INTO byok.master_keys (fingerprint) VALUES ($1) ON CONFLICT (fingerprint) DO UPDATE SET retired_at = NULL',
      [keyring.active.fingerprint],
    );
  }

  /** The owner's DEK, created (inside `tx`) if the owner has none yet. */
  async forOwner(tx: SqlClient, owner: Owner): Promise<DataKey> {
    const { rows } = await tx.query<WrappedDataKey>(
      'SELECT id AS data_key_id, wrapped_key FROM byok.data_keys WHERE owner_type = $1 AND owner_id = $2',
      [owner.type, owner.id],
    );
    const existing = rows[0];
    if (existing) return this.unwrap(existing, owner);
    const created = newDataKey(newId('dek'));
    const active = this.#encryption.keyring.active;
    const { rows: inserted } = await tx.query<WrappedDataKey>(
      `INSERT INTO byok.data_keys (id, owner_type, owner_id, wrapped_key, master_fingerprint)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (owner_type, owner_id) DO NOTHING
       RETURNING id AS data_key_id, wrapped_key`,
      [created.id, owner.type, owner.id, wrapDataKey(active, created, owner), active.fingerprint],
    );
    if (inserted[0]) {
      this.#unwrapped.set(created.id, created);
      return created;
    }
    // Another writer created the owner's DEK first: use theirs.
    return this.forOwner(tx, owner);
  }

  /** Unwraps (or takes from memory) a stored DEK. */
  unwrap(row: WrappedDataKey, owner: Owner): DataKey {
    const cached = this.#unwrapped.get(row.data_key_id);
    if (cached) return cached;
    const dataKey = unwrapDataKey(this.#encryption.keyring, row.wrapped_key, row.data_key_id, owner);
    this.#unwrapped.set(row.data_key_id, dataKey);
    return dataKey;
  }

  /** The owner's DEK with this id, from memory or the database. */
  async load(dataKeyId: string, owner: Owner): Promise<DataKey> {
    const cached = this.#unwrapped.get(dataKeyId);
    if (cached) return cached;
    const { rows } = await this.#db.query<WrappedDataKey>(
      'SELECT id AS data_key_id, wrapped_key FROM byok.data_keys WHERE id = $1 AND owner_type = $2 AND owner_id = $3',
      [dataKeyId, owner.type, owner.id],
    );
    const row = rows[0];
    if (!row) throw decryptionFailed();
    return this.unwrap(row, owner);
  }

  peek(dataKeyId: string): DataKey | undefined {
    return this.#unwrapped.get(dataKeyId);
  }

  forget(dataKeyId?: string): void {
    if (dataKeyId) this.#unwrapped.delete(dataKeyId);
    else this.#unwrapped.clear();
  }
}
