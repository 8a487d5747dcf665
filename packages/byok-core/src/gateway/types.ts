import type { Owner } from '../crypto/index.js';
import type { Environment, ProviderType } from '../providers/index.js';

/** A gateway token as everyone may see it: never the token itself, only its last characters. */
export interface GatewayToken {
  /** `gt_…` */
  id: string;
  owner: Owner;
  name: string;
  /** `byok_gt_…abcd` */
  hint: string;
  /** Providers the token may call; null means every provider. */
  allowedProviders: ProviderType[] | null;
  /** Model patterns (`gpt-*`, `openai/*`, exact ids); null means every model. */
  allowedModels: string[] | null;
  environment: Environment;
  expiresAt: Date | null;
  /** USD per UTC calendar month; null means no budget. */
  monthlyBudgetUsd: number | null;
  /** null means no per-token limit. */
  requestsPerMinute: number | null;
  /** Whether the application's own (system) keys may serve after the owner's keys. */
  allowSystemKeys: boolean;
  status: 'active' | 'revoked';
  revokedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a token spent in one UTC calendar month, from committed usage (a batch lands within seconds). */
export interface GatewayTokenUsage {
  /** `YYYY-MM`, UTC */
  month: string;
  /** Requests made with the token, failed ones included. */
  requests: number;
  /** USD; requests of models without a price count as 0. */
  costUsd: number;
  /** `monthlyBudgetUsd` minus `costUsd`, never below 0; null when the token has no budget. */
  budgetRemainingUsd: number | null;
}

/** A gateway token as listed: its settings and this month's usage. */
export interface GatewayTokenWithUsage extends GatewayToken {
  usage: GatewayTokenUsage;
}

/** Sums of a token's requests over a group of them. */
export interface GatewayTokenUsageFigures {
  requests: number;
  /** Requests that failed (upstream errors, disconnects). */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of the priced requests; null when every request is unpriced (unknown, not $0). */
  costUsd: number | null;
  unpricedRequests: number;
}

/** What `getGatewayTokenUsage` answers: a token's usage over a rolling window, by day and by model. */
export interface GatewayTokenUsageReport {
  tokenId: string;
  /** [from, to) */
  timeRange: { from: Date; to: Date };
  totals: GatewayTokenUsageFigures;
  /** UTC days with usage, oldest first (`YYYY-MM-DD`). */
  byDay: (GatewayTokenUsageFigures & { day: string })[];
  /** Model null: usage recorded without one. */
  byModel: (GatewayTokenUsageFigures & { provider: string; model: string | null })[];
}

export interface CreateGatewayTokenInput {
  userId?: string;
  workspaceId?: string;
  name: string;
  allowedProviders?: (ProviderType | `${ProviderType}`)[] | null;
  allowedModels?: string[] | null;
  environment?: Environment | `${Environment}`;
  expiresAt?: Date | string | null;
  monthlyBudgetUsd?: number | null;
  requestsPerMinute?: number | null;
  allowSystemKeys?: boolean;
}

export type UpdateGatewayTokenInput = Partial<
  Pick<
    CreateGatewayTokenInput,
    | 'name'
    | 'allowedProviders'
    | 'allowedModels'
    | 'expiresAt'
    | 'monthlyBudgetUsd'
    | 'requestsPerMinute'
    | 'allowSystemKeys'
  >
>;

/** What `createGatewayToken` returns: the token is in it this once and never again. */
export interface CreatedGatewayToken {
  id: string;
  token: string;
  gatewayToken: GatewayToken;
}
