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
import { dataKeysStore, type WrappedDataKey } from '../store/data-keys-store.js';
import type { Database, SqlClient } from '../store/types.js';

export type { WrappedDataKey };

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
    const inUse = await dataKeysStore.fingerprintsInUse(this.#db);
    const missing = inUse.find((fingerprint) => !keyring.has(fingerprint));
    if (missing) throw masterKeyMismatch(missing, keyring.fingerprints);
    // A key used again (a rotation rolled back) is live again: the start-up check must cover it.
    await dataKeysStore.recordMasterKey(this.#db, keyring.active.fingerprint);
  }

  /** The owner's DEK, created (inside `tx`) if the owner has none yet. */
  async forOwner(tx: SqlClient, owner: Owner): Promise<DataKey> {
    const existing = await dataKeysStore.findForOwner(tx, owner);
    if (existing) return this.unwrap(existing, owner);
    const created = newDataKey(newId('dek'));
    const active = this.#encryption.keyring.active;
    const inserted = await dataKeysStore.insertIfAbsent(tx, {
      id: created.id,
      owner,
      wrappedKey: wrapDataKey(active, created, owner),
      masterFingerprint: active.fingerprint,
    });
    if (inserted) {
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
    const row = await dataKeysStore.findById(this.#db, dataKeyId, owner);
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
