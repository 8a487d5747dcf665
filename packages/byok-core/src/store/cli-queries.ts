/**
 * The reads the operations CLI needs that no service offers: every key of every owner (bulk
 * validation), and one environment import by id. Both are operator reads across owners; the
 * REST API never reaches them.
 */
import type { SqlClient } from './types.js';

/** A key to test in `byok validate`: no secret, only what identifies and orders it. */
export interface KeyToValidate {
  id: string;
  owner_type: 'user' | 'workspace';
  owner_id: string;
  provider: string;
  environment: string;
}

/**
 * Every key that is not revoked, of one owner or of all, ordered by owner, provider, environment
 * and priority (the order the CLI prints them in).
 */
export async function listKeysToValidate(
  db: SqlClient,
  owner?: { type: 'user' | 'workspace'; id: string },
): Promise<KeyToValidate[]> {
  const { rows } = await db.query<KeyToValidate>(
    `SELECT id, owner_type, owner_id, provider, environment FROM byok.keys
      WHERE status <> 'revoked' ${owner ? 'AND owner_type = $1 AND owner_id = $2' : ''}
      ORDER BY owner_type, owner_id, provider, environment, priority, id`,
    owner ? [owner.type, owner.id] : [],
  );
  return rows;
}

/** An environment import (`byok keys import-env`) by id, or undefined when there is none. */
export async function findEnvImport(
  db: SqlClient,
  id: string,
): Promise<{ id: string; rolledBackAt: Date | null } | undefined> {
  const { rows } = await db.query<{ id: string; rolled_back_at: Date | null }>(
    'SELECT id, rolled_back_at FROM byok.env_imports WHERE id = $1',
    [id],
  );
  const row = rows[0];
  return row ? { id: row.id, rolledBackAt: row.rolled_back_at } : undefined;
}
