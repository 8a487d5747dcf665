import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AlertService } from '../alerts/alert-service.js';
import type { Owner } from '../crypto/index.js';
import type { Logger } from '../logging/index.js';
import type { Database } from '../store/types.js';
import { type UsageRow, type UsageStore, usageStore } from '../store/usage-store.js';

/** One request's usage, ready to store (already priced): a {@link UsageRow} whose request fields are all given. */
export type UsageWriteEvent = Omit<UsageRow, 'ttfbMs' | 'statusCode' | 'gatewayTokenId' | 'audioSeconds'> & {
  /** Time to the first byte of the provider's answer. */
  ttfbMs: number | null;
  /** HTTP status the provider answered (or that the gateway gave). */
  statusCode: number | null;
  gatewayTokenId: string | null;
  /** Seconds of audio (voice providers); default none. */
  audioSeconds?: number | null;
};

export interface UsageWriterOptions {
  db: Database;
  logger: Logger;
  /** Alerts are checked once per owner per batch, inside the batch's transaction; delivered after commit. */
  alerts: Pick<AlertService, 'checkAlerts' | 'deliver'>;
  /** Most events in one transaction. Default 5,000. */
  maxBatch?: number;
  /**
   * Longest an event waits before its batch is written, in ms. Default 25. With a flush in
   * progress, new events wait for it instead (group commit): the next batch takes them all.
   */
  maxDelayMs?: number;
  /** Events held at most; beyond it the oldest are dropped and counted (`dropped`). Default 500,000. */
  maxQueue?: number;
  /** Where the rows go; default the SQL store. */
  store?: UsageStore;
  /** Called with each committed batch (metrics). Must not throw. */
  onCommitted?: (events: readonly UsageWriteEvent[], flushMs: number) => void;
}

export interface UsageWriterStats {
  queueDepth: number;
  committed: number;
  batches: number;
  dropped: number;
  failures: number;
  lastFlushMs: number;
}

const RETRY_MS = [100, 250, 500, 1000, 2000];
const PURGE_EVERY_BATCHES = 1000;

/**
 * Writes usage off the response path, in batches (group commit): a request hands its event over
 * with `enqueue` (synchronous, no I/O) and goes on. One transaction per batch inserts every raw row
 * with one multi-row statement, adds the hourly and daily roll-ups and the gateway tokens' monthly spend
 * grouped (one row per group, so one batch never touches a row twice), records the batch id, and
 * checks each owner's alerts once.
 *
 * Exactly once: a batch id is stored in the same transaction, so a batch retried after a commit
 * whose answer was lost is skipped, not counted twice. A failed batch is retried (with backoff)
 * before newer events.
 *
 * Crash-loss window: `close()` (SIGTERM) writes everything. A process killed outright (SIGKILL)
 * loses what was queued and not yet committed: at most `maxDelayMs` plus one batch's commit time of
 * events (`stats().queueDepth` shows it live).
 */
export class UsageWriter {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #alerts: Pick<AlertService, 'checkAlerts' | 'deliver'>;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #maxQueue: number;
  readonly #store: UsageStore;
  readonly #onCommitted: ((events: readonly UsageWriteEvent[], flushMs: number) => void) | undefined;
  #queue: UsageWriteEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #enqueued = 0;
  #done = 0;
  #waiters: { target: number; resolve: () => void }[] = [];
  #pendingCost = new Map<string, number>();
  #committedCost = new Map<string, number>();
  #closed = false;
  #stats = { committed: 0, batches: 0, dropped: 0, failures: 0, lastFlushMs: 0 };

  constructor(options: UsageWriterOptions) {
    this.#db = options.db;
    this.#logger = options.logger;
    this.#alerts = options.alerts;
    this.#maxBatch = options.maxBatch ?? 5000;
    this.#maxDelayMs = options.maxDelayMs ?? 25;
    this.#maxQueue = options.maxQueue ?? 500_000;
    this.#store = options.store ?? usageStore;
    this.#onCommitted = options.onCommitted;
  }

  /** Queues one event; never throws, never waits. */
  enqueue(event: UsageWriteEvent): void {
    if (this.#queue.length >= this.#maxQueue) {
      const dropped = this.#queue.shift();
      if (dropped) this.#settle([dropped]);
      this.#stats.dropped += 1;
      this.#done += 1;
    }
    this.#queue.push(event);
    this.#enqueued += 1;
    if (event.gatewayTokenId && event.costUsd)
      this.#pendingCost.set(
        event.gatewayTokenId,
        (this.#pendingCost.get(event.gatewayTokenId) ?? 0) + event.costUsd,
      );
    this.#schedule();
  }

  /** USD queued for a gateway token and not yet committed (budgets add it to the stored spend). */
  pendingCost(gatewayTokenId: string): number {
    return this.#pendingCost.get(gatewayTokenId) ?? 0;
  }

  /** USD this writer committed for a gateway token since it started (never decreases). */
  committedCost(gatewayTokenId: string): number {
    return this.#committedCost.get(gatewayTokenId) ?? 0;
  }

  /** Resolves once every event queued before the call is committed (or dropped). */
  flush(): Promise<void> {
    const target = this.#enqueued;
    if (this.#done >= target) return Promise.resolve();
    if (!this.#running) this.#start();
    return new Promise((resolve) => this.#waiters.push({ target, resolve }));
  }

  /** Writes what is queued and stops taking timers; events enqueued later are still written by `flush`. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  stats(): UsageWriterStats {
    return { queueDepth: this.#queue.length, ...this.#stats };
  }

  #schedule(): void {
    if (this.#running) return;
    if (this.#queue.length >= this.#maxBatch || this.#closed) {
      this.#start();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#start();
    }, this.#maxDelayMs);
    this.#timer.unref?.();
  }

  #start(): void {
    if (this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    let attempt = 0;
    while (this.#queue.length > 0) {
      const batch = this.#queue.slice(0, this.#maxBatch);
      const batchId = `ub_${randomBytes(12).toString('hex')}`;
      // A retry keeps its id, so a commit whose answer was lost is not written twice.
      let written = false;
      while (!written) {
        const start = performance.now();
        try {
          const notifications = await this.#write(batchId, batch);
          written = true;
          attempt = 0;
          const flushMs = performance.now() - start;
          this.#queue.splice(0, batch.length);
          for (const event of batch) {
            if (!event.gatewayTokenId || !event.costUsd) continue;
            this.#committedCost.set(
              event.gatewayTokenId,
              (this.#committedCost.get(event.gatewayTokenId) ?? 0) + event.costUsd,
            );
          }
          this.#settle(batch);
          this.#done += batch.length;
          this.#stats.committed += batch.length;
          this.#stats.batches += 1;
          this.#stats.lastFlushMs = flushMs;
          if (notifications.length > 0) this.#alerts.deliver(notifications);
          try {
            this.#onCommitted?.(batch, flushMs);
          } catch {
            // a listener must not stop the writer
          }
          this.#wake();
        } catch (error) {
          this.#stats.failures += 1;
          const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 2000;
          attempt += 1;
          this.#logger.warn(
            { err: { message: (error as Error)?.message }, events: batch.length, retryInMs: wait },
            'usage batch not written; retrying',
          );
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    }
  }

  #settle(events: readonly UsageWriteEvent[]): void {
    for (const event of events) {
      if (!event.gatewayTokenId || !event.costUsd) continue;
      const left = (this.#pendingCost.get(event.gatewayTokenId) ?? 0) - event.costUsd;
      if (left <= 1e-12) this.#pendingCost.delete(event.gatewayTokenId);
      else this.#pendingCost.set(event.gatewayTokenId, left);
    }
  }

  #wake(): void {
    const still: { target: number; resolve: () => void }[] = [];
    for (const waiter of this.#waiters) {
      if (this.#done >= waiter.target) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
  }

  async #write(batchId: string, batch: readonly UsageWriteEvent[]): Promise<string[]> {
    const owners = new Map<string, { owner: Owner; at: Date }>();
    for (const e of batch) {
      const ownerKey = `${e.owner.type}:${e.owner.id}`;
      const seen = owners.get(ownerKey);
      if (!seen || seen.at < e.at) owners.set(ownerKey, { owner: e.owner, at: e.at });
    }
    const rows: UsageRow[] = batch.map((e) => ({ ...e, audioSeconds: e.audioSeconds ?? null }));
    const purge = (this.#stats.batches + 1) % PURGE_EVERY_BATCHES === 0;
    return this.#db.transaction(async (tx) => {
      if (!(await this.#store.insertBatch(tx, batchId, rows))) return [];
      if (purge) await this.#store.forgetOldBatchIds(tx);
      const notifications: string[] = [];
      for (const { owner, at } of owners.values()) {
        notifications.push(...(await this.#alerts.checkAlerts(tx, owner, at)));
      }
      return notifications;
    });
  }
}
