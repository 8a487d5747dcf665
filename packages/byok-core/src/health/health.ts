import type { CacheStats } from '../cache/index.js';
import type { EncryptionService } from '../crypto/index.js';
import { BYOKError, isBYOKError } from '../errors/index.js';
import { DatabaseMigration } from '../store/migrator.js';
import { statsStore } from '../store/stats-store.js';
import type { Database } from '../store/types.js';

/** One check: `pass`, `warn` (works, but worse than it should: degraded) or `fail` (unhealthy). */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface BYOKHealthCheck {
  status: CheckStatus;
  /** What is wrong, in words an operator can act on. Never a secret. */
  message?: string;
  latencyMs?: number;
  details?: Record<string, unknown>;
}

export interface BYOKHealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  /** The first failing (else warning) check's message, e.g. "ENCRYPTION_MASTER_KEY not configured". */
  message?: string;
  checks: {
    database: BYOKHealthCheck;
    cache: BYOKHealthCheck;
    encryption: BYOKHealthCheck;
    validation: BYOKHealthCheck;
  };
  timestamp: Date;
}

/**
 * What the health functions read: a BYOK system (`createBYOKForStack2025()`), or anything with a
 * manager. `encryption` and `cache`, when given, win over the manager's own.
 */
export interface HealthSystem {
  manager: {
    context: {
      db: Database;
      encryption: EncryptionService;
      cache: { getStats(): CacheStats };
      /** The configuration step's result: `keyRotationDays` (`BYOK_KEY_ROTATION_DAYS`). */
      config?: { keyRotationDays: number };
    };
  };
  encryption?: EncryptionService;
  cache?: { getStats(): CacheStats } | undefined;
}

export interface HealthOptions {
  /**
   * Share (0–1) above which an owner counts as failing for a provider (of that owner's validations
   * for it in the window), and above which a provider counts as failing (of the owners validated
   * for it). Default 0.5.
   */
  validationFailureThreshold?: number;
  /** Fewer validations than this in the window say nothing either way. Default 5. */
  minValidations?: number;
  /**
   * Distinct owners (users or workspaces) that must be failing for one provider before the service
   * is degraded. One tenant's keys, however many, never degrade it on their own. Default 3.
   */
  minFailingOwners?: number;
  /** Window of the validation check, in ms. Default 1 hour. */
  validationWindowMs?: number;
  /** Longest wait for the database, in ms. Default 2,000. */
  databaseTimeoutMs?: number;
}

const DEFAULTS = {
  validationFailureThreshold: 0.5,
  minValidations: 5,
  minFailingOwners: 3,
  validationWindowMs: 60 * 60_000,
  databaseTimeoutMs: 2000,
} satisfies Required<HealthOptions>;

/**
 * The BYOK readiness check (the spec's `/health/byok`): never throws.
 * - database: `SELECT 1` answers in time (else fail) and every migration is applied (else warn);
 * - cache: a configured Redis is connected (else warn: answers come from the database, slower);
 * - encryption: a master key is configured ("ENCRYPTION_MASTER_KEY not configured") and a
 *   seal/open self-test with it passes (else fail);
 * - validation: judged per tenant, so one noisy tenant never degrades the service: an owner is
 *   failing for a provider when more than `validationFailureThreshold` of its validations of the
 *   last hour failed; a provider is failing (warn: an outage seen across tenants) when at least
 *   `minFailingOwners` owners, and more than `validationFailureThreshold` of the owners validated
 *   for it, are failing. Judged once there are at least `minValidations` validations.
 * Any fail makes the whole `unhealthy` (answer 503), else any warn `degraded`, else `healthy`.
 * Each check's shape matches the HTTP handler's `HealthCheck`, so this can be its `health` option.
 * @example
 * const health = await validateBYOKHealth(byokSystem);
 * res.status(health.status === 'healthy' ? 200 : 503).json(health);
 */
export async function validateBYOKHealth(
  system: HealthSystem,
  options: HealthOptions = {},
): Promise<BYOKHealthReport> {
  const settings = { ...DEFAULTS, ...options };
  const context = system.manager.context;
  const [database, encryption] = await Promise.all([
    checkDatabase(context.db, settings.databaseTimeoutMs),
    checkEncryption(system.encryption ?? context.encryption),
  ]);
  const cache = checkCache((system.cache ?? context.cache).getStats());
  const validation =
    database.status === 'fail'
      ? { status: 'warn' as const, message: 'Not checked: the database did not answer' }
      : await checkValidations(context.db, settings);
  const checks = { database, cache, encryption, validation };
  const all = Object.values(checks);
  const failing = all.find((check) => check.status === 'fail');
  const warning = all.find((check) => check.status === 'warn');
  const status = failing ? 'unhealthy' : warning ? 'degraded' : 'healthy';
  const message = (failing ?? warning)?.message;
  return { status, ...(message ? { message } : {}), checks, timestamp: new Date() };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (start: number): number => Math.round((performance.now() - start) * 10) / 10;

async function checkDatabase(db: Database, timeoutMs: number): Promise<BYOKHealthCheck> {
  const start = performance.now();
  try {
    await withTimeout(statsStore.ping(db), timeoutMs);
  } catch {
    return { status: 'fail', message: 'Database unreachable', latencyMs: elapsed(start) };
  }
  const latencyMs = elapsed(start);
  try {
    const migrations = await withTimeout(new DatabaseMigration(db).getMigrationStatus(), timeoutMs);
    const details = { currentVersion: migrations.currentVersion, latestVersion: migrations.latestVersion };
    if (!migrations.upToDate) {
      const pending = migrations.pending.length;
      return {
        status: 'warn',
        message: `${pending} database migration${pending === 1 ? '' : 's'} not applied`,
        latencyMs,
        details,
      };
    }
    // Alert notifications kept until their channel is configured (no SMTP server, URL or address).
    const waiting = await withTimeout(statsStore.waitingAlertNotifications(db), timeoutMs);
    return {
      status: 'pass',
      latencyMs,
      details: { ...details, waitingAlertNotifications: waiting },
    };
  } catch {
    return { status: 'warn', message: 'Could not read the migration status', latencyMs };
  }
}

async function checkEncryption(encryption: EncryptionService): Promise<BYOKHealthCheck> {
  if (!encryption.isConfigured) return { status: 'fail', message: 'ENCRYPTION_MASTER_KEY not configured' };
  try {
    await encryption.ready();
  } catch (error) {
    return {
      status: 'fail',
      message: isBYOKError(error) ? error.message : 'The master key could not be prepared',
    };
  }
  if (!encryption.test()) return { status: 'fail', message: 'Encryption self-test failed' };
  return { status: 'pass', details: { activeFingerprint: encryption.activeFingerprint } };
}

function checkCache(stats: CacheStats): BYOKHealthCheck {
  const details = { hitRate: stats.hitRate, redis: stats.redis.enabled ? 'configured' : 'not configured' };
  if (stats.redis.enabled && !stats.redis.connected) {
    return { status: 'warn', message: 'Redis unreachable; answering from the database', details };
  }
  return { status: 'pass', details };
}

async function checkValidations(db: Database, settings: Required<HealthOptions>): Promise<BYOKHealthCheck> {
  try {
    // Per provider: how many owners were validated, and how many of them mostly failed.
    const providers = await withTimeout(
      statsStore.validationHealth(db, settings.validationWindowMs, settings.validationFailureThreshold),
      settings.databaseTimeoutMs,
    );
    const total = providers.reduce((sum, p) => sum + p.total, 0);
    const failed = providers.reduce((sum, p) => sum + p.failed, 0);
    const details = {
      total,
      failed,
      failureRate: total === 0 ? 0 : failed / total,
      windowMs: settings.validationWindowMs,
      providers,
    };
    const outages =
      total < settings.minValidations
        ? []
        : providers.filter(
            (p) =>
              p.failingOwners >= settings.minFailingOwners &&
              p.failingOwners > p.owners * settings.validationFailureThreshold,
          );
    if (outages.length > 0) {
      const minutes = Math.round(settings.validationWindowMs / 60_000);
      const described = outages
        .map((p) => `${p.provider} (${p.failingOwners} of ${p.owners} owners)`)
        .join(', ');
      return {
        status: 'warn',
        message: `Provider validation failed across tenants in the last ${minutes} min: ${described}`,
        details,
      };
    }
    return { status: 'pass', details };
  } catch {
    return { status: 'warn', message: 'Could not read recent validations' };
  }
}

export interface KeyRotationStatus {
  /** When the master key in use was first put to work here (`byok.master_keys.promoted_at`); null before any. */
  lastRotation: Date | null;
  /** `lastRotation` + `rotationDays`; null when `lastRotation` is. */
  nextRotation: Date | null;
  /** `BYOK_KEY_ROTATION_DAYS`, default 90 (the deployment guide's schedule). */
  rotationDays: number;
  isOverdue: boolean;
  /** Fingerprint (key-check value) of the master key that encrypts; never the key. */
  activeFingerprint: string | null;
}

const REGISTRY = Symbol.for('@stack-2025/byok-core/health-systems');
type Registry = Record<symbol, HealthSystem[] | undefined>;

/** Live systems, oldest first; kept on `globalThis` under a `Symbol.for` key so two package copies share it. */
function liveSystems(): HealthSystem[] {
  const registry = globalThis as unknown as Registry;
  registry[REGISTRY] ??= [];
  return registry[REGISTRY];
}

/**
 * Remembers `system` as the one `checkKeyRotationStatus()` reads when called without an argument,
 * as the spec's troubleshooting sample does. `createBYOKForStack2025` calls it for each system it
 * creates, so the last one created wins; `unregisterSystemForHealth` (on close) hands the role
 * back to the one created before it.
 */
export function registerSystemForHealth(system: HealthSystem): void {
  const systems = liveSystems();
  const index = systems.indexOf(system);
  if (index !== -1) systems.splice(index, 1);
  systems.push(system);
}

/** Forgets `system` (call it when closing a system); a system never registered is ignored. */
export function unregisterSystemForHealth(system: HealthSystem): void {
  const systems = liveSystems();
  const index = systems.indexOf(system);
  if (index !== -1) systems.splice(index, 1);
}

/** The system registered last and not closed since, if any. */
export function registeredHealthSystem(): HealthSystem | undefined {
  return liveSystems().at(-1);
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Master-key rotation status: when the active master key was put to work, when the next rotation
 * is due (`BYOK_KEY_ROTATION_DAYS`, default 90) and whether it is overdue.
 * Without an argument it reads the system registered last (see `registerSystemForHealth`).
 * @throws BYOKError `INVALID_INPUT` when called without a system before any was created.
 * @example
 * const rotationStatus = await checkKeyRotationStatus();
 * console.log('Next rotation:', rotationStatus.nextRotation);
 */
export async function checkKeyRotationStatus(
  system: HealthSystem | undefined = registeredHealthSystem(),
  env?: Readonly<Record<string, string | undefined>>,
): Promise<KeyRotationStatus> {
  if (!system) {
    throw new BYOKError(
      'INVALID_INPUT',
      'checkKeyRotationStatus() needs a BYOK system: pass one, or create one with createBYOKForStack2025() first',
    );
  }
  const encryption = system.encryption ?? system.manager.context.encryption;
  if (encryption.isConfigured) await encryption.ready().catch(() => undefined);
  // An explicit map wins; else the system's configuration step read BYOK_KEY_ROTATION_DAYS.
  const configuredDays = env
    ? Number(env.BYOK_KEY_ROTATION_DAYS)
    : (system.manager.context.config?.keyRotationDays ?? 90);
  const rotationDays = Number.isFinite(configuredDays) && configuredDays > 0 ? configuredDays : 90;
  const rows = await statsStore.masterKeys(system.manager.context.db);
  const active = encryption.activeFingerprint;
  const row = rows.find((r) => r.fingerprint === active) ?? rows.find((r) => r.retired_at === null);
  const lastRotation = row ? new Date(row.promoted_at) : null;
  const nextRotation = lastRotation ? new Date(lastRotation.getTime() + rotationDays * DAY_MS) : null;
  return {
    lastRotation,
    nextRotation,
    rotationDays,
    isOverdue: nextRotation !== null && nextRotation.getTime() < Date.now(),
    activeFingerprint: active ?? row?.fingerprint ?? null,
  };
}
