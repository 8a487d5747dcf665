export {
  type BYOKHealthCheck,
  type BYOKHealthReport,
  type CheckStatus,
  checkKeyRotationStatus,
  type HealthOptions,
  type HealthSystem,
  type KeyRotationStatus,
  registeredHealthSystem,
  registerSystemForHealth,
  unregisterSystemForHealth,
  validateBYOKHealth,
} from './health.js';
