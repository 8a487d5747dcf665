export { concurrencyFrom, mapWithConcurrency, STOP_MAPPING } from './concurrency.js';
export { COOLDOWN_OUTCOMES, type CooldownPolicy, cooldownMsFor, DEFAULT_COOLDOWNS } from './cooldown.js';
export {
  computeHealthScore,
  HEALTH_HISTORY_SIZE,
  sampleScore,
  type ValidationSample,
  type ValidationStatus,
} from './health-score.js';
export { DEFAULT_VALIDATION_TIMEOUT_MS, KeyValidator, type KeyValidatorDeps } from './key-validator.js';
export { PeriodicRunner, type PeriodicRunnerDeps } from './periodic-runner.js';
export {
  nextCooldown,
  nextStatus,
  ResultWriter,
  type StoredValidation,
  storeValidations,
  type ValidationWrite,
} from './result-writer.js';
export type * from './types.js';
