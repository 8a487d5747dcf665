import type { Owner } from '../crypto/index.js';
import type { SqlClient } from './types.js';

export interface EnvImportRow {
  owner_type: 'user' | 'workspace';
  owner_id: string;
  added_key_ids: string[];
}

/**
 * `byok.env_imports`: the record of one import of keys from environment variables, so that it can
 * be rolled back. Addressed by its unguessable id, which only the operator who ran it holds.
 */
export interface EnvImportsStore {
  create(db: SqlClient, id: string, owner: Owner): Promise<void>;
  /** Names one more key the import added. */
  recordKey(db: SqlClient, id: string, keyId: string): Promise<void>;
  delete(db: SqlClient, id: string): Promise<void>;
  /** Whether the import exists and was rolled back: null when there is no such import. */
  status(db: SqlClient, id: string): Promise<'open' | 'rolled-back' | null>;
  /** The import, unless it was rolled back already. */
  findOpen(db: SqlClient, id: string): Promise<EnvImportRow | null>;
  markRolledBack(db: SqlClient, id: string): Promise<void>;
}

export const envImportsStore: EnvImportsStore = {
  async create(db, id, owner) {
    await db.query('INSERT INTO byok.env_imports (id, owner_type, owner_id) VALUES ($1, $2, $3)', [
      id,
      owner.type,
      owner.id,
    ]);
  },
  async recordKey(db, id, keyId) {
    await db.query(
      'UPDATE byok.env_imports SET added_key_ids = array_append(added_key_ids, $2) WHERE id = $1',
      [id, keyId],
    );
  },
  async delete(db, id) {
    await db.query('DELETE FROM byok.env_imports WHERE id = $1', [id]);
  },
  async status(db, id) {
    const { rows } = await db.query<{ rolled_back_at: Date | null }>(
      'SELECT rolled_back_at FROM byok.env_imports WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    return row.rolled_back_at ? 'rolled-back' : 'open';
  },
  async findOpen(db, id) {
    const { rows } = await db.query<EnvImportRow>(
      'SELECT owner_type, owner_id, added_key_ids FROM byok.env_imports WHERE id = $1 AND rolled_back_at IS NULL',
      [id],
    );
    return rows[0] ?? null;
  },
  async markRolledBack(db, id) {
    await db.query('UPDATE byok.env_imports SET rolled_back_at = now() WHERE id = $1', [id]);
  },
};
