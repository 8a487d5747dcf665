/*
 * The shapes of the BYOK REST API as the browser sees them (dates are ISO strings). They mirror
 * `packages/byok-core/src/http/schemas.ts`; the UI does not import byok-core, so that it carries
 * no server code (zod, node:crypto) into a browser bundle.
 */

/** Provider wire names (`ProviderType` values in byok-core). */
export type ProviderId =
  | 'openai'
  | 'anthropic'
  | 'gemini'
  | 'deepseek'
  | 'openrouter'
  | 'deepgram'
  | 'twilio';

/** `Environment` values in byok-core. */
export type EnvironmentName = 'development' | 'staging' | 'production';

export type KeyStatus = 'active' | 'disabled' | 'invalid' | 'revoked' | 'compromised';

export type WorkspaceRole = 'owner' | 'admin' | 'member';

/** A stored key as the API shows it: a masked hint and a fingerprint, never the secret. */
export interface Key {
  id: string;
  provider: ProviderId;
  environment: EnvironmentName;
  owner: { type: 'user' | 'workspace'; id: string };
  userId: string | null;
  workspaceId: string | null;
  alias: string | null;
  description: string | null;
  status: KeyStatus;
  isActive: boolean;
  /** Known prefix and last 4 characters, e.g. `sk-…abcd`. */
  keyHint: string;
  fingerprint: string;
  /** 0–100. */
  healthScore: number;
  lastValidatedAt: string | null;
  lastValidationStatus: string | null;
  cooldownUntil: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  revokedAt: string | null;
  /** Lower is tried first (present when the server sends it). */
  priority?: number;
}

export interface CredentialField {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
}

export interface ProviderInfo {
  id: ProviderId;
  displayName: string;
  category: 'ai' | 'voice' | 'telephony';
  credentialFields: CredentialField[];
}

export interface Me {
  userId: string | null;
  isServiceToken: boolean;
  workspaces: { id: string; name: string; role: WorkspaceRole }[];
}

export interface Workspace {
  id: string;
  name: string;
  role: WorkspaceRole;
  createdBy: string;
  createdAt: string;
}

/** The credential, field by field (`{ apiKey }`, Twilio `{ accountSid, authToken }`). */
export type KeyData = Record<string, string>;

export interface CreateKeyInput {
  provider: ProviderId;
  keyData: KeyData;
  alias?: string;
  description?: string;
  environment?: EnvironmentName;
  priority?: number;
}

export interface UpdateKeyInput {
  alias?: string | null;
  description?: string | null;
  enabled?: boolean;
  keyData?: KeyData;
  priority?: number;
}

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
