/*
 * The shapes of the BYOK REST API as the browser sees them (dates are ISO strings), named from
 * `openapi.gen.ts`, which is generated from the server's OpenAPI document (`npm run generate:api`).
 * Only the client's own inputs (a filter, a scope, a query) are written here, from those types.
 * The package exports every type of this file (`export type *` in index.ts).
 */
import type { components, paths } from './openapi.gen.js';

type Schemas = components['schemas'];

/** Provider wire names (`ProviderType` values in byok-core). */
export type ProviderId = Schemas['ProviderId'];

/** `Environment` values in byok-core. */
export type EnvironmentName = Schemas['Environment'];

export type KeyStatus = Schemas['KeyStatus'];

export type WorkspaceRole = Schemas['WorkspaceRole'];

/** A stored key as the API shows it: a masked hint and a fingerprint, never the secret. */
export type Key = Schemas['Key'];

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

export type ListKeysFilter = NonNullable<paths['/keys']['get']['parameters']['query']>;

/** What a key test found, of a stored key or of a credential before it is saved. `responseTime` is in ms. */
export type KeyTestResult = Schemas['KeyTestResult'] | Schemas['CredentialTestResult'];

type UsageParameters = NonNullable<paths['/usage/analytics']['get']['parameters']['query']>;
export type TimeRange = NonNullable<UsageParameters['timeRange']>;
export type GroupBy = NonNullable<UsageParameters['groupBy']>;

/** Usage added up over some rows; `costUsd` is null when every request is unpriced (unknown, not $0). */
export type UsageFigures = Schemas['UsageFigures'];

export type UsageAnalytics = Schemas['UsageAnalytics'];

export interface UsageQuery {
  timeRange?: TimeRange;
  groupBy?: GroupBy;
  providers?: ProviderId[];
}

/** A provider's saved chain; `configured` false means nothing was saved and the defaults apply. */
export type FallbackChain = Schemas['FallbackChain'];

export type FallbackChainInput = Schemas['FallbackChainInput'];

/** Who acted: a user, the service token (for the user in `onBehalfOf`), or the system. */
export type AuditActor = Schemas['AuditActor'];

export type AuditEntry = Schemas['AuditEntry'];

/** A page of the audit trail; pass `nextBefore` as `before` for the next one (null on the last). */
export type AuditPage = Schemas['AuditList'];

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
