import type { Environment, ProviderType } from '../providers/index.js';
import type { GatewayTokenRow } from '../store/gateway-tokens-store.js';
import type { GatewayToken } from './types.js';

/** The SQL lives in `store/gateway-tokens-store.ts`; re-exported under the names this folder used. */
export {
  type GatewayTokenRow,
  type GatewayTokensStore,
  gatewayTokensStore as gatewayTokenStore,
  type TokenFields,
} from '../store/gateway-tokens-store.js';

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
