import { z } from '@hono/zod-openapi';
import { ALERT_CHANNELS, ALERT_PERIODS, ALERT_TYPES, alertFieldsSchema } from '../alerts/schemas.js';
import { ERROR_STATUS, type ErrorCode } from '../errors/codes.js';
import { fallbackChainSchema } from '../fallback/schemas.js';
import {
  credentialJsonSchema,
  idField,
  keyFieldsSchema,
  keyPrioritySchema,
  keyStatusSchema,
  listKeysFilterSchema,
  revokeKeySchema,
  updateKeySchema,
} from '../keys/schemas.js';
import { addMemberSchema, createWorkspaceSchema, workspaceRoleSchema } from '../owners/schemas.js';
import { Environment, ProviderType } from '../providers/types.js';
import { TIME_RANGES, USAGE_GROUPS, USAGE_METRICS, usageFields } from '../usage/schemas.js';
import {
  alertResponseExample,
  createAlertExample,
  createdAlertResponseExample,
  createKeyExample,
  keyListExample,
  keyResponseExample,
  keyTestExample,
  recordUsageExample,
  recordUsageResponseExample,
  usageAnalyticsExample,
} from './examples.js';

// Request schemas are the domain's own (keys/, owners/, fallback/, alerts/, usage/ `schemas.ts`):
// the limits live there once; this file adds OpenAPI metadata and, where HTTP differs (a path
// parameter, a query string, an owner taken from the token), picks or reshapes their fields.
// Strict, like the domain's: an unknown field is refused, never silently dropped.

/**
 * `.openapi()` for a schema that may have been made before @hono/zod-openapi extended zod: a
 * domain schema module can be evaluated first, and only instances made after the extension carry
 * the method. This calls it from the prototype, which returns a new, documented copy.
 */
const documented = <T extends z.ZodType>(schema: T, ...args: unknown[]): T =>
  (z.ZodType.prototype.openapi as (...a: unknown[]) => T).apply(schema, args);

const id = (description: string) => documented(idField, { description });

export const ProviderId = z.enum(ProviderType).openapi('ProviderId');
export const EnvironmentName = z.enum(Environment).openapi('Environment');
export const KeyStatusName = documented(keyStatusSchema, 'KeyStatus');
export const WorkspaceRoleName = documented(workspaceRoleSchema, 'WorkspaceRole');

const keyData = documented(credentialJsonSchema, {
  description:
    'The credential, field by field, each a string (see GET /providers). Encrypted at rest; never returned.',
  example: { apiKey: 'sk-proj-…' },
});
const priority = documented(keyPrioritySchema, { description: 'Lower is tried first' });

export const CreateKeyBody = keyFieldsSchema
  .extend({
    provider: ProviderId,
    keyData,
    environment: EnvironmentName.optional().openapi({ description: 'Default production' }),
    priority: priority.optional(),
  })
  .openapi('CreateKeyInput', { example: createKeyExample });

export const UpdateKeyBody = updateKeySchema
  .extend({ keyData: keyData.optional(), priority: priority.optional() })
  .refine((value) => Object.keys(value).length > 0, { message: 'give at least one field to change' })
  .openapi('UpdateKeyInput');

export const RevokeKeyBody = documented(revokeKeySchema, 'RevokeKeyInput');

export const ListKeysQuery = listKeysFilterSchema.extend({
  provider: ProviderId.optional(),
  environment: EnvironmentName.optional(),
  status: KeyStatusName.optional(),
});

export const KeyIdParams = z.strictObject({ id: id('Key id (`key_…`)') });
export const WorkspaceParams = z.strictObject({ id: id('Workspace id (`ws_…`)') });
export const WorkspaceKeyParams = z.strictObject({ id: id('Workspace id'), keyId: id('Key id') });
export const WorkspaceMemberParams = z.strictObject({ id: id('Workspace id'), userId: id('User id') });

export const CreateWorkspaceBody = createWorkspaceSchema
  .pick({ name: true })
  .openapi('CreateWorkspaceInput', { example: { name: 'Research team' } });

export const AddMemberBody = addMemberSchema
  .extend({ role: WorkspaceRoleName })
  .openapi('AddMemberInput', { example: { userId: 'user_456', role: 'member' } });

export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'Default 100' }),
  before: z
    .string()
    .regex(/^\d{1,19}$/, { message: 'must be an entry id' })
    .optional()
    .openapi({ description: 'Entries older than this id (paging)' }),
  workspaceId: idField.optional(),
});

const isoDate = z.string().openapi({ format: 'date-time' });
const Owner = z.object({ type: z.enum(['user', 'workspace']), id: z.string() }).openapi('Owner');

export const Key = z
  .object({
    id: z.string(),
    provider: ProviderId,
    environment: EnvironmentName,
    owner: Owner,
    userId: z.string().nullable(),
    workspaceId: z.string().nullable(),
    alias: z.string().nullable(),
    description: z.string().nullable(),
    priority: z.number().int().openapi({ description: 'Lower is tried first' }),
    status: KeyStatusName,
    isActive: z.boolean(),
    keyHint: z
      .string()
      .openapi({ description: 'Masked: known prefix and last 4 characters', example: 'sk-…abcd' }),
    fingerprint: z.string().openapi({ description: 'Keyed fingerprint (HMAC); equal for equal secrets' }),
    healthScore: z.number(),
    lastValidatedAt: isoDate.nullable(),
    lastValidationStatus: z.string().nullable(),
    cooldownUntil: isoDate.nullable(),
    createdBy: z.string().nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
    revokedAt: isoDate.nullable(),
  })
  .openapi('Key');

export const KeyResponse = z.object({ key: Key }).openapi('KeyResponse', { example: keyResponseExample });
export const KeyListResponse = z
  .object({ keys: z.array(Key) })
  .openapi('KeyListResponse', { example: keyListExample });

export const Workspace = z
  .object({
    id: z.string(),
    name: z.string(),
    role: WorkspaceRoleName,
    createdBy: z.string(),
    createdAt: isoDate,
  })
  .openapi('Workspace');
export const WorkspaceResponse = z.object({ workspace: Workspace }).openapi('WorkspaceResponse');
export const WorkspaceListResponse = z
  .object({ workspaces: z.array(Workspace) })
  .openapi('WorkspaceListResponse');
export const Member = z
  .object({ userId: z.string(), role: WorkspaceRoleName, addedAt: isoDate })
  .openapi('WorkspaceMember');
export const MemberListResponse = z.object({ members: z.array(Member) }).openapi('WorkspaceMemberList');
export const MemberResponse = z.object({ member: Member }).openapi('WorkspaceMemberResponse');

export const MeResponse = z
  .object({
    userId: z.string().nullable(),
    isServiceToken: z.boolean(),
    workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: WorkspaceRoleName })),
  })
  .openapi('Me');

export const CredentialField = z
  .object({ name: z.string(), label: z.string(), secret: z.boolean(), required: z.boolean() })
  .openapi('CredentialField');
export const Provider = z
  .object({
    id: ProviderId,
    displayName: z.string(),
    category: z.enum(['ai', 'voice', 'telephony']),
    credentialFields: z.array(CredentialField),
  })
  .openapi('Provider');
export const ProviderListResponse = z.object({ providers: z.array(Provider) }).openapi('ProviderList');

export const AuditActor = z
  .object({
    type: z.enum(['user', 'service', 'system']),
    id: z.string(),
    onBehalfOf: z.string().optional(),
  })
  .openapi('AuditActor');
export const AuditEntry = z
  .object({
    id: z.string(),
    action: z.string(),
    actor: AuditActor,
    targetType: z.string(),
    targetId: z.string().nullable(),
    owner: Owner.nullable(),
    context: z.record(z.string(), z.unknown()),
    details: z.record(z.string(), z.unknown()),
    createdAt: isoDate,
    hash: z.string(),
  })
  .openapi('AuditEntry');
export const AuditListResponse = z
  .object({
    entries: z.array(AuditEntry),
    nextBefore: z.string().nullable().openapi({ description: 'Pass as `before` for the next page' }),
  })
  .openapi('AuditList');

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z
        .enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]])
        .openapi({ description: 'Stable: branch on it, never on the message', example: 'KEY_NOT_FOUND' }),
      message: z.string().openapi({ description: 'For a person; never holds a secret' }),
      requestId: z.string().openapi({ description: 'Also in the `x-request-id` header' }),
      details: z.record(z.string(), z.unknown()).optional().openapi({
        description:
          'Safe facts about a 4xx error: for INVALID_INPUT `issues` (`[{ path, message }]`, never the value), for QUOTA_EXCEEDED the `quota` and `limit`…',
      }),
    }),
  })
  .openapi('Error');

const Check = z.object({
  status: z.enum(['pass', 'warn', 'fail']),
  message: z.string().optional(),
  latencyMs: z.number().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export const HealthResponse = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    message: z.string().optional(),
    checks: z
      .object({ database: Check, encryption: Check, cache: Check, validation: Check.optional() })
      .catchall(Check),
    timestamp: isoDate.optional(),
  })
  .openapi('Health');
export const LivenessResponse = z.object({ status: z.literal('ok') }).openapi('Liveness');
export const ReadinessResponse = z.object({ status: z.enum(['ready', 'not_ready']) }).openapi('Readiness');

// ---------------------------------------------------------------------------------------------
// Key tests

const workspaceIdField = documented(idField, {
  description: 'Act on this workspace’s resources instead of your own (you must be a member)',
});

export const ScopeQuery = z.strictObject({ workspaceId: workspaceIdField.optional() });

/** `{}` or no body at all. */
export const EmptyBody = z.strictObject({}).openapi('EmptyInput');

export const TestCredentialBody = keyFieldsSchema
  .pick({ provider: true, keyData: true })
  .extend({ provider: ProviderId, keyData })
  .openapi('TestCredentialInput');

const validationFields = {
  provider: ProviderId,
  isValid: z.boolean(),
  healthScore: z.number().openapi({ description: '0–100, after this validation' }),
  status: z.string().openapi({
    description:
      '`valid`, `invalid_key`, `revoked`, `permission_denied`, `billing`, `rate_limited`, `outage`, `timeout`, `network_error`, `unexpected` or `decryption_failed`',
  }),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional().openapi({ example: 'Provider validation failed: invalid API key' }),
  providerCode: z.string().optional(),
  statusCode: z.number().int().optional().openapi({ description: 'HTTP status of the provider’s answer' }),
  responseTime: z.number().openapi({ description: 'Milliseconds' }),
  testsRun: z.array(z.string()),
  balance: z.object({ amount: z.number(), currency: z.string() }).optional(),
  retryAfterMs: z.number().optional(),
  validatedAt: isoDate,
};

export const KeyTestResult = z
  .object({
    keyId: z.string(),
    ...validationFields,
    cooldownUntil: isoDate.nullable().openapi({ description: 'Kept out of rotation until then' }),
  })
  .openapi('KeyTestResult');
export const CredentialTestResult = z
  .object({ keyId: z.null(), ...validationFields })
  .openapi('CredentialTestResult');
export const KeyTestResponse = z
  .object({ result: KeyTestResult })
  .openapi('KeyTestResponse', { example: keyTestExample });
export const ValidateAllResponse = z
  .object({ results: z.array(KeyTestResult) })
  .openapi('ValidateAllResponse');
export const CredentialTestResponse = z
  .object({ result: CredentialTestResult })
  .openapi('CredentialTestResponse');

// ---------------------------------------------------------------------------------------------
// Usage

const PROVIDER_LIST = /^[a-z]+(,[a-z]+)*$/;

export const AnalyticsQuery = z.strictObject({
  timeRange: z
    .enum(TIME_RANGES)
    .optional()
    .openapi({ description: 'Rolling window ending now; default 30d. Or give `from` and `to`.' }),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Start (ISO instant), with `to`' }),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'End (ISO instant, excluded), with `from`' }),
  groupBy: z.enum(USAGE_GROUPS).optional(),
  providers: z
    .string()
    .max(500)
    .regex(PROVIDER_LIST, { message: 'must be provider ids separated by commas' })
    .optional()
    .openapi({ description: 'Comma-separated provider ids', example: 'openai,anthropic' }),
  metrics: z
    .string()
    .max(100)
    .regex(/^(requests|tokens|minutes|cost)(,(requests|tokens|minutes|cost))*$/, {
      message: 'must be requests, tokens, minutes or cost, separated by commas',
    })
    .optional(),
  workspaceId: workspaceIdField.optional(),
});

const nullableCost = z.number().nullable().openapi({
  description: 'USD of the priced requests; null when every request is unpriced (unknown, not $0)',
});
const Figures = {
  requests: z.number(),
  errors: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cachedTokens: z.number(),
  totalTokens: z.number(),
  costUsd: nullableCost,
  unpricedRequests: z.number(),
  audioSeconds: z.number().openapi({ description: 'Seconds of audio processed (voice providers)' }),
  minutes: z
    .number()
    .openapi({ description: 'Audio minutes (audioSeconds / 60), what voice providers bill' }),
};
export const UsageFigures = z.object(Figures).openapi('UsageFigures');
export const UsageAnalyticsResponse = z
  .object({
    owner: Owner,
    timeRange: z.object({ from: isoDate, to: isoDate }),
    groupBy: z.enum(USAGE_GROUPS),
    metrics: z.array(z.enum(USAGE_METRICS)),
    providers: z.array(z.string()).nullable(),
    totals: UsageFigures,
    series: z.array(z.object({ bucket: z.string(), ...Figures })),
    byProvider: z.array(z.object({ provider: z.string(), ...Figures })),
    byKey: z.array(z.object({ keyId: z.string().nullable(), ...Figures })),
  })
  .openapi('UsageAnalytics', { example: usageAnalyticsExample });

const tokens = usageFields.tokens;
export const RecordUsageBody = z
  .strictObject({
    keyId: documented(usageFields.keyId, {
      description: 'The key that was used: yours, or the workspace’s with `?workspaceId=`',
    }),
    provider: ProviderId.optional().openapi({
      description: 'Read from the key when left out; when given it must be the key’s provider',
    }),
    model: usageFields.model.optional(),
    requests: usageFields.requests.optional().openapi({ description: 'Default 1' }),
    inputTokens: tokens.optional().openapi({ description: 'Every input token, cached ones included' }),
    outputTokens: tokens.optional(),
    cachedTokens: tokens.optional().openapi({ description: 'The part of inputTokens read from a cache' }),
    costUsd: usageFields.costUsd
      .optional()
      .openapi({ description: 'What the provider charged, when it said; otherwise priced from the table' }),
    latencyMs: usageFields.latencyMs.optional(),
    audioSeconds: usageFields.audioSeconds
      .optional()
      .openapi({ description: 'Seconds of audio processed (voice providers bill audio minutes)' }),
    success: usageFields.success.optional().openapi({ description: 'false counts the requests as errors' }),
    // JSON carries an instant as an ISO string; the library also takes a Date or epoch milliseconds.
    at: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'When it happened (ISO instant); default now' }),
  })
  .openapi('RecordUsageInput', { example: recordUsageExample });
export const RecordUsageResponse = z
  .object({
    usage: z.object({ id: z.string(), costUsd: nullableCost, priced: z.boolean() }),
  })
  .openapi('RecordUsageResponse', { example: recordUsageResponseExample });

// ---------------------------------------------------------------------------------------------
// Fallback chains

export const FallbackChainParams = z.strictObject({ provider: ProviderId });
export const FallbackChainQuery = z.strictObject({
  environment: EnvironmentName.optional().openapi({ description: 'Default production' }),
  workspaceId: workspaceIdField.optional(),
});
const chainFields = fallbackChainSchema.shape;
export const FallbackChainBody = fallbackChainSchema
  .extend({
    primaryKeyId: documented(chainFields.primaryKeyId, { description: 'Tried first' }),
    fallbackSequence: documented(chainFields.fallbackSequence, { description: 'Tried next, in order' }),
    useSystemFallback: documented(chainFields.useSystemFallback, {
      description: 'After every key of the chain, the application’s own key. Default false',
    }),
    maxRetries: documented(chainFields.maxRetries, { description: 'Default 3' }),
    retryDelayMs: documented(chainFields.retryDelayMs, { description: 'Default 1000' }),
  })
  .openapi('FallbackChainInput');
export const FallbackChain = z
  .object({
    owner: Owner,
    provider: ProviderId,
    environment: EnvironmentName,
    primaryKeyId: z.string().nullable(),
    fallbackSequence: z.array(z.string()),
    useSystemFallback: z.boolean(),
    maxRetries: z.number(),
    retryDelayMs: z.number(),
    configured: z.boolean().openapi({ description: 'False: nothing was saved; the defaults apply' }),
    updatedAt: isoDate.nullable(),
  })
  .openapi('FallbackChain');
export const FallbackChainResponse = z.object({ chain: FallbackChain }).openapi('FallbackChainResponse');

// ---------------------------------------------------------------------------------------------
// Usage alerts

export const AlertParams = z.strictObject({ id: id('Alert id (`alert_…`)') });
export const CreateAlertBody = alertFieldsSchema
  .extend({
    thresholdValue: documented(alertFieldsSchema.shape.thresholdValue, { description: 'USD for `cost`' }),
  })
  .openapi('CreateUsageAlertInput', { example: createAlertExample });
export const AlertDelivery = z
  .object({
    at: isoDate,
    channel: z.enum(['webhook', 'email']),
    status: z.enum(['delivered', 'failed', 'retrying']).openapi({
      description: '`retrying`: this attempt failed and another one is due',
    }),
    statusCode: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The receiver’s HTTP status (or SMTP reply code)' }),
    errorCode: z.string().nullable().openapi({
      description:
        'Why it failed: `HTTP_<status>`, a network code (`ECONNREFUSED`), `TIMEOUT`, `NO_DESTINATION`…; null when delivered',
    }),
  })
  .openapi('AlertDelivery');
const signingSecretField = z.string().openapi({
  description:
    'The secret this alert’s webhooks are signed with (`whsec_…`), shown only in this response: store it with the receiver and check each delivery’s `BYOK-Signature` header with it (`verifyAlertWebhook`).',
  example: 'whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
});
export const UsageAlert = z
  .object({
    id: z.string(),
    owner: Owner,
    alertType: z.enum(ALERT_TYPES),
    thresholdValue: z.number(),
    thresholdPeriod: z.enum(ALERT_PERIODS),
    notificationChannels: z.array(z.enum(ALERT_CHANNELS)),
    webhookUrl: z.string().nullable(),
    email: z.string().nullable(),
    /** What keeps a channel from delivering now; its notifications wait until it is configured. */
    channelProblems: z.array(z.string()),
    undeliveredNotifications: z.number().int().openapi({
      description:
        'Notifications not delivered yet: waiting for a channel to be configured, queued, or being retried',
    }),
    lastDelivery: AlertDelivery.nullable().openapi({
      description: 'The latest delivery attempt of any of its notifications; null before the first',
    }),
    hasSigningSecret: z.boolean().openapi({
      description:
        'Whether its webhooks are signed with a secret of its own (false: alerts made before per-alert secrets, signed with the server-wide secret if one is set)',
    }),
    signingSecretRotatedAt: isoDate.nullable(),
    lastFiredPeriod: z.string().nullable(),
    lastFiredAt: isoDate.nullable(),
    createdAt: isoDate,
  })
  .openapi('UsageAlert');
export const UsageAlertResponse = z
  .object({ alert: UsageAlert })
  .openapi('UsageAlertResponse', { example: alertResponseExample });
export const CreatedUsageAlertResponse = z
  .object({ alert: UsageAlert, signingSecret: signingSecretField.nullable() })
  .openapi('CreatedUsageAlertResponse', { example: createdAlertResponseExample });
export const RotatedAlertSecretResponse = z
  .object({ alert: UsageAlert, signingSecret: signingSecretField })
  .openapi('RotatedAlertSecretResponse');
export const UsageAlertListResponse = z.object({ alerts: z.array(UsageAlert) }).openapi('UsageAlertList');
