import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AlertService } from '../alerts/alert-service.js';
import type { Owner } from '../crypto/index.js';
import { BYOKError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { databaseUnavailable } from '../store/connection-errors.js';
import type { Database, SqlClient } from '../store/types.js';
import {
  type UsageKeyFound,
  type UsageKeyLookup,
  type UsageRow,
  type UsageStore,
  usageStore,
} from '../store/usage-store.js';

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

/**
 * Usage whose caller awaits its outcome (`recordUsage`). Its key, if any, is read in the batch's
 * transaction with every other key of the batch (one query); `complete` then turns what was found
 * into the event to store, or throws the error this caller alone gets.
 */
export interface AwaitedUsage {
  key: UsageKeyLookup | undefined;
  /** Gets `undefined` when `key` is. Must be synchronous and must not touch anything shared. */
  complete(found: UsageKeyFound | undefined): UsageWriteEvent;
}

/** An awaited usage in the queue: its outcome settles the caller's promise. */
class Awaited {
  event: UsageWriteEvent | undefined;
  error: unknown;
  constructor(
    readonly usage: AwaitedUsage,
    readonly resolve: (id: string) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

type Queued = UsageWriteEvent | Awaited;

/** The event a queued item stores (an awaited one only once completed in its batch). */
const eventOf = (item: Queued): UsageWriteEvent | undefined => (item instanceof Awaited ? item.event : item);

export interface UsageWriterOptions {
  db: Database;
  logger: Logger;
  /**
   * Alerts are checked once per owner that has any and day of usage per batch, inside the batch's
   * transaction; delivered after commit.
   */
  alerts: Pick<AlertService, 'checkAlerts' | 'deliver'>;
  /** Most events in one transaction. Default 5,000. */
  maxBatch?: number;
  /**
   * Longest an event waits before its batch is written, in ms. Default 25. Events that arrive
   * during a flush wait for it and then for their own timer (group commit: the busier the writer,
   * the bigger its batches); an awaited usage, `flush()` or `close()` has the next batch written
   * at once.
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
const DAY_MS = 86_400_000;

/**
 * Writes usage off the response path, in batches (group commit): a request hands its event over
 * with `enqueue` (synchronous, no I/O) and goes on. One transaction per batch inserts every raw row
 * with one multi-row statement, adds the hourly and daily roll-ups and the gateway tokens' monthly spend
 * grouped (one row per group, so one batch never touches a row twice), records the batch id, and
 * checks the alerts of each owner that has any once per day of usage in the batch (the insert
 * answers which owners have alerts, so the others cost no query).
 *
 * Exactly once: a batch id is stored in the same transaction, so a batch retried after a commit
 * whose answer was lost is skipped, not counted twice. A failed batch is retried (with backoff)
 * before newer events.
 *
 * Awaited usage (`write`, behind `recordUsage`) rides the same batches: its key is checked in the
 * batch (one query for all), an event whose check fails is refused alone, and its caller is answered
 * with the row id only after commit. It is never retried: when a batch fails, every awaited usage
 * queued rejects (`DATABASE_UNAVAILABLE` for a lost database) and leaves the queue; the enqueued
 * events are retried.
 *
 * Crash-loss window: `close()` (SIGTERM) writes everything. A process killed outright (SIGKILL)
 * loses what was queued and not yet committed: at most the `enqueue`d events of one batch's commit
 * time plus `maxDelayMs` plus the next commit (`stats().queueDepth` shows it live). Awaited usage
 * loses nothing unseen: its caller is answered only after commit.
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
  #queue: Queued[] = [];
  /** The batch being written: always the head of `#queue`. */
  #batch: Queued[] = [];
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
    this.#push(event);
    if (event.gatewayTokenId && event.costUsd)
      this.#pendingCost.set(
        event.gatewayTokenId,
        (this.#pendingCost.get(event.gatewayTokenId) ?? 0) + event.costUsd,
      );
    this.#schedule();
  }

  /**
   * Writes one usage in the next batch and answers its row id once that batch commits. Rejects
   * with the error `complete` threw (this usage alone is refused), or with the batch's error
   * (`DATABASE_UNAVAILABLE` for a lost database): never retried, never left waiting.
   */
  write(usage: AwaitedUsage): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#push(new Awaited(usage, resolve, reject));
      // Its caller waits: an idle writer starts at once; a busy one takes it in the next batch.
      this.#start();
    });
  }

  #push(item: Queued): void {
    // Full: the oldest item not in the batch being written is dropped.
    if (this.#queue.length >= this.#maxQueue && this.#queue.length > this.#batch.length) {
      const [dropped] = this.#queue.splice(this.#batch.length, 1) as [Queued];
      if (dropped instanceof Awaited) dropped.reject(databaseUnavailable());
      else this.#settle([dropped]);
      this.#stats.dropped += 1;
      this.#done += 1;
    }
    this.#queue.push(item);
    this.#enqueued += 1;
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
      if (this.#queue.length === 0) return;
      // A caller may have started waiting while this drain was ending: it is not left to the timer.
      if (this.#urgent()) this.#start();
      else this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    let attempt = 0;
    let batchId = '';
    while (this.#queue.length > 0) {
      // A retry keeps its id, so a commit whose answer was lost is not written twice.
      if (this.#batch.length === 0) {
        this.#batch = this.#queue.slice(0, this.#maxBatch);
        batchId = `ub_${randomBytes(12).toString('hex')}`;
      }
      const batch = this.#batch;
      const start = performance.now();
      try {
        const { ids, notifications } = await this.#write(batchId, batch);
        attempt = 0;
        const flushMs = performance.now() - start;
        this.#queue.splice(0, batch.length);
        const committed: UsageWriteEvent[] = [];
        // `ids` follow the stored events in batch order (refused usage stored nothing).
        let row = 0;
        for (const item of batch) {
          const event = eventOf(item);
          const id = event ? ids?.[row++] : undefined;
          if (event) committed.push(event);
          if (!(item instanceof Awaited)) continue;
          if (!event) item.reject(item.error);
          else if (id === undefined)
            item.reject(new BYOKError('INTERNAL_ERROR', 'The usage batch answered no id for this row'));
          else item.resolve(id);
        }
        const events = batch.filter((item): item is UsageWriteEvent => !(item instanceof Awaited));
        for (const event of events) {
          if (!event.gatewayTokenId || !event.costUsd) continue;
          this.#committedCost.set(
            event.gatewayTokenId,
            (this.#committedCost.get(event.gatewayTokenId) ?? 0) + event.costUsd,
          );
        }
        this.#settle(events);
        this.#done += batch.length;
        this.#stats.committed += committed.length;
        this.#stats.batches += 1;
        this.#stats.lastFlushMs = flushMs;
        this.#batch = [];
        if (notifications.length > 0) this.#alerts.deliver(notifications);
        try {
          this.#onCommitted?.(committed, flushMs);
        } catch {
          // a listener must not stop the writer
        }
        this.#wake();
        // What came in during this flush waits for its timer (the batch grows, the per-batch cost is
        // shared by more events) unless someone waits for it, or a whole batch is already there.
        if (!this.#urgent()) break;
      } catch (error) {
        this.#stats.failures += 1;
        // Awaited usage is not retried: its caller hears the error now and it leaves the queue. So
        // does awaited usage queued behind this batch, rather than wait on the retries.
        const waiting = this.#queue.filter((item): item is Awaited => item instanceof Awaited);
        if (waiting.length > 0) {
          for (const item of waiting) item.reject(error);
          this.#queue = this.#queue.filter((item) => !(item instanceof Awaited));
          this.#done += waiting.length;
          this.#batch = batch.filter((item) => !(item instanceof Awaited));
          this.#wake();
          if (this.#batch.length === 0) continue;
        }
        const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 2000;
        attempt += 1;
        this.#logger.warn(
          { err: { message: (error as Error)?.message }, events: this.#batch.length, retryInMs: wait },
          'usage batch not written; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Whether the queue must be written now rather than when its timer fires. */
  #urgent(): boolean {
    return (
      this.#closed ||
      this.#waiters.length > 0 ||
      this.#queue.length >= this.#maxBatch ||
      this.#queue.some((item) => item instanceof Awaited)
    );
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

  async #write(
    batchId: string,
    batch: readonly Queued[],
  ): Promise<{ ids: string[] | undefined; notifications: string[] }> {
    const purge = (this.#stats.batches + 1) % PURGE_EVERY_BATCHES === 0;
    return this.#db.transaction(async (tx) => {
      await this.#complete(tx, batch);
      const events: UsageWriteEvent[] = [];
      // Ids are asked for the awaited usage only: their callers get them.
      const idsOf: number[] = [];
      for (const item of batch) {
        const event = eventOf(item);
        if (!event) continue;
        if (item instanceof Awaited) idsOf.push(events.length);
        events.push(event);
      }
      if (events.length === 0) return { ids: [], notifications: [] };
      const stored = await this.#store.insertBatch(tx, batchId, events, idsOf);
      if (!stored) return { ids: undefined, notifications: [] };
      if (purge) await this.#store.forgetOldBatchIds(tx);
      // Once per alerted owner and UTC day of usage (a day fixes its daily, weekly and monthly
      // periods), so back-dated usage checks the periods it falls in. Owners without alerts: no query.
      if (stored.alertedOwners.length === 0) return { ids: stored.ids, notifications: [] };
      const alerted = new Set(stored.alertedOwners.map((owner) => `${owner.type}:${owner.id}`));
      const checks = new Map<string, { owner: Owner; at: Date }>();
      for (const e of events) {
        if (!alerted.has(`${e.owner.type}:${e.owner.id}`)) continue;
        checks.set(`${Math.floor(e.at.getTime() / DAY_MS)}:${e.owner.type}:${e.owner.id}`, {
          owner: e.owner,
          at: e.at,
        });
      }
      const notifications: string[] = [];
      for (const { owner, at } of checks.values()) {
        notifications.push(...(await this.#alerts.checkAlerts(tx, owner, at)));
      }
      return { ids: stored.ids, notifications };
    });
  }

  /** Completes the batch's awaited usage: their keys in one query, then each on its own (refused alone). */
  async #complete(tx: SqlClient, batch: readonly Queued[]): Promise<void> {
    const awaited = batch.filter((item): item is Awaited => item instanceof Awaited);
    const keyed = awaited.filter((item) => item.usage.key);
    const found =
      keyed.length > 0
        ? await this.#store.keysForUsage(
            tx,
            keyed.map((item) => item.usage.key as UsageKeyLookup),
          )
        : [];
    const byItem = new Map(keyed.map((item, i) => [item, found[i]]));
    for (const item of awaited) {
      try {
        item.event = item.usage.complete(byItem.get(item));
        item.error = undefined;
      } catch (error) {
        item.event = undefined;
        item.error = error;
      }
    }
  }
}
