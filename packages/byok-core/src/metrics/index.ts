/**
 * `@stack-2025/byok-core/metrics`: Prometheus metrics, the spec's `collectBYOKMetrics`, and the
 * health checks of "Monitoring & Observability" (also exported from the package root).
 */
export {
  type BYOKHealthCheck,
  type BYOKHealthReport,
  checkKeyRotationStatus,
  type HealthOptions,
  type KeyRotationStatus,
  validateBYOKHealth,
} from '../health/index.js';
export { type BYOKMetricsSnapshot, collectBYOKMetrics, type MetricsSource } from './collect.js';
export {
  type AuditVerificationEvent,
  createOperationalMetrics,
  type OperationalMetrics,
  type OperationalSources,
} from './operational.js';
export { type BYOKMetrics, createMetrics } from './prometheus.js';
export {
  type KeyLookupResult,
  type MetricsRecorder,
  noopMetrics,
  type UsageEvent,
  type ValidationFailureReason,
} from './types.js';
