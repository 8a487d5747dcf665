import type { BYOKSystem } from '../create-byok.js';
import { type BYOKHealthCheck, validateBYOKHealth } from '../health/index.js';

export type { CheckStatus } from '../health/index.js';

/** One check of a health report (the library's checks, or a custom `health` function's). */
export type HealthCheck = BYOKHealthCheck;

/**
 * What `/health/byok` answers: `healthy` → 200; `degraded` and `unhealthy` → 503 (the spec's
 * Health Checks sample). `/health/ready` answers 503 for `unhealthy` only.
 */
export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  /** The first failing (else warning) check's message, e.g. "ENCRYPTION_MASTER_KEY not configured". */
  message?: string;
  checks: { database: HealthCheck; encryption: HealthCheck; cache: HealthCheck } & Record<
    string,
    HealthCheck
  >;
  timestamp?: Date | string;
}

/**
 * The built-in check behind `/health/byok`: the library's `validateBYOKHealth` (database and
 * migrations, master key self-test, shared cache, share of failed validations in the last hour).
 * Never throws. Swap it with the `health` option of `createBYOKHttpHandler`.
 */
export async function checkBYOKHealth(system: BYOKSystem): Promise<HealthReport> {
  return validateBYOKHealth(system);
}
