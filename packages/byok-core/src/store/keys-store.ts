import type { Owner } from '../crypto/index.js';
import { type OwnerScope, ownerCondition } from './owner-filter.js';
import type { Database, SqlClient } from './types.js';

export type KeyStatus = 'active' | 'disabled' | 'invalid' | 'revoked' | 'compromised';

/** A stored key as the database holds it: ciphertext only. */
export interface KeyRow {
  id: string;
  owner_type: 'user' | 'workspace';
  owner_id: string;
  provider: string;
  environment: string;
  alias: string | null;
  description: string | null;
  status: KeyStatus;
  ciphertext: string;
  key_hint: string;
  key_fingerprint: string;
  health_score: number;
  last_validated_at: Date | string | null;
  last_validation_status: string | null;
  cooldown_until: Date | string | null;
  priority: number;
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  revoked_at: Date | string | null;
}

/** A key row joined with its owner's wrapped data key: all a lookup needs, in one round trip. */
export interface KeyRowWithDataKey extends KeyRow {
  data_key_id: string;
  wrapped_key: string;
}

/** A new key row: everything but the columns the database fills in. */
export interface NewKeyRow {
  id: string;
  owner: Owner;
  provider: string;
  environment: string;
  alias: string | null;
  description: string | null;
  ciphertext: string;
  keyHint: string;
  keyFingerprint: string;
  priority: number;
  createdBy: string | null;
}

/** Columns a key update may set; `updated_at` is always set to now(). */
export interface KeyChanges {
  alias?: string | null;
  description?: string | null;
  priority?: number;
  status?: KeyStatus;
  ciphertext?: string;
  key_hint?: string;
  key_fingerprint?: string;
  health_score?: number;
  last_validation_status?: string | null;
  cooldown_until?: Date | null;
  compromised_at?: Date | null;
}

export interface KeyListFilter {
  provider?: string | undefined;
  environment?: string | undefined;
  status?: KeyStatus | undefined;
}

/** Where a key belongs: enough to address it and its cache entries, nothing secret. */
export type KeyIdentity = Pick<KeyRow, 'id' | 'owner_type' | 'owner_id' | 'provider' | 'environment'>;

/** A legacy-format credential to upgrade. */
export type LegacyKeyRow = Pick<KeyRow, 'id' | 'owner_type' | 'owner_id' | 'provider' | 'ciphertext'>;

/**
 * `byok.keys`. Every by-id method takes an {@link OwnerScope}: a key of another owner is neither
 * read nor changed (null / false), exactly as if it did not exist.
 */
export interface KeysStore {
  insert(db: SqlClient, row: NewKeyRow): Promise<void>;
  /** Active keys of an owner, provider and environment in the order they are tried (priority, age, id). */
  activeCandidates(
    db: Pick<Database, 'queryPrepared'>,
    owner: Owner,
    provider: string,
    environment: string,
  ): Promise<KeyRow[]>;
  /** One key with its owner's wrapped data key; `forUpdate` locks the key row until the transaction ends. */
  findWithDataKey(
    db: SqlClient,
    id: string,
    scope: OwnerScope,
    options?: { forUpdate?: boolean },
  ): Promise<KeyRowWithDataKey | null>;
  find(db: SqlClient, id: string, scope: OwnerScope): Promise<KeyRow | null>;
  /** An owner's keys, ordered by provider, environment, priority, age, id. */
  list(db: SqlClient, owner: Owner, filter?: KeyListFilter): Promise<KeyRow[]>;
  /** Sets `changes` (and updated_at); null when no key of the scope has this id. */
  update(db: SqlClient, id: string, scope: OwnerScope, changes: KeyChanges): Promise<KeyRow | null>;
  /** Marks revoked and erases the ciphertext; null when no key of the scope has this id. */
  revoke(db: SqlClient, id: string, scope: OwnerScope): Promise<KeyRow | null>;
  delete(db: SqlClient, id: string, scope: OwnerScope): Promise<boolean>;
  /**
   * Replaces the ciphertext only while the row still holds `expected` and is not revoked (a
   * concurrent change wins). Returns whether it was replaced.
   */
  replaceCiphertext(
    db: SqlClient,
    id: string,
    scope: OwnerScope,
    expected: string,
    ciphertext: string,
  ): Promise<boolean>;
  /**
   * Owner and provider of each key in `ids` (system-wide: for dropping cache entries after a
   * rotation rewrote them). Keys that no longer exist are left out.
   */
  identities(
    db: SqlClient,
    ids: readonly string[],
  ): Promise<Pick<KeyRow, 'id' | 'owner_type' | 'owner_id' | 'provider'>[]>;
  /**
   * Every key not revoked of the scope (one owner, or everyone's for `ANY_OWNER`), ordered
   * by owner, provider, environment, priority, id: what a bulk validation goes through.
   */
  listNotRevoked(db: SqlClient, scope: OwnerScope): Promise<KeyIdentity[]>;
  /** Keys (not revoked) an owner holds. */
  countHeld(db: SqlClient, owner: Owner): Promise<number>;
  /** Stored credentials (not revoked) still in the legacy unbound format. */
  countLegacy(db: SqlClient): Promise<number>;
  /** Whether any legacy value is left; stops at the first. */
  anyLegacy(db: SqlClient): Promise<boolean>;
  /** The next batch of legacy values after `afterId`, locked, skipping rows other workers hold. */
  lockLegacyBatch(db: SqlClient, afterId: string, limit: number): Promise<LegacyKeyRow[]>;
  /**
   * Marks every key in `statuses` (of `owners`, or everyone's when absent) compromised by
   * `incidentId`; returns the rows as they are now.
   */
  markCompromised(
    db: SqlClient,
    incidentId: string,
    statuses: readonly KeyStatus[],
    owners?: readonly Owner[],
  ): Promise<KeyRow[]>;
}

const LEGACY_CONDITION = "status <> 'revoked' AND ciphertext NOT LIKE 'ck1:%'";
const KEY_CHANGE_COLUMNS: readonly (keyof KeyChanges)[] = [
  'alias',
  'description',
  'priority',
  'status',
  'ciphertext',
  'key_hint',
  'key_fingerprint',
  'health_score',
  'last_validation_status',
  'cooldown_until',
  'compromised_at',
];
const LIST_FILTER_COLUMNS: readonly (keyof KeyListFilter)[] = ['provider', 'environment', 'status'];

function validId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 255;
}

export const keysStore: KeysStore = {
  async insert(db, row) {
    await db.query(
      `INSERT INTO byok.keys (id, owner_type, owner_id, provider, environment, alias, description, ciphertext, key_hint, key_fingerprint, priority, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        row.id,
        row.owner.type,
        row.owner.id,
        row.provider,
        row.environment,
        row.alias,
        row.description,
        row.ciphertext,
        row.keyHint,
        row.keyFingerprint,
        row.priority,
        row.createdBy,
      ],
    );
  },

  async activeCandidates(db, owner, provider, environment) {
    const { rows } = await db.queryPrepared<KeyRow>(
      'byok_active_candidates',
      `SELECT * FROM byok.keys
        WHERE owner_type = $1 AND owner_id = $2 AND provider = $3 AND environment = $4 AND status = 'active'
        ORDER BY priority, created_at, id`,
      [owner.type, owner.id, provider, environment],
    );
    return rows;
  },

  async findWithDataKey(db, id, scope, options = {}) {
    if (!validId(id)) return null;
    const params: unknown[] = [id];
    const ownerSql = ownerCondition(scope, params, 'k.');
    const { rows } = await db.query<KeyRowWithDataKey>(
      `SELECT k.*, d.id AS data_key_id, d.wrapped_key
         FROM byok.keys k JOIN byok.data_keys d ON d.owner_type = k.owner_type AND d.owner_id = k.owner_id
        WHERE k.id = $1 AND ${ownerSql}${options.forUpdate ? ' FOR UPDATE OF k' : ''}`,
      params,
    );
    return rows[0] ?? null;
  },

  async find(db, id, scope) {
    if (!validId(id)) return null;
    const params: unknown[] = [id];
    const ownerSql = ownerCondition(scope, params);
    const { rows } = await db.query<KeyRow>(`SELECT * FROM byok.keys WHERE id = $1 AND ${ownerSql}`, params);
    return rows[0] ?? null;
  },

  async list(db, owner, filter = {}) {
    const params: unknown[] = [];
    const where = [ownerCondition(owner, params)];
    for (const column of LIST_FILTER_COLUMNS) {
      const value = filter[column];
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    const { rows } = await db.query<KeyRow>(
      `SELECT * FROM byok.keys WHERE ${where.join(' AND ')} ORDER BY provider, environment, priority, created_at, id`,
      params,
    );
    return rows;
  },

  async update(db, id, scope, changes) {
    if (!validId(id)) return null;
    const params: unknown[] = [id];
    const sets: string[] = [];
    // Column names come from this fixed list, never from the caller's keys.
    for (const column of KEY_CHANGE_COLUMNS) {
      if (!(column in changes) || changes[column] === undefined) continue;
      params.push(changes[column]);
      sets.push(`${column} = $${params.length}`);
    }
    const ownerSql = ownerCondition(scope, params);
    const { rows } = await db.query<KeyRow>(
      `UPDATE byok.keys SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 AND ${ownerSql} RETURNING *`,
      params,
    );
    return rows[0] ?? null;
  },

  async revoke(db, id, scope) {
    if (!validId(id)) return null;
    const params: unknown[] = [id];
    const ownerSql = ownerCondition(scope, params);
    const { rows } = await db.query<KeyRow>(
      `UPDATE byok.keys SET status = 'revoked', ciphertext = 'revoked', revoked_at = now(), updated_at = now()
        WHERE id = $1 AND ${ownerSql} RETURNING *`,
      params,
    );
    return rows[0] ?? null;
  },

  async delete(db, id, scope) {
    if (!validId(id)) return false;
    const params: unknown[] = [id];
    const ownerSql = ownerCondition(scope, params);
    const { rows } = await db.query(
      `DELETE FROM byok.keys WHERE id = $1 AND ${ownerSql} RETURNING id`,
      params,
    );
    return rows.length > 0;
  },

  async replaceCiphertext(db, id, scope, expected, ciphertext) {
    if (!validId(id)) return false;
    const params: unknown[] = [id, ciphertext, expected];
    const ownerSql = ownerCondition(scope, params);
    const { rows } = await db.query(
      `UPDATE byok.keys SET ciphertext = $2, updated_at = now()
        WHERE id = $1 AND ciphertext = $3 AND status <> 'revoked' AND ${ownerSql}
        RETURNING id`,
      params,
    );
    return rows.length > 0;
  },

  async identities(db, ids) {
    if (ids.length === 0) return [];
    const { rows } = await db.query<Pick<KeyRow, 'id' | 'owner_type' | 'owner_id' | 'provider'>>(
      'SELECT id, owner_type, owner_id, provider FROM byok.keys WHERE id = ANY($1)',
      [ids],
    );
    return rows;
  },

  async listNotRevoked(db, scope) {
    const params: unknown[] = [];
    const ownerSql = ownerCondition(scope, params);
    const { rows } = await db.query<KeyIdentity>(
      `SELECT id, owner_type, owner_id, provider, environment FROM byok.keys
        WHERE status <> 'revoked' AND ${ownerSql}
        ORDER BY owner_type, owner_id, provider, environment, priority, id`,
      params,
    );
    return rows;
  },

  async countHeld(db, owner) {
    const { rows } = await db.query<{ count: string | number }>(
      `SELECT count(*) AS count FROM byok.keys WHERE owner_type = $1 AND owner_id = $2 AND status <> 'revoked'`,
      [owner.type, owner.id],
    );
    return Number(rows[0]?.count ?? 0);
  },

  async countLegacy(db) {
    const { rows } = await db.query<{ count: string | number }>(
      `SELECT count(*) AS count FROM byok.keys WHERE ${LEGACY_CONDITION}`,
    );
    return Number(rows[0]?.count ?? 0);
  },

  async anyLegacy(db) {
    const { rows } = await db.query<{ left: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM byok.keys WHERE ${LEGACY_CONDITION}) AS left`,
    );
    return Boolean(rows[0]?.left);
  },

  async lockLegacyBatch(db, afterId, limit) {
    const { rows } = await db.query<LegacyKeyRow>(
      `SELECT id, owner_type, owner_id, provider, ciphertext FROM byok.keys
        WHERE ${LEGACY_CONDITION} AND id > $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [afterId, limit],
    );
    return rows;
  },

  async markCompromised(db, incidentId, statuses, owners) {
    const ownerSql =
      owners === undefined
        ? ''
        : 'AND (owner_type, owner_id) IN (SELECT * FROM unnest($3::text[], $4::text[]))';
    const ownerParams = owners === undefined ? [] : [owners.map((o) => o.type), owners.map((o) => o.id)];
    const { rows } = await db.query<KeyRow>(
      `UPDATE byok.keys SET status = 'compromised', compromised_at = now(), compromise_incident = $1, updated_at = now()
        WHERE status = ANY($2::text[]) ${ownerSql}
        RETURNING *`,
      [incidentId, statuses, ...ownerParams],
    );
    return rows;
  },
};
