import type { Owner } from '../crypto/index.js';
import type { GatewayToken } from '../gateway/types.js';
import type { SqlClient } from './types.js';

const HOUR_MS = 3_600_000;

/** A `byok.gateway_tokens` row. */
export interface GatewayTokenRow {
  id: string;
  owner_type: 'user' | 'workspace';
  owner_id: string;
  name: string;
  token_hash: string;
  hint: string;
  allowed_providers: string[] | string | null;
  allowed_models: string[] | string | null;
  environment: string;
  expires_at: Date | string | null;
  monthly_budget_usd: string | number | null;
  requests_per_minute: number | null;
  allow_system_keys: boolean;
  status: 'active' | 'revoked';
  revoked_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** A token row with what it spent in one UTC month (zeros when nothing was spent). */
export interface GatewayTokenSpendRow extends GatewayTokenRow {
  /** bigint, so a string from node-postgres */
  month_requests: string | number;
  month_cost_usd: string | number;
}

/**
 * Sums of a token's `byok.key_usage` rows for one group: a UTC day (`day` set), a provider and
 * model (`provider` set), or all of them (neither). Sums are decimal strings (exact).
 */
export interface TokenUsageSumsRow {
  day: string | null;
  provider: string | null;
  model: string | null;
  requests: string | null;
  errors: string | null;
  input_tokens: string | null;
  output_tokens: string | null;
  cost: string | null;
  unpriced: string | null;
}

/** The settings of a token that its owner chooses, as they are written on insert and update. */
export type TokenFields = Pick<
  GatewayToken,
  | 'name'
  | 'allowedProviders'
  | 'allowedModels'
  | 'environment'
  | 'expiresAt'
  | 'monthlyBudgetUsd'
  | 'requestsPerMinute'
  | 'allowSystemKeys'
>;

const COLUMNS = `id, owner_type, owner_id, name, token_hash, hint, allowed_providers, allowed_models, environment,
  expires_at, monthly_budget_usd, requests_per_minute, allow_system_keys, status, revoked_at, created_at, updated_at`;

/** Tokens with the month `$1` of spend joined (the two tables share no column name). */
const WITH_SPEND = `SELECT ${COLUMNS}, coalesce(s.requests, 0) AS month_requests, coalesce(s.cost_usd, 0) AS month_cost_usd
  FROM byok.gateway_tokens t LEFT JOIN byok.gateway_token_spend s ON s.token_id = t.id AND s.month = $1::date`;

/**
 * `byok.gateway_tokens` and `byok.gateway_token_spend`. Every by-id read and write names the
 * owner: another owner's token is neither seen nor changed (undefined / false).
 */
export interface GatewayTokensStore {
  insert(
    tx: SqlClient,
    row: {
      id: string;
      owner: Owner;
      tokenHash: string;
      hint: string;
      createdBy: string | null;
    } & TokenFields,
  ): Promise<GatewayTokenRow>;
  /** An owner's tokens, oldest first, each with its spend in the UTC month starting `month` (one query). */
  list(db: SqlClient, owner: Owner, month: string): Promise<GatewayTokenSpendRow[]>;
  /** The row of an owner (locked for update inside a transaction when `lock`). */
  find(db: SqlClient, id: string, owner: Owner, lock?: boolean): Promise<GatewayTokenRow | undefined>;
  /** The row of an owner with its spend in the UTC month starting `month`. */
  findWithSpend(
    db: SqlClient,
    id: string,
    owner: Owner,
    month: string,
  ): Promise<GatewayTokenSpendRow | undefined>;
  /** The token a presented secret hashes to, whoever owns it (this is how a caller is identified). */
  findByHash(db: SqlClient, tokenHash: string): Promise<GatewayTokenRow | undefined>;
  update(tx: SqlClient, id: string, owner: Owner, fields: TokenFields): Promise<GatewayTokenRow | undefined>;
  /** Marks revoked (the first revocation time is kept). */
  revoke(tx: SqlClient, id: string, owner: Owner): Promise<GatewayTokenRow | undefined>;
  /** Deletes the token, its spend rows and its hourly usage roll-ups; false when the owner has no such token. */
  delete(tx: SqlClient, id: string, owner: Owner): Promise<boolean>;
  /**
   * USD the token spent in the UTC month starting `month` (committed usage only). Keyed by the id
   * of a token the caller has already authenticated, so it takes no owner.
   */
  spend(db: SqlClient, tokenId: string, month: string): Promise<number>;
  /**
   * The token's usage in [from, to) by UTC day, by provider and model, and in total (the total row
   * is always there, with null sums when there was none): whole hours from the token's hourly
   * roll-ups, the sub-hour edges from raw rows (found through `owner`'s index: a token's usage is
   * always its owner's). The caller has already found the token for its owner.
   */
  usageSums(db: SqlClient, tokenId: string, owner: Owner, from: Date, to: Date): Promise<TokenUsageSumsRow[]>;
}

export const gatewayTokensStore: GatewayTokensStore = {
  async insert(tx, row) {
    const { rows } = await tx.query<GatewayTokenRow>(
      `INSERT INTO byok.gateway_tokens (id, owner_type, owner_id, name, token_hash, hint, allowed_providers,
         allowed_models, environment, expires_at, monthly_budget_usd, requests_per_minute, allow_system_keys, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::text[], $9, $10, $11, $12, $13, $14)
       RETURNING ${COLUMNS}`,
      [
        row.id,
        row.owner.type,
        row.owner.id,
        row.name,
        row.tokenHash,
        row.hint,
        row.allowedProviders,
        row.allowedModels,
        row.environment,
        row.expiresAt,
        row.monthlyBudgetUsd,
        row.requestsPerMinute,
        row.allowSystemKeys,
        row.createdBy,
      ],
    );
    return rows[0] as GatewayTokenRow;
  },

  async list(db, owner, month) {
    const { rows } = await db.query<GatewayTokenSpendRow>(
      `${WITH_SPEND} WHERE owner_type = $2 AND owner_id = $3 ORDER BY created_at, id`,
      [month, owner.type, owner.id],
    );
    return rows;
  },

  async findWithSpend(db, id, owner, month) {
    const { rows } = await db.query<GatewayTokenSpendRow>(
      `${WITH_SPEND} WHERE id = $2 AND owner_type = $3 AND owner_id = $4`,
      [month, id, owner.type, owner.id],
    );
    return rows[0];
  },

  async find(db, id, owner, lock = false) {
    const { rows } = await db.query<GatewayTokenRow>(
      `SELECT ${COLUMNS} FROM byok.gateway_tokens WHERE id = $1 AND owner_type = $2 AND owner_id = $3${lock ? ' FOR UPDATE' : ''}`,
      [id, owner.type, owner.id],
    );
    return rows[0];
  },

  async findByHash(db, tokenHash) {
    const { rows } = await db.query<GatewayTokenRow>(
      `SELECT ${COLUMNS} FROM byok.gateway_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0];
  },

  async update(tx, id, owner, fields) {
    const { rows } = await tx.query<GatewayTokenRow>(
      `UPDATE byok.gateway_tokens SET name = $2, allowed_providers = $3::text[], allowed_models = $4::text[],
         expires_at = $5, monthly_budget_usd = $6, requests_per_minute = $7, allow_system_keys = $8, updated_at = now()
       WHERE id = $1 AND owner_type = $9 AND owner_id = $10 RETURNING ${COLUMNS}`,
      [
        id,
        fields.name,
        fields.allowedProviders,
        fields.allowedModels,
        fields.expiresAt,
        fields.monthlyBudgetUsd,
        fields.requestsPerMinute,
        fields.allowSystemKeys,
        owner.type,
        owner.id,
      ],
    );
    return rows[0];
  },

  async revoke(tx, id, owner) {
    const { rows } = await tx.query<GatewayTokenRow>(
      `UPDATE byok.gateway_tokens SET status = 'revoked', revoked_at = coalesce(revoked_at, now()), updated_at = now()
       WHERE id = $1 AND owner_type = $2 AND owner_id = $3 RETURNING ${COLUMNS}`,
      [id, owner.type, owner.id],
    );
    return rows[0];
  },

  async delete(tx, id, owner) {
    const { rows } = await tx.query(
      'DELETE FROM byok.gateway_tokens WHERE id = $1 AND owner_type = $2 AND owner_id = $3 RETURNING id',
      [id, owner.type, owner.id],
    );
    if (rows.length === 0) return false;
    await tx.query('DELETE FROM byok.gateway_token_spend WHERE token_id = $1', [id]);
    await tx.query('DELETE FROM byok.gateway_token_hourly WHERE token_id = $1', [id]);
    return true;
  },

  async spend(db, tokenId, month) {
    const { rows } = await db.query<{ cost_usd: string | number }>(
      'SELECT cost_usd FROM byok.gateway_token_spend WHERE token_id = $1 AND month = $2',
      [tokenId, month],
    );
    return rows[0] ? Number(rows[0].cost_usd) : 0;
  },

  async usageSums(db, tokenId, owner, from, to) {
    // [from, firstHour) and [lastHour, to) from raw rows, [firstHour, lastHour) from the roll-ups; a
    // window within one hour is all raw rows. The provider column is grouped in every by-model row,
    // so a null provider marks the other groups.
    const firstHour = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
    const lastHour = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
    const [hoursFrom, hoursTo] = firstHour < lastHour ? [new Date(firstHour), new Date(lastHour)] : [to, to];
    const { rows } = await db.query<TokenUsageSumsRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, provider, model, sum(requests)::text AS requests,
              sum(errors)::text AS errors, sum(input_tokens)::text AS input_tokens,
              sum(output_tokens)::text AS output_tokens, sum(cost_usd)::text AS cost, sum(unpriced)::text AS unpriced
         FROM (SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, provider, model, requests,
                      CASE WHEN success THEN 0 ELSE requests END AS errors, input_tokens, output_tokens, cost_usd,
                      CASE WHEN priced THEN 0 ELSE requests END AS unpriced
                 FROM byok.key_usage
                WHERE owner_type = $2 AND owner_id = $3 AND gateway_token_id = $1
                  AND ((created_at >= $4 AND created_at < $5) OR (created_at >= $6 AND created_at < $7))
               UNION ALL
               SELECT date_trunc('day', hour AT TIME ZONE 'UTC'), provider, NULLIF(model, ''), requests, errors,
                      input_tokens, output_tokens, cost_usd, unpriced_requests
                 FROM byok.gateway_token_hourly WHERE token_id = $1 AND hour >= $5 AND hour < $6) AS u
        GROUP BY GROUPING SETS ((day), (provider, model), ())
        ORDER BY day, provider, model`,
      [tokenId, owner.type, owner.id, from, hoursFrom, hoursTo, to],
    );
    return rows;
  },
};
