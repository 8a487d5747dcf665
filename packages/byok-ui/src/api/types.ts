/*
 * The shapes of the BYOK REST API as the browser sees them (dates are ISO strings). Request and
 * resource types come from `openapi.gen.ts`, generated from the server's OpenAPI document
 * (`npm run generate:api`); the few hand-written ones below are the looser views the components
 * accept (what older servers send, and the alert fields a newer server adds), each a supertype of
 * the generated answer, so the compiler checks them against the document at every call.
 */
import type { components } from './openapi.gen.js';

type Schemas = components['schemas'];

/** Provider wire names (`ProviderType` values in byok-core). */
export type ProviderId = Schemas['ProviderId'];

/** `Environment` values in byok-core. */
export type EnvironmentName = Schemas['Environment'];

export type KeyStatus = Schemas['KeyStatus'];

export type WorkspaceRole = Schemas['WorkspaceRole'];

/** A stored key as the API shows it: a masked hint and a fingerprint, never the secret. */
export type Key = Schemas['Key'] & {
  /** Lower is tried first (present when the server sends it). */
  priority?: number;
};

export type CredentialField = Schemas['CredentialField'];

export type ProviderInfo = Schemas['Provider'];

export type Me = Schemas['Me'];

export type Workspace = Schemas['Workspace'];

/** A member of a workspace and their role. */
export type WorkspaceMember = Schemas['WorkspaceMember'];

/** The credential, field by field (`{ apiKey }`, Twilio `{ accountSid, authToken }`). */
export type KeyData = Record<string, string>;

export type CreateKeyInput = Schemas['CreateKeyInput'];

export type UpdateKeyInput = Schemas['UpdateKeyInput'];

export interface ListKeysFilter {
  provider?: ProviderId;
  environment?: EnvironmentName;
  status?: KeyStatus;
}

/** What a key test found. `responseTime` is in milliseconds. */
export interface KeyTestResult {
  keyId?: string | null;
  isValid: boolean;
  healthScore: number;
  status?: string;
  errorCode?: string;
  errorMessage?: string;
  responseTime?: number;
  testsRun?: string[] | number;
}

export type TimeRange = '24h' | '7d' | '30d' | '90d';
export type GroupBy = 'hour' | 'day' | 'week' | 'month' | 'provider' | 'key';

/** Usage added up over some rows. */
export interface UsageFigures {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  totalTokens: number;
  /** USD of the priced requests; null when every request is unpriced (unknown, not $0). */
  costUsd: number | null;
  /** Requests whose model has no known price. */
  unpricedRequests: number;
  /** Seconds of audio processed (voice providers); absent from servers before voice pricing. */
  audioSeconds?: number;
  /** Audio minutes (`audioSeconds / 60`), what voice providers bill. */
  minutes?: number;
}

export interface UsageAnalytics {
  timeRange: { from: string; to: string };
  groupBy: GroupBy;
  totals: UsageFigures;
  series: (UsageFigures & { bucket: string })[];
  byProvider: (UsageFigures & { provider: string })[];
  byKey: (UsageFigures & { keyId: string | null })[];
}

export interface UsageQuery {
  timeRange?: TimeRange;
  groupBy?: GroupBy;
  providers?: ProviderId[];
}

export interface FallbackChain {
  primaryKeyId: string | null;
  fallbackSequence: string[];
  useSystemFallback: boolean;
  maxRetries: number;
  retryDelayMs: number;
  /** False (or the chain null) when the owner never saved one and the defaults apply. */
  configured?: boolean;
}

/** Who acted: a user, the service token (for the user in `onBehalfOf`), or the system. */
export interface AuditActor {
  type: 'user' | 'service' | 'system';
  id: string;
  onBehalfOf?: string;
}

export interface AuditEntry {
  id: string;
  action: string;
  actor: AuditActor;
  targetType: string;
  targetId: string | null;
  createdAt: string;
  details: Record<string, unknown>;
  context?: Record<string, unknown>;
  owner?: { type: 'user' | 'workspace'; id: string } | null;
  hash?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next page; null on the last page. */
  nextBefore: string | null;
}

/** Which keys an operation is about: the caller's own (no workspace) or a workspace's. */
export interface Scope {
  workspaceId?: string | undefined;
}

export type AlertType = Schemas['UsageAlert']['alertType'];
export type AlertPeriod = Schemas['UsageAlert']['thresholdPeriod'];
export type AlertChannel = Schemas['UsageAlert']['notificationChannels'][number];

/** The outcome of an alert's most recent delivery attempt; null before the first one. */
export type AlertDelivery = NonNullable<Schemas['UsageAlert']['lastDelivery']>;

/** A usage alert; `signingSecret` only on the answer that created it (shown once). */
export type UsageAlert = Schemas['UsageAlert'] & {
  /** HMAC key for the webhook's signature, shown once when the alert is created. */
  signingSecret?: string;
};

export type CreateAlertInput = Schemas['CreateUsageAlertInput'];

/** A gateway token's settings; never the token itself (only its hint). */
export type GatewayToken = Schemas['GatewayToken'];

/** What a gateway token spent this UTC month: requests, USD, and what is left of its budget. */
export type GatewayTokenUsage = Schemas['GatewayTokenUsage'];

/** A gateway token as listed: its settings and this month's usage. */
export type GatewayTokenWithUsage = Schemas['GatewayTokenWithUsage'];

export type CreateGatewayTokenInput = Schemas['CreateGatewayTokenInput'];

/** A new gateway token: `token` is shown this once; only its hash is stored. */
export type CreatedGatewayToken = Schemas['CreatedGatewayToken'];
