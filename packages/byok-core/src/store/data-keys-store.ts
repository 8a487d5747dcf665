import type { Owner } from '../crypto/index.js';
import type { SqlClient } from './types.js';

/** The wrapped form of an owner's data key, as stored. */
export interface WrappedDataKey {
  data_key_id: string;
  wrapped_key: string;
}

/** A data-key row as master-key rotation reads it. */
export interface DataKeyRow {
  id: string;
  owner_type: 'user' | 'workspace';
  owner_id: string;
  wrapped_key: string;
  master_fingerprint: string;
}

/**
 * `byok.data_keys` (one wrapped DEK per owner) and `byok.master_keys` (fingerprints of the master
 * keys that wrapped them). Every read of a DEK names its owner.
 */
export interface DataKeysStore {
  /** The owner's wrapped DEK, or null when the owner has none yet. */
  findForOwner(db: SqlClient, owner: Owner): Promise<WrappedDataKey | null>;
  /** The owner's DEK with this id; null when the id is another owner's. */
  findById(db: SqlClient, id: string, owner: Owner): Promise<WrappedDataKey | null>;
  /** Inserts the owner's DEK unless one exists (a racing writer won): null then. */
  insertIfAbsent(
    db: SqlClient,
    row: { id: string; owner: Owner; wrappedKey: string; masterFingerprint: string },
  ): Promise<WrappedDataKey | null>;
  /** Fingerprints of master keys not retired that still wrap some DEK. */
  fingerprintsInUse(db: SqlClient): Promise<string[]>;
  /** Records a master key as live (a key used again after a rolled-back rotation is live again). */
  recordMasterKey(db: SqlClient, fingerprint: string): Promise<void>;
  /** Retires every live master key but `fingerprint`. */
  retireMasterKeysExcept(db: SqlClient, fingerprint: string): Promise<void>;
  /** DEKs not wrapped by `fingerprint`, counted per wrapping master key. */
  countNotWrappedBy(db: SqlClient, fingerprint: string): Promise<{ fingerprint: string; count: number }[]>;
  /** The next batch after `afterId` of DEKs not wrapped by `fingerprint`, locked, skipping rows others hold. */
  lockBatchNotWrappedBy(
    db: SqlClient,
    fingerprint: string,
    afterId: string,
    limit: number,
  ): Promise<DataKeyRow[]>;
  /** Stores rewrapped DEKs, all now under `fingerprint`. */
  setWrapped(
    db: SqlClient,
    updates: readonly { id: string; wrapped: string }[],
    fingerprint: string,
  ): Promise<void>;
}

export const dataKeysStore: DataKeysStore = {
  async findForOwner(db, owner) {
    const { rows } = await db.query<WrappedDataKey>(
      'SELECT id AS data_key_id, wrapped_key FROM byok.data_keys WHERE owner_type = $1 AND owner_id = $2',
      [owner.type, owner.id],
    );
    return rows[0] ?? null;
  },

  async findById(db, id, owner) {
    const { rows } = await db.query<WrappedDataKey>(
      'SELECT id AS data_key_id, wrapped_key FROM byok.data_keys WHERE id = $1 AND owner_type = $2 AND owner_id = $3',
      [id, owner.type, owner.id],
    );
    return rows[0] ?? null;
  },

  async insertIfAbsent(db, row) {
    const { rows } = await db.query<WrappedDataKey>(
      `INSERT INTO byok.data_keys (id, owner_type, owner_id, wrapped_key, master_fingerprint)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (owner_type, owner_id) DO NOTHING
       RETURNING id AS data_key_id, wrapped_key`,
      [row.id, row.owner.type, row.owner.id, row.wrappedKey, row.masterFingerprint],
    );
    return rows[0] ?? null;
  },

  async fingerprintsInUse(db) {
    const { rows } = await db.query<{ fingerprint: string }>(
      `SELECT m.fingerprint FROM byok.master_keys m
        WHERE m.retired_at IS NULL AND EXISTS (SELECT 1 FROM byok.data_keys d WHERE d.master_fingerprint = m.fingerprint)`,
    );
    return rows.map((row) => row.fingerprint);
  },

  async recordMasterKey(db, fingerprint) {
    await db.query(
      'INSERT INTO byok.master_keys (fingerprint) VALUES ($1) ON CONFLICT (fingerprint) DO UPDATE SET retired_at = NULL',
      [fingerprint],
    );
  },

  async retireMasterKeysExcept(db, fingerprint) {
    await db.query(
      'UPDATE byok.master_keys SET retired_at = now() WHERE fingerprint <> $1 AND retired_at IS NULL',
      [fingerprint],
    );
  },

  async countNotWrappedBy(db, fingerprint) {
    const { rows } = await db.query<{ master_fingerprint: string; n: string | number }>(
      'SELECT master_fingerprint, count(*) AS n FROM byok.data_keys WHERE master_fingerprint <> $1 GROUP BY master_fingerprint',
      [fingerprint],
    );
    return rows.map((row) => ({ fingerprint: row.master_fingerprint, count: Number(row.n) }));
  },

  async lockBatchNotWrappedBy(db, fingerprint, afterId, limit) {
    const { rows } = await db.query<DataKeyRow>(
      `SELECT id, owner_type, owner_id, wrapped_key, master_fingerprint FROM byok.data_keys
        WHERE master_fingerprint <> $1 AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [fingerprint, afterId, limit],
    );
    return rows;
  },

  async setWrapped(db, updates, fingerprint) {
    if (updates.length === 0) return;
    await db.query(
      `UPDATE byok.data_keys d SET wrapped_key = u.wrapped, master_fingerprint = $3, rewrapped_at = now()
         FROM unnest($1::text[], $2::text[]) AS u(id, wrapped) WHERE d.id = u.id`,
      [updates.map((u) => u.id), updates.map((u) => u.wrapped), fingerprint],
    );
  },
};
