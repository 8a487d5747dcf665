import type { Owner } from '../crypto/index.js';
import type { KeyRow, KeyStatus } from '../keys/types.js';
import type { SqlClient } from './types.js';

/** A key reference with its owner: every by-id statement below matches the id and the owner. */
export interface OwnedKeyRef {
  id: string;
  owner: Owner;
}

/** One earlier validation of a key, as the health score needs it. */
export interface ValidationHistoryEntry {
  /** The outcome recorded (`valid`, `invalid_key`, `timeout`, …). */
  status: string;
  responseTimeMs: number;
}

/** A key locked for a validation write, with its state and its most recent validations. */
export interface LockedKeyState extends OwnedKeyRef {
  status: KeyStatus;
  cooldownUntil: Date | null;
  lastValidationStatus: string | null;
  /** Newest first, at most `historySize` entries. */
  history: ValidationHistoryEntry[];
}

/** One `byok.key_validations` row to insert. */
export interface ValidationRecord {
  keyId: string;
  isValid: boolean;
  status: string;
  healthScore: number;
  errorCode: string | null;
  errorMessage: string | null;
  responseTimeMs: number;
  testsRun: string[];
}

/** A key's state after a validation. */
export interface KeyValidationState extends OwnedKeyRef {
  healthScore: number;
  /** The outcome, kept as `last_validation_status`. */
  outcome: string;
  status: KeyStatus;
  cooldownUntil: Date | null;
}

/** Which keys a periodic round validates: active ones validated before `validatedBefore`, not cooling down. */
export interface DueKeysQuery {
  /** Keys validated within this many ms are not due. */
  freshForMs: number;
  /** Keyset cursor: only ids after this one (`''` for the first page). */
  afterId: string;
  limit: number;
}

/**
 * Every SQL statement of key validation: what is validated, and what a validation writes.
 * Each method runs on `tx` when given (a transaction of the caller), else on the store's client.
 * By-id methods match the key's owner as well as its id: a reference with the wrong owner reads
 * and changes nothing, exactly like one to a key that does not exist.
 */
export interface ValidationsStore {
  /** The owner's keys that are not revoked, ordered by provider, environment, priority, creation, id. */
  listOwnerKeys(owner: Owner, tx?: SqlClient): Promise<KeyRow[]>;
  /**
   * One page (ordered by id) of keys due for periodic validation, across all owners: active keys
   * not validated for `freshForMs`, leaving out keys that cool down — except keys parked by a 401
   * (`last_validation_status` `invalid_key` / `revoked`), which are revalidated so that they come back.
   */
  listDueKeys(query: DueKeysQuery, tx?: SqlClient): Promise<KeyRow[]>;
  /**
   * Locks the referenced keys (`FOR UPDATE`, in id order so that concurrent batches cannot
   * deadlock) and returns their state with up to `historySize` recent validations. Keys that do
   * not exist or belong to another owner are left out. Meant to run inside a transaction.
   */
  lockKeysForValidation(
    refs: readonly OwnedKeyRef[],
    historySize: number,
    tx?: SqlClient,
  ): Promise<LockedKeyState[]>;
  /** Inserts validation rows, one statement whatever their number. */
  insertValidations(records: readonly ValidationRecord[], tx?: SqlClient): Promise<void>;
  /** Sets each key's health, last validation (now), status and cooldown; one statement. Returns the keys changed. */
  updateKeyStates(states: readonly KeyValidationState[], tx?: SqlClient): Promise<number>;
}

interface LockedRow {
  id: string;
  owner_type: Owner['type'];
  owner_id: string;
  status: KeyStatus;
  cooldown_until: Date | string | null;
  last_validation_status: string | null;
  history: { s: string; ms: number }[] | string | null;
}

const asDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/**
 * The validations store on a PostgreSQL client (pg pool or client, PGlite, or a transaction).
 * @example
 * const store = createValidationsStore(db);
 * const keys = await store.listOwnerKeys({ type: 'user', id: 'user_123' });
 */
export function createValidationsStore(db: SqlClient): ValidationsStore {
  return {
    async listOwnerKeys(owner, tx = db) {
      const { rows } = await tx.query<KeyRow>(
        `SELECT * FROM byok.keys WHERE owner_type = $1 AND owner_id = $2 AND status <> 'revoked'
          ORDER BY provider, environment, priority, created_at, id`,
        [owner.type, owner.id],
      );
      return rows;
    },

    async listDueKeys(query, tx = db) {
      const { rows } = await tx.query<KeyRow>(
        `SELECT * FROM byok.keys
          WHERE status = 'active' AND id > $2
            AND (last_validated_at IS NULL OR last_validated_at < now() - make_interval(secs => $1::double precision / 1000))
            AND (cooldown_until IS NULL OR cooldown_until <= now() OR last_validation_status IN ('invalid_key', 'revoked'))
          ORDER BY id LIMIT $3`,
        [query.freshForMs, query.afterId, Math.max(1, Math.floor(query.limit))],
      );
      return rows;
    },

    async lockKeysForValidation(refs, historySize, tx = db) {
      if (refs.length === 0) return [];
      const sorted = [...refs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const { rows } = await tx.query<LockedRow>(
        `SELECT k.id, k.owner_type, k.owner_id, k.status, k.cooldown_until, k.last_validation_status,
                (SELECT json_agg(json_build_object('s', h.status, 'ms', h.response_time_ms) ORDER BY h.created_at DESC, h.id DESC)
                   FROM (SELECT status, response_time_ms, created_at, id FROM byok.key_validations
                          WHERE key_id = k.id ORDER BY created_at DESC, id DESC LIMIT $4) h) AS history
           FROM byok.keys k
           JOIN unnest($1::text[], $2::text[], $3::text[]) AS r(id, owner_type, owner_id)
             ON k.id = r.id AND k.owner_type = r.owner_type AND k.owner_id = r.owner_id
          ORDER BY k.id FOR UPDATE OF k`,
        [
          sorted.map((r) => r.id),
          sorted.map((r) => r.owner.type),
          sorted.map((r) => r.owner.id),
          historySize,
        ],
      );
      return rows.map((row) => {
        const history = typeof row.history === 'string' ? JSON.parse(row.history) : (row.history ?? []);
        return {
          id: row.id,
          owner: { type: row.owner_type, id: row.owner_id },
          status: row.status,
          cooldownUntil: asDate(row.cooldown_until),
          lastValidationStatus: row.last_validation_status,
          history: (history as { s: string; ms: number }[]).map((h) => ({
            status: h.s,
            responseTimeMs: Number(h.ms),
          })),
        };
      });
    },

    async insertValidations(records, tx = db) {
      if (records.length === 0) return;
      await tx.query(
        `INSERT INTO byok.key_validations (key_id, is_valid, status, health_score, error_code, error_message, response_time_ms, tests_run)
         SELECT v.key_id, v.is_valid, v.status, v.health_score, v.error_code, v.error_message, v.response_time_ms, v.tests_run::jsonb
           FROM unnest($1::text[], $2::boolean[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[])
             AS v(key_id, is_valid, status, health_score, error_code, error_message, response_time_ms, tests_run)`,
        [
          records.map((r) => r.keyId),
          records.map((r) => r.isValid),
          records.map((r) => r.status),
          records.map((r) => r.healthScore),
          records.map((r) => r.errorCode),
          records.map((r) => r.errorMessage),
          records.map((r) => Math.round(r.responseTimeMs)),
          records.map((r) => JSON.stringify(r.testsRun)),
        ],
      );
    },

    async updateKeyStates(states, tx = db) {
      if (states.length === 0) return 0;
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE byok.keys k
            SET health_score = u.health_score, last_validated_at = now(), last_validation_status = u.outcome,
                status = u.status, cooldown_until = u.cooldown_until::timestamptz
           FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[])
             AS u(id, owner_type, owner_id, health_score, outcome, status, cooldown_until)
          WHERE k.id = u.id AND k.owner_type = u.owner_type AND k.owner_id = u.owner_id
          RETURNING k.id`,
        [
          states.map((s) => s.id),
          states.map((s) => s.owner.type),
          states.map((s) => s.owner.id),
          states.map((s) => s.healthScore),
          states.map((s) => s.outcome),
          states.map((s) => s.status),
          states.map((s) => s.cooldownUntil?.toISOString() ?? null),
        ],
      );
      return rows.length;
    },
  };
}
