import type { Owner } from '../crypto/index.js';
import type { KeyRow } from '../keys/types.js';
import type { SqlClient } from './types.js';

/** Which chain: one per owner, provider and environment. */
export interface ChainScope {
  owner: Owner;
  provider: string;
  environment: string;
}

/** A chain as stored in `byok.fallback_chains`. */
export interface StoredChain {
  primaryKeyId: string | null;
  fallbackSequence: string[];
  useSystemFallback: boolean;
  maxRetries: number;
  retryDelayMs: number;
  updatedAt: Date;
}

/** What `upsertChain` writes. */
export type ChainValues = Omit<StoredChain, 'updatedAt'>;

/** A key parked after a failed provider call. */
export interface KeyCooldown {
  keyId: string;
  owner: Owner;
  until: Date;
  /** An outcome to record as `last_validation_status` (a refusal, so that periodic validation rechecks the key); null keeps it. */
  refusal: string | null;
}

/**
 * Every SQL statement of fallback chains and key cooldowns. Each method runs on `tx` when given
 * (a transaction of the caller), else on the store's client. Every statement matches the owner:
 * a key id or chain of another owner reads and changes nothing.
 */
export interface FallbackStore {
  /** The stored chain, or null when the owner configured none. */
  findChain(scope: ChainScope, tx?: SqlClient): Promise<StoredChain | null>;
  /** Stores the chain (replacing any earlier one, `updatedAt` = now) and returns it as stored. Two racing calls: the last one wins. */
  upsertChain(scope: ChainScope, values: ChainValues, tx?: SqlClient): Promise<StoredChain>;
  /**
   * The owner's key rows among `ids`, in no particular order; ids of other owners or of no key
   * are left out. With `provider` / `environment`, only keys of that provider / environment.
   */
  findOwnerKeys(
    owner: Owner,
    ids: readonly string[],
    filter?: { provider?: string; environment?: string },
    tx?: SqlClient,
  ): Promise<KeyRow[]>;
  /**
   * Parks an active key of the owner until `until` — never shortening a longer cooldown already
   * set — and records `refusal` when given. False when no active key of that owner has the id.
   */
  coolDownKey(cooldown: KeyCooldown, tx?: SqlClient): Promise<boolean>;
}

interface ChainRow {
  primary_key_id: string | null;
  fallback_sequence: string[] | string | null;
  use_system_fallback: boolean;
  max_retries: number;
  retry_delay_ms: number;
  updated_at: Date | string;
}

const CHAIN_COLUMNS =
  'primary_key_id, fallback_sequence, use_system_fallback, max_retries, retry_delay_ms, updated_at';

function sequenceOf(value: ChainRow['fallback_sequence']): string[] {
  if (Array.isArray(value)) return value;
  // A driver without array parsing gives the literal `{a,b}`; key ids never contain commas or quotes.
  if (typeof value === 'string' && value.startsWith('{') && value.endsWith('}')) {
    return value.slice(1, -1).split(',').filter(Boolean);
  }
  return [];
}

const toStoredChain = (row: ChainRow): StoredChain => ({
  primaryKeyId: row.primary_key_id,
  fallbackSequence: sequenceOf(row.fallback_sequence),
  useSystemFallback: Boolean(row.use_system_fallback),
  maxRetries: Number(row.max_retries),
  retryDelayMs: Number(row.retry_delay_ms),
  updatedAt: new Date(row.updated_at),
});

/**
 * The fallback store on a PostgreSQL client (pg pool or client, PGlite, or a transaction).
 * @example
 * const store = createFallbackStore(db);
 * const chain = await store.findChain({ owner: { type: 'user', id: 'user_123' }, provider: 'openai', environment: 'production' });
 */
export function createFallbackStore(db: SqlClient): FallbackStore {
  return {
    async findChain({ owner, provider, environment }, tx = db) {
      const { rows } = await tx.query<ChainRow>(
        `SELECT ${CHAIN_COLUMNS}
           FROM byok.fallback_chains WHERE owner_type = $1 AND owner_id = $2 AND provider = $3 AND environment = $4`,
        [owner.type, owner.id, provider, environment],
      );
      return rows[0] ? toStoredChain(rows[0]) : null;
    },

    async upsertChain({ owner, provider, environment }, values, tx = db) {
      const { rows } = await tx.query<ChainRow>(
        `INSERT INTO byok.fallback_chains
           (owner_type, owner_id, provider, environment, primary_key_id, fallback_sequence, use_system_fallback, max_retries, retry_delay_ms, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, now())
         ON CONFLICT (owner_type, owner_id, provider, environment) DO UPDATE SET
           primary_key_id = EXCLUDED.primary_key_id, fallback_sequence = EXCLUDED.fallback_sequence,
           use_system_fallback = EXCLUDED.use_system_fallback, max_retries = EXCLUDED.max_retries,
           retry_delay_ms = EXCLUDED.retry_delay_ms, updated_at = now()
         RETURNING ${CHAIN_COLUMNS}`,
        [
          owner.type,
          owner.id,
          provider,
          environment,
          values.primaryKeyId,
          values.fallbackSequence,
          values.useSystemFallback,
          values.maxRetries,
          values.retryDelayMs,
        ],
      );
      return toStoredChain(rows[0] as ChainRow);
    },

    async findOwnerKeys(owner, ids, filter = {}, tx = db) {
      if (ids.length === 0) return [];
      const { rows } = await tx.query<KeyRow>(
        `SELECT * FROM byok.keys WHERE id = ANY($1::text[]) AND owner_type = $2 AND owner_id = $3
            AND ($4::text IS NULL OR provider = $4) AND ($5::text IS NULL OR environment = $5)`,
        [[...ids], owner.type, owner.id, filter.provider ?? null, filter.environment ?? null],
      );
      return rows;
    },

    async coolDownKey({ keyId, owner, until, refusal }, tx = db) {
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE byok.keys
            SET cooldown_until = GREATEST(COALESCE(cooldown_until, $4), $4),
                last_validation_status = COALESCE($5, last_validation_status)
          WHERE id = $1 AND owner_type = $2 AND owner_id = $3 AND status = 'active'
          RETURNING id`,
        [keyId, owner.type, owner.id, until, refusal],
      );
      return rows.length > 0;
    },
  };
}
