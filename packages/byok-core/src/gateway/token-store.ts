import type { Environment, ProviderType } from '../providers/index.js';
import type {
  GatewayTokenRow,
  GatewayTokenSpendRow,
  TokenUsageSumsRow,
} from '../store/gateway-tokens-store.js';
import type {
  GatewayToken,
  GatewayTokenUsageFigures,
  GatewayTokenUsageReport,
  GatewayTokenWithUsage,
} from './types.js';

/** The SQL lives in `store/gateway-tokens-store.ts`; re-exported under the names this folder used. */
export {
  type GatewayTokenRow,
  type GatewayTokenSpendRow,
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

/** `month` is the `YYYY-MM-01` the row's spend was read for. */
export function toGatewayTokenWithUsage(row: GatewayTokenSpendRow, month: string): GatewayTokenWithUsage {
  const token = toGatewayToken(row);
  const costUsd = Number(row.month_cost_usd);
  const budget = token.monthlyBudgetUsd;
  return {
    ...token,
    usage: {
      month: month.slice(0, 7),
      requests: Number(row.month_requests),
      costUsd,
      // Both are numeric(18, 8): rounding to 8 places drops the float noise of the subtraction.
      budgetRemainingUsd: budget === null ? null : Math.max(0, Math.round((budget - costUsd) * 1e8) / 1e8),
    },
  };
}

function toFigures(row: TokenUsageSumsRow | undefined): GatewayTokenUsageFigures {
  const requests = Number(row?.requests ?? 0);
  const unpricedRequests = Number(row?.unpriced ?? 0);
  return {
    requests,
    errors: Number(row?.errors ?? 0),
    inputTokens: Number(row?.input_tokens ?? 0),
    outputTokens: Number(row?.output_tokens ?? 0),
    costUsd: requests > 0 && unpricedRequests === requests ? null : Number(row?.cost ?? 0),
    unpricedRequests,
  };
}

export function toUsageReport(
  tokenId: string,
  timeRange: { from: Date; to: Date },
  rows: TokenUsageSumsRow[],
): GatewayTokenUsageReport {
  const report: GatewayTokenUsageReport = {
    tokenId,
    timeRange,
    totals: toFigures(undefined),
    byDay: [],
    byModel: [],
  };
  for (const row of rows) {
    if (row.day !== null) report.byDay.push({ day: row.day, ...toFigures(row) });
    else if (row.provider !== null)
      report.byModel.push({ provider: row.provider, model: row.model, ...toFigures(row) });
    else report.totals = toFigures(row);
  }
  return report;
}
