/**
 * `@stack-2025/byok-core/server`: what building a BYOK server or its operations tools needs beyond
 * the application API of the root export — the database wrapper, leases for jobs that run once per
 * cluster, master-key rotation, legacy-value bookkeeping, incident reports and the batched usage
 * writer. Applications do not need these.
 */
export {
  type AuditCheckpoint,
  AuditLog,
  type AuditProblem,
  type AuditProblemReason,
  type AuditVerification,
  type ChainVerification,
} from '../audit/index.js';
export { USAGE_ENV_VARS, usageRetentionFromEnv } from '../config/usage-env.js';
export { type IncidentReportEvent, incidentReport } from '../keys/incidents.js';
export { countLegacyValues, recordIfNoLegacyValuesLeft } from '../keys/legacy-values.js';
export {
  type RewrapOptions,
  type RewrapProgress,
  type RewrapReport,
  rewrapDataKeys,
} from '../keys/rewrap.js';
export { type BYOKMetrics, createMetrics } from '../metrics/prometheus.js';
export {
  acquireLease,
  acquireLeaseIfFree,
  leaseHolder,
  newHolderId,
  releaseLease,
} from '../scheduling/index.js';
export { findEnvImport, type KeyToValidate, listKeysToValidate } from '../store/cli-queries.js';
export { databaseUnavailable, isDatabaseConnectionError } from '../store/connection-errors.js';
export { toDatabase } from '../store/database.js';
export { BYOKDatabase, type SystemStats } from '../store/system-database.js';
export type { Database, SqlClient } from '../store/types.js';
export { type UsageWriteEvent, UsageWriter, type UsageWriterStats } from '../usage/usage-writer.js';
