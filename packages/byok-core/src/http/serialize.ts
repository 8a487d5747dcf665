import type { UsageAlert } from '../alerts/index.js';
import type { AuditEntry } from '../audit/index.js';
import type { FallbackChain } from '../fallback/index.js';
import type { KeyDetails } from '../keys/types.js';
import type { Workspace, WorkspaceMember, WorkspaceRole } from '../owners/workspace-service.js';
import type { ProviderDefinition } from '../providers/types.js';
import type { UsageAnalytics } from '../usage/index.js';
import type { CredentialTestResult, ValidationResult } from '../validation/index.js';

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/**
 * A key as the API shows it. Fields are listed one by one (an allow-list): a field added to
 * `KeyDetails` later is not published until someone adds it here.
 */
export function serializeKey(key: KeyDetails) {
  return {
    id: key.id,
    provider: key.provider,
    environment: key.environment,
    owner: { type: key.owner.type, id: key.owner.id },
    userId: key.userId,
    workspaceId: key.workspaceId,
    alias: key.alias,
    description: key.description,
    priority: key.priority,
    status: key.status,
    isActive: key.isActive,
    keyHint: key.keyHint,
    fingerprint: key.fingerprint,
    healthScore: key.healthScore,
    lastValidatedAt: iso(key.lastValidatedAt),
    lastValidationStatus: key.lastValidationStatus,
    cooldownUntil: iso(key.cooldownUntil),
    createdBy: key.createdBy,
    createdAt: key.createdAt.toISOString(),
    updatedAt: key.updatedAt.toISOString(),
    revokedAt: iso(key.revokedAt),
  };
}

/** What one validation found, field by field (an allow-list, like keys). Never holds the credential. */
function validationFields(result: Omit<CredentialTestResult, 'keyId'>) {
  return {
    provider: result.provider,
    isValid: result.isValid,
    healthScore: result.healthScore,
    status: result.status,
    ...(result.errorCode !== undefined ? { errorCode: result.errorCode } : {}),
    ...(result.errorMessage !== undefined ? { errorMessage: result.errorMessage } : {}),
    ...(result.providerCode !== undefined ? { providerCode: result.providerCode } : {}),
    ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
    responseTime: result.responseTime,
    testsRun: [...result.testsRun],
    ...(result.balance
      ? { balance: { amount: result.balance.amount, currency: result.balance.currency } }
      : {}),
    ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    validatedAt: result.validatedAt.toISOString(),
  };
}

export function serializeValidation(result: ValidationResult) {
  return { keyId: result.keyId, ...validationFields(result), cooldownUntil: iso(result.cooldownUntil) };
}

export function serializeCredentialTest(result: CredentialTestResult) {
  return { keyId: null, ...validationFields(result) };
}

export function serializeChain(chain: FallbackChain) {
  return {
    owner: { type: chain.owner.type, id: chain.owner.id },
    provider: chain.provider,
    environment: chain.environment,
    primaryKeyId: chain.primaryKeyId,
    fallbackSequence: [...chain.fallbackSequence],
    useSystemFallback: chain.useSystemFallback,
    maxRetries: chain.maxRetries,
    retryDelayMs: chain.retryDelayMs,
    configured: chain.configured,
    updatedAt: iso(chain.updatedAt),
  };
}

export function serializeAlert(alert: UsageAlert) {
  return {
    id: alert.id,
    owner: { type: alert.owner.type, id: alert.owner.id },
    alertType: alert.alertType,
    thresholdValue: alert.thresholdValue,
    thresholdPeriod: alert.thresholdPeriod,
    notificationChannels: [...alert.notificationChannels],
    webhookUrl: alert.webhookUrl,
    email: alert.email,
    channelProblems: [...alert.channelProblems],
    undeliveredNotifications: alert.undeliveredNotifications,
    lastDelivery: alert.lastDelivery && {
      at: alert.lastDelivery.at.toISOString(),
      channel: alert.lastDelivery.channel,
      status: alert.lastDelivery.status,
      statusCode: alert.lastDelivery.statusCode,
      errorCode: alert.lastDelivery.errorCode,
    },
    hasSigningSecret: alert.hasSigningSecret,
    signingSecretRotatedAt: iso(alert.signingSecretRotatedAt),
    lastFiredPeriod: alert.lastFiredPeriod,
    lastFiredAt: iso(alert.lastFiredAt),
    createdAt: alert.createdAt.toISOString(),
  };
}

export function serializeAnalytics(analytics: UsageAnalytics) {
  return {
    owner: { type: analytics.owner.type, id: analytics.owner.id },
    timeRange: { from: analytics.timeRange.from, to: analytics.timeRange.to },
    groupBy: analytics.groupBy,
    metrics: [...analytics.metrics],
    providers: analytics.providers,
    totals: analytics.totals,
    series: analytics.series,
    byProvider: analytics.byProvider,
    byKey: analytics.byKey,
  };
}

export function serializeWorkspace(workspace: Workspace, role: WorkspaceRole) {
  return {
    id: workspace.id,
    name: workspace.name,
    role: workspace.role ?? role,
    createdBy: workspace.createdBy,
    createdAt: workspace.createdAt.toISOString(),
  };
}

export function serializeMember(member: WorkspaceMember) {
  return { userId: member.userId, role: member.role, addedAt: member.addedAt.toISOString() };
}

export function serializeAuditEntry(entry: AuditEntry) {
  return {
    id: entry.id,
    action: entry.action,
    actor: { ...entry.actor },
    targetType: entry.targetType,
    targetId: entry.targetId,
    owner: entry.owner ? { type: entry.owner.type, id: entry.owner.id } : null,
    context: entry.context,
    details: entry.details,
    createdAt: entry.createdAt.toISOString(),
    hash: entry.hash,
  };
}

const FIELD_LABELS: Record<string, string> = {
  apiKey: 'API key',
  organization: 'Organization ID',
  project: 'Project ID',
  accountSid: 'Account SID',
  authToken: 'Auth token',
  apiKeySid: 'API key SID',
  apiKeySecret: 'API key secret',
  region: 'Region',
  edge: 'Edge location',
  baseUrl: 'Base URL',
};

const humanize = (name: string): string => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export interface CredentialFieldInfo {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
}

interface ShapeLike {
  shape?: Record<string, { safeParse(value: unknown): { success: boolean } }>;
}

/**
 * The credential fields of a provider, for forms. Uses the definition's own `credentialFields`
 * when it has them; otherwise reads the field names off its (object) credential schema.
 */
export function credentialFields(definition: ProviderDefinition): CredentialFieldInfo[] {
  const declared = (definition as { credentialFields?: Partial<CredentialFieldInfo>[] }).credentialFields;
  if (Array.isArray(declared)) {
    return declared
      .filter(
        (field): field is Partial<CredentialFieldInfo> & { name: string } => typeof field.name === 'string',
      )
      .map((field) => ({
        name: field.name,
        label: field.label ?? FIELD_LABELS[field.name] ?? humanize(field.name),
        secret: field.secret ?? definition.secretFields.includes(field.name),
        required: field.required ?? true,
      }));
  }
  const shape = (definition.credentialSchema as unknown as ShapeLike).shape ?? {};
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    label: FIELD_LABELS[name] ?? humanize(name),
    secret: definition.secretFields.includes(name),
    required: !schema.safeParse(undefined).success,
  }));
}
