import type { Owner } from '../crypto/index.js';
import type { Environment, ProviderType } from '../providers/index.js';
import type { SqlClient } from '../store/types.js';
import type { GatewayToken } from './types.js';

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

export interface TokenFields {
  name: string;
  allowedProviders: string[] | null;
  allowedModels: string[] | null;
  environment: string;
  expiresAt: Date | null;
  monthlyBudgetUsd: number | null;
  requestsPerMinute: number | null;
  allowSystemKeys: boolean;
}

const COLUMNS = `id, owner_type, owner_id, name, token_hash, hint, allowed_providers, allowed_models, environment,
  expires_at, monthly_budget_usd, requests_per_minute, allow_system_keys, status, revoked_at, created_at, updated_at`;

/** Every SQL statement about gateway tokens and their spend. */
export const gatewayTokenStore = {
  async insert(
    tx: SqlClient,
    row: {
      id: string;
      owner: Owner;
      tokenHash: string;
      hint: string;
      createdBy: string | null;
    } & TokenFields,
  ): Promise<GatewayTokenRow> {
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

  async list(db: SqlClient, owner: Owner): Promise<GatewayTokenRow[]> {
    const { rows } = await db.query<GatewayTokenRow>(
      `SELECT ${COLUMNS} FROM byok.gateway_tokens WHERE owner_type = $1 AND owner_id = $2 ORDER BY created_at, id`,
      [owner.type, owner.id],
    );
    return rows;
  },

  /** The row of an owner (locked for update inside a transaction when `lock`). */
  async find(db: SqlClient, id: string, owner: Owner, lock = false): Promise<GatewayTokenRow | undefined> {
    const { rows } = await db.query<GatewayTokenRow>(
      `SELECT ${COLUMNS} FROM byok.gateway_tokens WHERE id = $1 AND owner_type = $2 AND owner_id = $3${lock ? ' FOR UPDATE' : ''}`,
      [id, owner.type, owner.id],
    );
    return rows[0];
  },

  async findByHash(db: SqlClient, tokenHash: string): Promise<GatewayTokenRow | undefined> {
    const { rows } = await db.query<GatewayTokenRow>(
      `SELECT ${COLUMNS} FROM byok.gateway_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0];
  },

  async update(tx: SqlClient, id: string, fields: TokenFields): Promise<GatewayTokenRow> {
    const { rows } = await tx.query<GatewayTokenRow>(
      `UPDATE byok.gateway_tokens SET name = $2, allowed_providers = $3::text[], allowed_models = $4::text[],
         expires_at = $5, monthly_budget_usd = $6, requests_per_minute = $7, allow_system_keys = $8, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        fields.name,
        fields.allowedProviders,
        fields.allowedModels,
        fields.expiresAt,
        fields.monthlyBudgetUsd,
        fields.requestsPerMinute,
        fields.allowSystemKeys,
      ],
    );
    return rows[0] as GatewayTokenRow;
  },

  async revoke(tx: SqlClient, id: string): Promise<GatewayTokenRow> {
    const { rows } = await tx.query<GatewayTokenRow>(
      `UPDATE byok.gateway_tokens SET status = 'revoked', revoked_at = coalesce(revoked_at, now()), updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] as GatewayTokenRow;
  },

  async delete(tx: SqlClient, id: string): Promise<void> {
    await tx.query('DELETE FROM byok.gateway_tokens WHERE id = $1', [id]);
    await tx.query('DELETE FROM byok.gateway_token_spend WHERE token_id = $1', [id]);
  },

  /** USD this token spent in the UTC month starting `month` (committed usage only). */
  async spend(db: SqlClient, tokenId: string, month: string): Promise<number> {
    const { rows } = await db.query<{ cost_usd: string | number }>(
      'SELECT cost_usd FROM byok.gateway_token_spend WHERE token_id = $1 AND month = $2',
      [tokenId, month],
    );
    return rows[0] ? Number(rows[0].cost_usd) : 0;
  },
};

function textArray(value: string[] | string | null): string[] | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value;
  // A driver without array parsing gives the literal `{a,b}`; patterns never contain commas or quotes.
  return value.slice(1, -1).split(',').filter(Boolean);
}

const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export function toGatewayToken(row: GatewayTokenRow): GatewayToken {
  return {
    id: row.id,
    owner: { type: row.owner_type, id: row.owner_id },
    name: row.name,
    hint: row.hint,
    allowedProviders: textArray(row.allowed_providers) as ProviderType[] | null,
    allowedModels: textArray(row.allowed_models),
    environment: row.environment as Environment,
    expiresAt: dateOrNull(row.expires_at),
    monthlyBudgetUsd: row.monthly_budget_usd === null ? null : Number(row.monthly_budget_usd),
    requestsPerMinute: row.requests_per_minute === null ? null : Number(row.requests_per_minute),
    allowSystemKeys: Boolean(row.allow_system_keys),
    status: row.status,
    revokedAt: dateOrNull(row.revoked_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
