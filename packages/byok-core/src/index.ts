/**
 * `@stack-2025/byok-core`: what applications use — `createBYOKForStack2025`, `BYOKManager`, the
 * integrations, the Express middleware the guide shows, the provider catalogue and the error
 * type. What building a server needs is under `/server`; framework adapters under `/express`,
 * `/next`, `/trpc`; the REST API under `/http`; test helpers under `/testing`.
 */
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
  AuditEntry,
  AuditLog,
  RequestContext,
} from './audit/index.js';
export type { CacheStats, InvalidationBus, KeyCache, RedisLike } from './cache/index.js';
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
  type FallbackManager,
  ProviderCallError,
} from './fallback/index.js';
export type * from './gateway/types.js';
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
export type { IncidentReportEvent, IncidentSummary, StartIncidentInput } from './keys/incidents.js';
export type { RewrapOptions, RewrapProgress, RewrapReport } from './keys/rewrap.js';
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
export type { BYOKMetrics } from './metrics/prometheus.js';
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
export { DatabaseMigration, type MigrationStatus } from './store/migrator.js';
export type { BYOKDatabase, SystemStats } from './store/system-database.js';
export type {
  AnalyticsOptions,
  RecordUsageInput,
  UsageAnalytics,
  UsagePurgeResult,
  UsageRecorded,
  UsageRetentionOptions,
} from './usage/index.js';
export type { KeyValidator, ValidationResult } from './validation/index.js';
