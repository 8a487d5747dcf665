import type { Logger } from '../logging/index.js';
import { keyAccessStore } from '../store/key-access-store.js';
import type { SqlClient } from '../store/types.js';

interface Tally {
  keyId: string;
  hour: number;
  count: number;
  first: number;
  last: number;
}

const HOUR_MS = 3_600_000;

/**
 * Counts each key's use per hour in memory and writes the tallies in batches, off the hot path:
 * `record` never waits on the database. A failed flush keeps its tallies for the next one.
 */
export class AccessCounter {
  #pending = new Map<string, Tally>();
  readonly #db: SqlClient;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #logger: Logger | undefined;
  #flushing: Promise<void> | undefined;

  constructor(db: SqlClient, options: { flushIntervalMs?: number; logger?: Logger; enabled?: boolean } = {}) {
    this.#db = db;
    this.#logger = options.logger;
    if (options.enabled !== false) {
      this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 5000);
      this.#timer.unref();
    }
  }

  record(keyId: string, now = Date.now()): void {
    const hourStart = now - (now % HOUR_MS);
    const slot = `${keyId}@${hourStart}`;
    const tally = this.#pending.get(slot);
    if (tally) {
      tally.count += 1;
      tally.last = now;
    } else {
      this.#pending.set(slot, { keyId, hour: hourStart, count: 1, first: now, last: now });
    }
  }

  /** Writes every pending tally. Concurrent calls share one write. */
  flush(): Promise<void> {
    this.#flushing ??= this.#write().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    try {
      await keyAccessStore.add(this.#db, batch);
    } catch (error) {
      for (const tally of batch) {
        const slot = `${tally.keyId}@${tally.hour}`;
        const newer = this.#pending.get(slot);
        if (newer) {
          newer.count += tally.count;
          newer.first = tally.first;
        } else this.#pending.set(slot, tally);
      }
      this.#logger?.warn({ err: (error as Error).message }, 'key access counts not written; will retry');
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.flush();
  }
}
