export { type EnvCredential, findEnvCredentials, readEnvFile } from './env-source.js';
export {
  createMigrationTools,
  type MigrationAction,
  type MigrationCandidate,
  type MigrationPlan,
  type MigrationResults,
} from './migration-tools.js';
