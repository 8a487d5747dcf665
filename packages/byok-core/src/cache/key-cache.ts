import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logging/index.js';
import type { SqlClient } from '../store/types.js';
import { inProcessBus } from './in-process-bus.js';
import type { CacheStats, InvalidationBus, KeyCache, RedisLike } from './types.js';

export interface KeyCacheOptions {
  /** Seconds an entry lives. 0 turns caching off. Default 300. */
  ttl?: number;
  maxEntries?: number;
  redis?: { client: RedisLike; keyPrefix?: string } | undefined;
  /** Upper bound on a Redis round trip before it counts as a miss. Default 150 ms. */
  redisTimeoutMs?: number;
  /** Carries invalidations between instances; in-process (one instance alone) by default. */
  bus?: InvalidationBus;
  logger?: Logger;
}

/** The bus channel of key-row invalidations. */
export const CACHE_CHANNEL = 'cache';

/**
 * What an invalidated entry becomes in Redis for a while, instead of being deleted: fills use
 * SET NX, so a fill that read the database before the change but reaches Redis after it cannot
 * put the old rows back. Not valid JSON, so it can never be mistaken for a value.
 */
const TOMBSTONE = '~invalidated';
const MAX_TOMBSTONE_MS = 30_000;
const MAX_UNWRITTEN_TOMBSTONES = 10_000;

/** A cache that holds nothing: `cache.ttl: 0`. Invalidations still reach the other instances. */
class NoopKeyCache implements KeyCache {
  readonly enabled = false;
  readonly #bus: InvalidationBus;
  #misses = 0;
  constructor(bus: InvalidationBus) {
    this.#bus = bus;
  }
  peek<T>(): T | undefined {
    this.#misses += 1;
    return undefined;
  }
  async get<T>(): Promise<T | undefined> {
    this.#misses += 1;
    return undefined;
  }
  async set(): Promise<void> {}
  load<T>(_key: string, loader: () => Promise<T>): Promise<T> {
    return loader();
  }
  announce(tx: SqlClient, keys: readonly string[]): Promise<void> {
    return keys.length === 0 ? Promise.resolve() : this.#bus.publishInTransaction(tx, CACHE_CHANNEL, keys);
  }
  async invalidate(keys: readonly string[], options?: { announced?: boolean }): Promise<void> {
    if (keys.length > 0) await this.#bus.publish(CACHE_CHANNEL, keys, options);
  }
  getStats(): CacheStats {
    return {
      hits: 0,
      misses: this.#misses,
      hitRate: 0,
      size: 0,
      redis: { enabled: false, connected: false, hits: 0, misses: 0, errors: 0 },
      invalidation: {
        bus: this.#bus.kind,
        listening: this.#bus.listeningEpoch() !== undefined,
        deafPeriods: this.#bus.deafPeriods(),
      },
    };
  }
  async close(): Promise<void> {}
}

/**
 * The in-process LRU, plus Redis as a shared tier. Both are trusted only while the invalidation
 * bus vouches that this process hears every invalidation (see `InvalidationBus.listeningEpoch`):
 * while it does not, every read is a miss and nothing is stored; when it vouches again (a new
 * epoch), everything held locally is dropped, since it may have missed a message meanwhile.
 */
class TieredKeyCache implements KeyCache {
  readonly enabled = true;
  readonly #local: LRUCache<string, { value: unknown }>;
  readonly #ttlMs: number;
  readonly #redis: RedisLike | undefined;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #logger: Logger | undefined;
  readonly #bus: InvalidationBus;
  readonly #unsubscribe: () => void;
  /**
   * This cache's own messages come back to it: they carry nothing it does not know already (it
   * dropped the keys itself after the commit), so they neither drop entries nor void loads.
   */
  readonly #origin = randomUUID();
  /** Bumped by every invalidation heard and every change of epoch: fills that began before are void. */
  #generation = 0;
  #epoch: number | undefined;
  /** The Redis server's run_id: entries written before a Redis restart are never read after it. */
  #redisRunId: string | undefined;
  #redisConnection = 0;
  /** Keys whose tombstone could not be written: written as soon as Redis answers again. */
  readonly #unwrittenTombstones = new Set<string>();
  /** More keys needed tombstones than the set holds: Redis is not read until it restarts. */
  #tombstonesOverflowed = false;
  #lastRunId: string | undefined;
  readonly #redisListeners: Array<[event: 'ready' | 'close' | 'end', listener: () => void]> = [];
  #stats = { hits: 0, misses: 0, redisHits: 0, redisMisses: 0, redisErrors: 0 };

  constructor(options: KeyCacheOptions & { ttl: number; bus: InvalidationBus }) {
    this.#ttlMs = options.ttl * 1000;
    this.#local = new LRUCache({ max: options.maxEntries ?? 10_000, ttl: this.#ttlMs });
    this.#redis = options.redis?.client;
    this.#prefix = options.redis?.keyPrefix ?? 'byok:';
    this.#timeoutMs = options.redisTimeoutMs ?? 150;
    this.#logger = options.logger;
    this.#bus = options.bus;
    this.#unsubscribe = this.#bus.subscribe(CACHE_CHANNEL, (keys, origin) => {
      if (origin === this.#origin) return;
      this.#voidFills();
      for (const key of keys) this.#local.delete(key);
      // The sender may not have reached Redis (cut off from it alone): the old rows there are
      // not read again before a tombstone of this process's own has replaced them.
      if (this.#redis) {
        this.#distrust(keys);
        void this.#writeTombstones(keys);
      }
    });
    if (this.#redis) this.#watchRedis(this.#redis);
  }

  #watchRedis(redis: RedisLike): void {
    const forget = () => {
      this.#redisConnection += 1;
      this.#redisRunId = undefined;
    };
    const learn = () => {
      forget();
      const connection = this.#redisConnection;
      redis
        .info?.('server')
        .then((info) => {
          if (connection !== this.#redisConnection) return;
          const runId = /run_id:([0-9a-f]+)/.exec(info)?.[1];
          // A restarted server is a clean namespace: nothing there needs a tombstone any more.
          if (runId !== this.#lastRunId) this.#tombstonesOverflowed = false;
          this.#lastRunId = runId;
          this.#redisRunId = runId;
          return this.#writeTombstones([...this.#unwrittenTombstones]);
        })
        .catch(() => undefined);
    };
    if (!redis.info || !redis.on) {
      this.#redisRunId = 'unknown';
      return;
    }
    this.#redisListeners.push(['ready', learn], ['close', forget], ['end', forget]);
    for (const [event, listener] of this.#redisListeners) redis.on(event, listener);
    if (redis.status === 'ready') learn();
  }

  /** Loads that began before now may hold rows older than a change just heard of: none of them is stored. */
  #voidFills(): void {
    this.#generation += 1;
  }

  /** True when entries may be read and stored; drops what an earlier epoch cached. */
  #trusted(): boolean {
    const epoch = this.#bus.listeningEpoch();
    if (epoch === this.#epoch && epoch !== undefined) return true;
    if (epoch !== this.#epoch || this.#local.size > 0) {
      this.#local.clear();
      this.#voidFills();
    }
    this.#epoch = epoch;
    return epoch !== undefined;
  }

  #redisKey(runId: string, key: string): string {
    return `${this.#prefix}${runId}:${key}`;
  }

  /** Runs a Redis command if the client is ready, bounded in time; undefined on any failure. */
  async #redisCall<T>(call: (redis: RedisLike, runId: string) => Promise<T>): Promise<T | undefined> {
    const redis = this.#redis;
    const runId = this.#redisRunId;
    const connection = this.#redisConnection;
    if (redis?.status !== 'ready' || runId === undefined) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        call(redis, runId),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), this.#timeoutMs);
        }),
      ]);
      // An answer that crossed a reconnection may come from a restarted server: not trusted.
      return connection === this.#redisConnection ? result : undefined;
    } catch (error) {
      this.#stats.redisErrors += 1;
      this.#logger?.warn({ err: (error as Error).message }, 'redis cache call failed; using the database');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  peek<T>(key: string): T | undefined {
    if (!this.#trusted()) return undefined;
    const entry = this.#local.get(key);
    if (entry) {
      this.#stats.hits += 1;
      return entry.value as T;
    }
    return undefined;
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!this.#trusted()) {
      this.#stats.misses += 1;
      return undefined;
    }
    const local = this.#local.get(key);
    if (local) {
      this.#stats.hits += 1;
      return local.value as T;
    }
    const generation = this.#generation;
    if (this.#redis && !this.#tombstonesOverflowed && !this.#unwrittenTombstones.has(key)) {
      const raw = await this.#redisCall((redis, runId) => redis.get(this.#redisKey(runId, key)));
      // An invalidation heard while the answer travelled may postdate it: read the database instead.
      const trusted = this.#trusted();
      if (typeof raw === 'string' && raw !== TOMBSTONE && trusted && generation === this.#generation) {
        this.#stats.hits += 1;
        this.#stats.redisHits += 1;
        const value = JSON.parse(raw) as T;
        this.#local.set(key, { value });
        return value;
      }
      this.#stats.redisMisses += 1;
    }
    this.#stats.misses += 1;
    return undefined;
  }

  async load<T>(key: string, loader: () => Promise<T>): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const generation = this.#generation;
    const value = await loader();
    if (this.#trusted() && generation === this.#generation) await this.#store(key, value);
    return value;
  }

  async set<T>(key: string, value: T): Promise<void> {
    if (this.#trusted()) await this.#store(key, value);
  }

  async #store<T>(key: string, value: T): Promise<void> {
    this.#local.set(key, { value });
    if (this.#redis)
      await this.#redisCall((redis, runId) =>
        redis.set(this.#redisKey(runId, key), JSON.stringify(value), 'PX', this.#ttlMs, 'NX'),
      );
  }

  announce(tx: SqlClient, keys: readonly string[]): Promise<void> {
    return keys.length === 0
      ? Promise.resolve()
      : this.#bus.publishInTransaction(tx, CACHE_CHANNEL, keys, this.#origin);
  }

  async invalidate(keys: readonly string[], options?: { announced?: boolean }): Promise<void> {
    if (keys.length === 0) return;
    this.#voidFills();
    for (const key of keys) this.#local.delete(key);
    if (this.#redis) await this.#writeTombstones(keys);
    await this.#bus.publish(CACHE_CHANNEL, keys, { ...options, origin: this.#origin });
  }

  async #writeTombstones(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const tombstoneMs = Math.min(this.#ttlMs, MAX_TOMBSTONE_MS);
    const written = await this.#redisCall((redis, runId) =>
      Promise.all(keys.map((key) => redis.set(this.#redisKey(runId, key), TOMBSTONE, 'PX', tombstoneMs))),
    );
    if (written !== undefined) {
      for (const key of keys) this.#unwrittenTombstones.delete(key);
      return;
    }
    // Cut off from a Redis that others may still read: the old rows there must not outlive the
    // outage, nor be read here meanwhile.
    this.#distrust(keys);
  }

  /** Keys not read from Redis until this process has put tombstones there; all of Redis past the bound. */
  #distrust(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.#unwrittenTombstones.size >= MAX_UNWRITTEN_TOMBSTONES) {
        this.#tombstonesOverflowed = true;
        return;
      }
      this.#unwrittenTombstones.add(key);
    }
  }

  getStats(): CacheStats {
    const { hits, misses, redisHits, redisMisses, redisErrors } = this.#stats;
    return {
      hits,
      misses,
      hitRate: hits + misses === 0 ? 0 : hits / (hits + misses),
      size: this.#local.size,
      redis: {
        enabled: Boolean(this.#redis),
        // Usable: connected, and the server identified (see #redisRunId).
        connected: this.#redis?.status === 'ready' && this.#redisRunId !== undefined,
        hits: redisHits,
        misses: redisMisses,
        errors: redisErrors,
      },
      invalidation: {
        bus: this.#bus.kind,
        listening: this.#bus.listeningEpoch() !== undefined,
        deafPeriods: this.#bus.deafPeriods(),
      },
    };
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    this.#local.clear();
    const redis = this.#redis;
    if (redis?.off) for (const [event, listener] of this.#redisListeners) redis.off(event, listener);
  }
}

/**
 * The in-process LRU (always), plus Redis when a client is given; a no-op cache when `ttl` is 0.
 * Invalidations travel on `bus` (in-process by default: one instance alone).
 */
export function createKeyCache(options: KeyCacheOptions = {}): KeyCache {
  const ttl = options.ttl ?? 300;
  const bus = options.bus ?? inProcessBus();
  return ttl <= 0 ? new NoopKeyCache(bus) : new TieredKeyCache({ ...options, ttl, bus });
}
