export { BYOKAIMiddleware, type BYOKAIMiddlewareOptions } from './adapters/express.js';
export type {
  AlertDelivery,
  AlertNotificationPayload,
  CreatedUsageAlert,
  CreateUsageAlertInput,
  UsageAlert,
  VerifyAlertWebhookOptions,
} from './alerts/index.js';
export { signWebhook, verifyAlertWebhook, verifyWebhookSignature } from './alerts/index.js';
export type {
  ActorInput,
  AuditAction,
  AuditActor,
  AuditActorType,
  AuditCheckpoint,
  AuditEntry,
  AuditProblem,
  AuditProblemReason,
  AuditVerification,
  ChainVerification,
  RequestContext,
} from './audit/index.js';
export { AuditLog } from './audit/index.js';
export type { CacheStats, InvalidationBus, KeyCache, RedisLike } from './cache/index.js';
export { USAGE_ENV_VARS, usageRetentionFromEnv } from './config/usage-env.js';
export {
  type BYOKSystem,
  type BYOKSystemDatabase,
  type CreateBYOKOptions,
  createBYOKForStack2025,
} from './create-byok.js';
export { type EncryptionOptions, EncryptionService } from './crypto/index.js';
export { BYOKError, type ErrorCode, isBYOKError } from './errors/index.js';
export {
  classifyProviderFailure,
  type ExecuteWithFallbackResult,
  type FallbackAttempt,
  type FallbackChain,
  type FallbackChainConfig,
  type FallbackKeyResult,
  FallbackManager,
  ProviderCallError,
} from './fallback/index.js';
export type {
  CreatedGatewayToken,
  CreateGatewayTokenInput,
  GatewayToken,
  UpdateGatewayTokenInput,
} from './gateway/types.js';
export {
  type BYOKHealthReport,
  checkKeyRotationStatus,
  type KeyRotationStatus,
  validateBYOKHealth,
} from './health/index.js';
export {
  AI_PROVIDERS,
  type AIAttemptUsage,
  type AIKeyHandle,
  type AIProviderType,
  type BYOKAIConfig,
  type BYOKAIProviderConfig,
  type BYOKTelephonyClient,
  type BYOKVoiceAgentConfig,
  type ChatMessage,
  type CompleteFunction,
  type CompleteOptions,
  type CompletionInput,
  type CompletionResult,
  type CompletionUsage,
  type CreateAIConfigOptions,
  createBYOKAIIntegration,
  createBYOKDeepgramIntegration,
  createBYOKTelephonyIntegration,
  type TelephonyCapability,
  type TelephonyClientOptions,
  type TelephonyResult,
  type TranscribeInput,
  type TranscribeOptions,
  type TranscriptionResult,
  type VoiceAgentOptions,
  type VoiceSessionUsage,
  type WithKeyAttempt,
  type WithKeyOptions,
  type WithKeyResult,
} from './integrations/index.js';
export {
  type IncidentReportEvent,
  type IncidentSummary,
  incidentReport,
  type StartIncidentInput,
} from './keys/incidents.js';
export { countLegacyValues, recordIfNoLegacyValuesLeft } from './keys/legacy-values.js';
export { type RewrapOptions, type RewrapProgress, type RewrapReport, rewrapDataKeys } from './keys/rewrap.js';
export type {
  ActiveKey,
  AddKeyInput,
  KeyDetails,
  KeyStatus,
  ListKeysFilter,
  OwnerSelector,
  UpdateKeyInput,
} from './keys/types.js';
export { createLogger, type Logger, REDACTED_PATHS } from './logging/index.js';
export { BYOKManager } from './manager/byok-manager.js';
export type { BYOKManagerOptions } from './manager/options.js';
export { type BYOKMetrics, createMetrics } from './metrics/prometheus.js';
export {
  createMigrationTools,
  type MigrationCandidate,
  type MigrationPlan,
  type MigrationResults,
} from './migration/index.js';
export type { Workspace, WorkspaceMember, WorkspaceRole } from './owners/workspace-service.js';
export {
  Environment,
  getProvider,
  type KeyData,
  listProviders,
  type ProviderDefinition,
  ProviderType,
} from './providers/index.js';
export { DEFAULT_QUOTAS, type QuotaOptions } from './quotas/index.js';
export {
  acquireLease,
  acquireLeaseIfFree,
  leaseHolder,
  newHolderId,
  releaseLease,
} from './scheduling/index.js';
export { databaseUnavailable, isDatabaseConnectionError } from './store/connection-errors.js';
export { toDatabase } from './store/database.js';
export { DatabaseMigration, type MigrationStatus } from './store/migrator.js';
export { BYOKDatabase, type SystemStats } from './store/system-database.js';
export type { Database, SqlClient } from './store/types.js';
export type {
  AnalyticsOptions,
  RecordUsageInput,
  UsageAnalytics,
  UsagePurgeResult,
  UsageRecorded,
  UsageRetentionOptions,
} from './usage/index.js';
export { type UsageWriteEvent, UsageWriter, type UsageWriterStats } from './usage/usage-writer.js';
export { KeyValidator, type ValidationResult } from './validation/index.js';
