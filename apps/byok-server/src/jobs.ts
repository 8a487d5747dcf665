import type { BYOKSystem, Logger, UsagePurgeResult, UsageRetentionOptions } from '@stack-2025/byok-core';
import { acquireLeaseIfFree } from '@stack-2025/byok-core/server';

/** The deployment guide's provider health service: every key validated every 15 minutes. */
export const VALIDATION_INTERVAL_MS = 15 * 60_000;
/** Audit retention purge: at most once a day across every instance. */
export const AUDIT_PURGE_PERIOD_MS = 24 * 60 * 60_000;
/** How often an instance asks whether the daily purge is due. */
export const AUDIT_PURGE_CHECK_MS = 60 * 60_000;
/** Alert outbox sweep: notifications left pending (or by a crashed deliverer) go out within a minute. */
export const OUTBOX_SWEEP_MS = 60_000;
const AUDIT_PURGE_LEASE = 'byok:audit-purge';
/** Full audit verification for the `byok_audit_verification_failures` gauge: hourly, one instance. */
export const AUDIT_VERIFY_PERIOD_MS = 60 * 60_000;
const AUDIT_VERIFY_LEASE = 'byok:audit-verify';
/** Usage and validation retention purge: once a day across every instance, checked with the audit purge. */
export const USAGE_PURGE_PERIOD_MS = 24 * 60 * 60_000;
const USAGE_PURGE_LEASE = 'byok:usage-purge';

export interface JobOptions {
  /** `BYOK_ENABLE_VALIDATION`: false leaves periodic validation off. */
  validation: boolean;
  /** Overrides for tests; the constants above by default. */
  validationIntervalMs?: number;
  auditPurgeCheckMs?: number;
  outboxSweepMs?: number;
  auditVerifyMs?: number;
  /** Retention of raw usage rows and validation results (`usageRetentionFromEnv`); defaults otherwise. */
  usageRetention?: UsageRetentionOptions;
  /** Delay of the first purge check and outbox sweep after start-up. Default 30 s. */
  firstRunDelayMs?: number;
}

export interface BackgroundJobs {
  /** Runs the daily purge now if no instance ran it in the last 24 h; returns the rows removed, or null. */
  purgeAuditIfDue(): Promise<number | null>;
  /** Runs the daily usage/validation retention purge now if no instance ran it in the last 24 h; null otherwise. */
  purgeUsageIfDue(): Promise<UsagePurgeResult | null>;
  /** Delivers pending alert notifications now; returns how many were claimed. */
  sweepOutbox(): Promise<number>;
  /** Verifies the whole audit log now if no instance did within the period; returns the failures, or null. */
  verifyAuditIfDue(): Promise<number | null>;
  /** Stops every timer, waits for running jobs, hands the validation lease back. */
  stop(): Promise<void>;
}

/**
 * The service's scheduled work, each safe with many instances on one database:
 * - periodic key validation every 15 minutes (the core's lease: one instance runs each round);
 * - audit retention purge once a day (a 24-hour lease taken only when free);
 * - usage and validation retention purge once a day (its own 24-hour lease; deletes in batches);
 * - alert outbox sweep every minute (rows are claimed with SKIP LOCKED, so instances share them).
 * Every timer is unref'd: none keeps the process alive.
 */
export async function startBackgroundJobs(
  system: BYOKSystem,
  logger: Logger,
  options: JobOptions,
): Promise<BackgroundJobs> {
  const log = logger.child({ component: 'jobs' });
  const running = new Set<Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    running.add(promise);
    promise.finally(() => running.delete(promise)).catch(() => undefined);
    return promise;
  };

  const schedule =
    options.validation && system.encryption.isConfigured
      ? await system.validator.schedulePeriodicValidation(
          options.validationIntervalMs ?? VALIDATION_INTERVAL_MS,
        )
      : undefined;
  if (!options.validation) log.info('periodic key validation is off (BYOK_ENABLE_VALIDATION=false)');

  /**
   * `run` one at a time: a call while it runs shares its promise. A failure is logged (at `level`,
   * message only) and answers `fallback`, as does any call after `stop()`.
   */
  const singleFlight = <T, F>(
    run: () => Promise<T>,
    fallback: F,
    level: 'error' | 'warn',
    failure: string,
  ): (() => Promise<T | F>) => {
    let current: Promise<T | F> | undefined;
    return () => {
      if (stopped) return Promise.resolve(fallback);
      current ??= track(
        run()
          .catch((error: unknown) => {
            log[level]({ err: { message: (error as Error).message } }, failure);
            return fallback;
          })
          .finally(() => {
            current = undefined;
          }),
      );
      return current;
    };
  };
  /** `run` when this instance takes `lease` (no instance took it within `periodMs`); null otherwise. */
  const leased =
    <T>(lease: string, periodMs: number, run: () => Promise<T>) =>
    async (): Promise<T | null> =>
      (await acquireLeaseIfFree(system.database.db, lease, periodMs)) ? run() : null;

  const purgeAuditIfDue = singleFlight(
    leased(AUDIT_PURGE_LEASE, AUDIT_PURGE_PERIOD_MS, async () => {
      const removed = await system.audit.purgeExpired();
      log.info({ removed }, 'audit retention purge done');
      return removed;
    }),
    null,
    'error',
    'audit retention purge failed',
  );

  const purgeUsageIfDue = singleFlight(
    leased(USAGE_PURGE_LEASE, USAGE_PURGE_PERIOD_MS, async () => {
      const removed = await system.manager.context.usage.purgeExpired(options.usageRetention);
      log.info({ removed }, 'usage retention purge done');
      return removed;
    }),
    null,
    'error',
    'usage retention purge failed',
  );

  const auditVerifyMs = options.auditVerifyMs ?? AUDIT_VERIFY_PERIOD_MS;
  const verifyAuditIfDue = singleFlight(
    leased(AUDIT_VERIFY_LEASE, auditVerifyMs, async () => {
      const result = await system.audit.verify();
      const failures = result.problems.length;
      system.metrics.operational.onAuditVerification({ entries: result.checked, failures });
      if (failures > 0)
        log.error({ checked: result.checked, failures }, 'audit verification found tampering');
      return failures;
    }),
    null,
    'error',
    'audit verification failed to run',
  );

  const sweepOutbox = singleFlight(
    async () => {
      const claimed = await system.manager.context.alerts.processOutbox();
      if (claimed > 0) log.info({ claimed }, 'alert outbox swept');
      return claimed;
    },
    0,
    'warn',
    'alert outbox sweep failed',
  );

  const every = (ms: number, fn: () => unknown) => {
    const timer = setInterval(fn, ms);
    timer.unref();
    timers.push(timer);
  };
  const first = setTimeout(() => {
    void purgeAuditIfDue();
    void purgeUsageIfDue();
    void sweepOutbox();
    void verifyAuditIfDue();
  }, options.firstRunDelayMs ?? 30_000);
  first.unref();
  timers.push(first);
  every(options.auditPurgeCheckMs ?? AUDIT_PURGE_CHECK_MS, purgeAuditIfDue);
  every(options.auditPurgeCheckMs ?? AUDIT_PURGE_CHECK_MS, purgeUsageIfDue);
  every(options.outboxSweepMs ?? OUTBOX_SWEEP_MS, sweepOutbox);
  every(auditVerifyMs, verifyAuditIfDue);
  log.info(
    {
      validationIntervalMs: schedule ? schedule.intervalMs : null,
      auditPurge: 'daily',
      outboxSweepMs: options.outboxSweepMs ?? OUTBOX_SWEEP_MS,
    },
    'background jobs started',
  );

  return {
    purgeAuditIfDue,
    purgeUsageIfDue,
    sweepOutbox,
    verifyAuditIfDue,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await schedule?.stop();
      await Promise.allSettled([...running]);
    },
  };
}
