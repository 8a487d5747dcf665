import type { RequestContext } from '../audit/index.js';
import { invalidInput, isBYOKError } from '../errors/index.js';
import type { KeyRow } from '../keys/types.js';
import type { Logger } from '../logging/index.js';
import { acquireLease, newHolderId, releaseLease } from '../scheduling/lease.js';
import type { SqlClient } from '../store/types.js';
import type { ValidationsStore } from '../store/validations-store.js';
import { mapWithConcurrency, STOP_MAPPING } from './concurrency.js';
import type {
  PeriodicRunReport,
  PeriodicValidation,
  PeriodicValidationOptions,
  ValidationResult,
} from './types.js';

const DEFAULT_LEASE_NAME = 'byok:periodic-validation';
const MIN_INTERVAL_MS = 50;
const MAX_INTERVAL_MS = 2 ** 31 - 1;
/** Rows read per query by periodic rounds. */
const ROUND_PAGE_SIZE = 500;
const SCHEDULED: RequestContext = { actor: { type: 'system', id: 'scheduled-validation' } };

/** What the periodic runner needs: the leases' database, the due keys, and a way to validate one. */
export interface PeriodicRunnerDeps {
  /** Where the lease lives (`byok.leases`). */
  db: SqlClient;
  store: Pick<ValidationsStore, 'listDueKeys'>;
  logger: Logger;
  /**
   * Validates one key for a scheduled round: resolves once it is probed and handed to the writer;
   * `settled` resolves once its result is stored.
   */
  validate(row: KeyRow, context: RequestContext): Promise<{ settled: Promise<ValidationResult> }>;
  /** Whether rounds run at all (`validation.enabled` and the settings). */
  enabled: boolean;
  /** The validation timeout in ms (the lease outlives two intervals plus one of these). */
  timeoutMs(): number;
  /** Keys validated at once, unless the schedule says otherwise. */
  concurrency: number;
}

/**
 * Periodic validation: every `intervalMs`, the one instance holding the lease validates every key
 * that is due. One job only — what a validation does is the validator's.
 */
export class PeriodicRunner {
  readonly #d: PeriodicRunnerDeps;
  readonly #schedules = new Set<PeriodicValidation>();

  constructor(deps: PeriodicRunnerDeps) {
    this.#d = deps;
  }

  /**
   * Starts a schedule; see `KeyValidator.schedulePeriodicValidation` for the contract.
   * @throws BYOKError `INVALID_INPUT` when `intervalMs` is out of range.
   */
  schedule(intervalMs: number, options: PeriodicValidationOptions = {}): PeriodicValidation {
    if (!Number.isFinite(intervalMs) || intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
      throw invalidInput(`intervalMs must be between ${MIN_INTERVAL_MS} and ${MAX_INTERVAL_MS} ms`, {
        field: 'intervalMs',
      });
    }
    const { enabled, db, logger } = this.#d;
    const leaseName = options.leaseName ?? DEFAULT_LEASE_NAME;
    const holder = newHolderId();
    const concurrency = options.concurrency ?? this.#d.concurrency;
    let runs = 0;
    let stopped = !enabled;
    let current: Promise<PeriodicRunReport | null> | undefined;
    let timer: NodeJS.Timeout | undefined;

    const round = async (): Promise<PeriodicRunReport | null> => {
      if (stopped) return null;
      const ttlMs = 2 * intervalMs + this.#d.timeoutMs();
      if (!(await acquireLease(db, leaseName, holder, ttlMs))) return null;
      runs += 1;
      return this.#runRound(intervalMs, concurrency, async () => {
        if (stopped) return false;
        return acquireLease(db, leaseName, holder, ttlMs);
      });
    };
    const runOnce = (): Promise<PeriodicRunReport | null> => {
      if (current) return Promise.resolve(null);
      current = round()
        .catch((error: unknown) => {
          logger.error(
            { code: isBYOKError(error) ? error.code : undefined },
            'periodic validation round failed',
          );
          return null;
        })
        .finally(() => {
          current = undefined;
        });
      return current;
    };

    if (enabled) {
      timer = setInterval(() => void runOnce(), intervalMs);
      timer.unref();
      if (options.runImmediately) void runOnce();
      logger.info({ intervalMs, holder }, 'periodic key validation scheduled');
    } else {
      logger.info('periodic key validation is disabled (validation.enabled / BYOK_ENABLE_VALIDATION)');
    }

    const schedules = this.#schedules;
    const schedule: PeriodicValidation = {
      intervalMs,
      holder,
      get runs() {
        return runs;
      },
      runOnce,
      async stop() {
        stopped = true;
        clearInterval(timer);
        schedules.delete(schedule);
        await current;
        if (enabled) await releaseLease(db, leaseName, holder).catch(() => undefined);
      },
    };
    if (enabled) schedules.add(schedule);
    return schedule;
  }

  /** Stops every schedule this runner started. */
  async close(): Promise<void> {
    await Promise.all([...this.#schedules].map((schedule) => schedule.stop()));
  }

  async #runRound(
    intervalMs: number,
    concurrency: number,
    renew: () => Promise<boolean>,
  ): Promise<PeriodicRunReport> {
    const started = performance.now();
    const report: PeriodicRunReport = {
      startedAt: new Date(),
      durationMs: 0,
      validated: 0,
      valid: 0,
      failed: 0,
      errors: 0,
      leaseLost: false,
    };
    let lastRenewal = performance.now();
    let renewing: Promise<boolean> | undefined;
    const keepLease = async (): Promise<boolean> => {
      // A long round renews its lease every half interval; when another instance has taken it
      // over (this one was paused for longer than the lease), the rest is left to that one.
      if (performance.now() - lastRenewal <= intervalMs / 2) return true;
      renewing ??= renew().finally(() => {
        lastRenewal = performance.now();
        renewing = undefined;
      });
      if (!(await renewing)) report.leaseLost = true;
      return !report.leaseLost;
    };

    // Due keys, a page at a time (keyset on id), the next page read as slots free up.
    const store = this.#d.store;
    async function* dueRows(): AsyncGenerator<KeyRow> {
      let afterId = '';
      for (;;) {
        const rows = await store.listDueKeys({ freshForMs: intervalMs / 2, afterId, limit: ROUND_PAGE_SIZE });
        yield* rows;
        if (rows.length < ROUND_PAGE_SIZE) return;
        afterId = rows.at(-1)?.id ?? afterId;
      }
    }
    const settling: Promise<void>[] = [];
    const failed = (row: KeyRow, error: unknown): void => {
      report.errors += 1;
      this.#d.logger.warn(
        { keyId: row.id, code: isBYOKError(error) ? error.code : 'INTERNAL_ERROR' },
        'periodic validation of a key failed',
      );
    };
    await mapWithConcurrency(dueRows(), concurrency, async (row) => {
      if (report.leaseLost || !(await keepLease())) return STOP_MAPPING;
      try {
        const { settled } = await this.#d.validate(row, SCHEDULED);
        settling.push(
          settled.then(
            (result) => {
              report.validated += 1;
              if (result.isValid) report.valid += 1;
              else report.failed += 1;
            },
            (error: unknown) => failed(row, error),
          ),
        );
      } catch (error) {
        failed(row, error);
      }
      return undefined;
    });
    await Promise.all(settling);
    report.durationMs = Math.round(performance.now() - started);
    this.#d.logger.info(
      {
        validated: report.validated,
        valid: report.valid,
        failed: report.failed,
        errors: report.errors,
        durationMs: report.durationMs,
      },
      'periodic key validation round done',
    );
    return report;
  }
}
