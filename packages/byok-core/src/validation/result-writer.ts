import type { AuditLog, RequestContext } from '../audit/index.js';
import type { Owner } from '../crypto/index.js';
import type { KeyRow, KeyStatus } from '../keys/types.js';
import type { Database, SqlClient } from '../store/types.js';
import type { ValidationsStore } from '../store/validations-store.js';
import { type CooldownPolicy, cooldownMsFor } from './cooldown.js';
import { computeHealthScore, HEALTH_HISTORY_SIZE, type ValidationSample } from './health-score.js';

/** One validation result to store. */
export interface ValidationWrite {
  row: Pick<KeyRow, 'id' | 'owner_type' | 'owner_id' | 'provider'>;
  sample: ValidationSample;
  /** The wait the provider asked for (rate limits, billing). */
  retryAfterMs: number | undefined;
  isValid: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  testsRun: string[];
  /** `always` (a person asked for this one test) or `status-change` (bulk and scheduled runs). */
  audit: 'always' | 'status-change';
  trigger: 'manual' | 'bulk' | 'scheduled';
  context: RequestContext;
}

/** What was stored; null when the key was deleted or revoked while it was being validated. */
export interface StoredValidation {
  healthScore: number;
  cooldownUntil: Date | null;
  status: KeyStatus;
  statusFrom: KeyStatus;
}

interface KeyState {
  status: KeyStatus;
  cooldownUntil: Date | null;
  history: ValidationSample[];
}

/** The key's status after an outcome: refusals park an active key as invalid, success restores it. */
export function nextStatus(current: KeyStatus, outcome: ValidationSample['status']): KeyStatus {
  if ((outcome === 'invalid_key' || outcome === 'revoked') && current === 'active') return 'invalid';
  if (outcome === 'valid' && current === 'invalid') return 'active';
  return current;
}

/** The key's cooldown after an outcome: cleared by success and refusals (status covers those), set by 429/402. */
export function nextCooldown(
  current: Date | null,
  write: Pick<ValidationWrite, 'sample' | 'retryAfterMs'>,
  policy: CooldownPolicy,
  now: number = Date.now(),
): Date | null {
  switch (write.sample.status) {
    case 'valid':
    case 'invalid_key':
    case 'revoked':
      return null;
    case 'rate_limited':
    case 'billing': {
      const ms = cooldownMsFor(write.sample.status, write.retryAfterMs, policy);
      return ms === undefined ? current : new Date(now + ms);
    }
    default:
      return current;
  }
}

/**
 * Stores a batch of validations in the caller's transaction, with three statements whatever its
 * size (lock and read the keys with their recent history; insert the validation rows; update the
 * keys), plus the audit entries due. Keys are locked in id order and audit chains appended in
 * owner order, so concurrent batches (and the key service's one-key writes) cannot deadlock.
 * Each key is matched with its owner: a write whose row names another owner stores nothing (null).
 */
export async function storeValidations(
  store: Pick<ValidationsStore, 'lockKeysForValidation' | 'insertValidations' | 'updateKeyStates'>,
  tx: SqlClient,
  audit: Pick<AuditLog, 'append'>,
  writes: readonly ValidationWrite[],
  cooldowns: CooldownPolicy,
): Promise<(StoredValidation | null)[]> {
  const refs = new Map<string, { id: string; owner: Owner }>();
  for (const { row } of writes) {
    refs.set(`${row.id}\u0000${row.owner_type}\u0000${row.owner_id}`, {
      id: row.id,
      owner: { type: row.owner_type, id: row.owner_id },
    });
  }
  const locked = await store.lockKeysForValidation([...refs.values()], HEALTH_HISTORY_SIZE, tx);
  const states = new Map<string, KeyState>();
  for (const key of locked) {
    if (key.status === 'revoked') continue;
    states.set(key.id, {
      status: key.status,
      cooldownUntil: key.cooldownUntil,
      history: key.history.map((h) => ({
        status: h.status as ValidationSample['status'],
        responseTimeMs: h.responseTimeMs,
      })),
    });
  }
  // Ids are unique, so a locked key has one owner: a write naming another owner stores nothing.
  const ownerOf = new Map(locked.map((key) => [key.id, key.owner]));
  const matches = ({ row }: ValidationWrite): boolean => {
    const owner = ownerOf.get(row.id);
    return owner?.type === row.owner_type && owner.id === row.owner_id;
  };

  // In order, so that a key validated twice in one batch sees its first result in its history.
  const stored: (StoredValidation | null)[] = [];
  const inserts: { write: ValidationWrite; healthScore: number }[] = [];
  for (const write of writes) {
    const state = matches(write) ? states.get(write.row.id) : undefined;
    if (!state) {
      stored.push(null);
      continue;
    }
    const healthScore = computeHealthScore(write.sample, state.history);
    const statusFrom = state.status;
    state.status = nextStatus(state.status, write.sample.status);
    state.cooldownUntil = nextCooldown(state.cooldownUntil, write, cooldowns);
    state.history = [write.sample, ...state.history].slice(0, HEALTH_HISTORY_SIZE);
    stored.push({ healthScore, cooldownUntil: state.cooldownUntil, status: state.status, statusFrom });
    inserts.push({ write, healthScore });
  }
  if (inserts.length === 0) return stored;

  await store.insertValidations(
    inserts.map(({ write, healthScore }) => ({
      keyId: write.row.id,
      isValid: write.isValid,
      status: write.sample.status,
      healthScore,
      errorCode: write.errorCode,
      errorMessage: write.errorMessage,
      responseTimeMs: write.sample.responseTimeMs,
      testsRun: write.testsRun,
    })),
    tx,
  );

  // One update per key, with its final state (the last write of the batch for that key).
  const last = new Map<string, { write: ValidationWrite; healthScore: number }>();
  for (const insert of inserts) last.set(insert.write.row.id, insert);
  await store.updateKeyStates(
    [...last.values()].map(({ write, healthScore }) => {
      const state = states.get(write.row.id) as KeyState;
      return {
        id: write.row.id,
        owner: { type: write.row.owner_type, id: write.row.owner_id },
        healthScore,
        outcome: write.sample.status,
        status: state.status,
        cooldownUntil: state.cooldownUntil,
      };
    }),
    tx,
  );

  const audited = writes
    .map((write, index) => ({ write, result: stored[index] }))
    .filter(
      (entry): entry is { write: ValidationWrite; result: StoredValidation } =>
        entry.result !== null &&
        entry.result !== undefined &&
        (entry.write.audit === 'always' || entry.result.status !== entry.result.statusFrom),
    )
    .sort((a, b) =>
      `${a.write.row.owner_type}:${a.write.row.owner_id}`.localeCompare(
        `${b.write.row.owner_type}:${b.write.row.owner_id}`,
      ),
    );
  for (const { write, result } of audited) {
    const owner: Owner = { type: write.row.owner_type, id: write.row.owner_id };
    await audit.append(tx, {
      action: 'key.tested',
      targetType: 'key',
      targetId: write.row.id,
      owner,
      context: write.context,
      details: {
        provider: write.row.provider,
        outcome: write.sample.status,
        isValid: write.isValid,
        healthScore: result.healthScore,
        responseTimeMs: Math.round(write.sample.responseTimeMs),
        trigger: write.trigger,
        ...(result.status !== result.statusFrom
          ? { statusFrom: result.statusFrom, statusTo: result.status }
          : {}),
      },
    });
  }
  return stored;
}

/**
 * Group commit: each validation's result is handed over as soon as its probe answers; whatever
 * has piled up while the previous batch was being written goes into the next transaction
 * (at most `maxBatch` writes, at most `maxParallel` transactions at once). A single validation is
 * written at once, in a batch of one; a thousand validations cost a handful of transactions.
 */
export class ResultWriter {
  readonly #db: Database;
  readonly #store: ValidationsStore;
  readonly #audit: Pick<AuditLog, 'append'>;
  readonly #cooldowns: CooldownPolicy;
  readonly #maxBatch: number;
  readonly #maxParallel: number;
  readonly #queue: {
    write: ValidationWrite;
    resolve: (value: StoredValidation | null) => void;
    reject: (error: unknown) => void;
  }[] = [];
  #running = 0;
  #scheduled = false;
  #waiters: (() => void)[] = [];

  constructor(
    db: Database,
    store: ValidationsStore,
    audit: Pick<AuditLog, 'append'>,
    cooldowns: CooldownPolicy,
    options: { maxBatch?: number; maxParallel?: number } = {},
  ) {
    this.#db = db;
    this.#store = store;
    this.#audit = audit;
    this.#cooldowns = cooldowns;
    this.#maxBatch = options.maxBatch ?? 200;
    // A single connection runs one transaction at a time anyway.
    this.#maxParallel = db.kind === 'single-connection' ? 1 : (options.maxParallel ?? 2);
  }

  /** Resolves once the write's transaction has committed (rejects if it rolled back). */
  write(write: ValidationWrite): Promise<StoredValidation | null> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      this.#schedule();
    });
  }

  /** Writes queued and not yet committed. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Backpressure for bulk runs: resolves once fewer than `limit` writes wait to be flushed. */
  async belowLimit(limit: number): Promise<void> {
    while (this.#queue.length >= limit) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /**
   * Starts the next flush from `setImmediate`, after the event loop's I/O phase: every probe whose
   * answer has arrived by then joins the batch. Started synchronously, a flush on PGlite (which
   * runs a whole transaction without yielding to I/O) would take one result at a time.
   */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.#maxParallel && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#running += 1;
      for (const wake of this.#waiters.splice(0)) wake();
      this.#db
        .transaction((tx) =>
          storeValidations(
            this.#store,
            tx,
            this.#audit,
            batch.map((entry) => entry.write),
            this.#cooldowns,
          ),
        )
        .then(
          (results) => {
            for (const [index, entry] of batch.entries()) entry.resolve(results[index] ?? null);
          },
          (error: unknown) => {
            for (const entry of batch) entry.reject(error);
          },
        )
        .finally(() => {
          this.#running -= 1;
          this.#schedule();
        });
    }
  }
}
