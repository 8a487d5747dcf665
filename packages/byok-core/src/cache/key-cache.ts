import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logging/index.js';
import type { CacheStats, KeyCache, RedisLike, RedisSubscriber } from './types.js';

export interface KeyCacheOptions {
  /** Seconds an entry lives. 0 turns caching off. Default 300. */
  ttl?: number;
  maxEntries?: number;
  redis?: { client: RedisLike; keyPrefix?: string } | undefined;
  /** Upper bound on a Redis round trip before it counts as a miss. Default 150 ms. */
  redisTimeoutMs?: number;
  logger?: Logger;
}

const INVALIDATION_CHANNEL = 'invalidate';

/** A cache that holds nothing: `cache.ttl: 0`. */
class NoopKeyCache implements KeyCache {
  readonly enabled = false;
  #misses = 0;
  peek<T>(): T | undefined {
    this.#misses += 1;
    return undefined;
  }
  async get<T>(): Promise<T | undefined> {
    this.#misses += 1;
    return undefined;
  }
  async set(): Promise<void> {}
  async invalidate(): Promise<void> {}
  getStats(): CacheStats {
    return {
      hits: 0,
      misses: this.#misses,
      hitRate: 0,
      size: 0,
      redis: { enabled: false, connected: false, hits: 0, misses: 0, errors: 0 },
    };
  }
  async close(): Promise<void> {}
}

class TieredKeyCache implements KeyCache {
  readonly enabled = true;
  readonly #local: LRUCache<string, { value: unknown }>;
  readonly #ttlMs: number;
  readonly #redis: RedisLike | undefined;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #origin = randomUUID();
  readonly #logger: Logger | undefined;
  #subscriber: RedisSubscriber | undefined;
  #stats = { hits: 0, misses: 0, redisHits: 0, redisMisses: 0, redisErrors: 0 };

  constructor(options: KeyCacheOptions & { ttl: number }) {
    this.#ttlMs = options.ttl * 1000;
    this.#local = new LRUCache({ max: options.maxEntries ?? 10_000, ttl: this.#ttlMs });
    this.#redis = options.redis?.client;
    this.#prefix = options.redis?.keyPrefix ?? 'byok:';
    this.#timeoutMs = options.redisTimeoutMs ?? 150;
    this.#logger = options.logger;
    if (this.#redis) this.#subscribe(this.#redis);
  }

  #subscribe(redis: RedisLike): void {
    try {
      const subscriber = redis.duplicate();
      this.#subscriber = subscriber;
      subscriber.on('error', (error) => this.#logger?.warn({ err: error.message }, 'redis subscriber error'));
      subscriber.on('message', (_channel, message) => {
        try {
          const { origin, keys } = JSON.parse(message) as { origin: string; keys: string[] };
          if (origin !== this.#origin) for (const key of keys) this.#local.delete(key);
        } catch {
          // a malformed message is ignored; entries still expire by TTL
        }
      });
      subscriber.subscribe(this.#prefix + INVALIDATION_CHANNEL).catch((error: Error) => {
        this.#logger?.warn({ err: error.message }, 'redis subscribe failed; relying on TTL');
      });
    } catch (error) {
      this.#logger?.warn({ err: (error as Error).message }, 'redis subscriber unavailable; relying on TTL');
    }
  }

  /** Runs a Redis command if the client is ready, bounded in time; undefined on any failure. */
  async #redisCall<T>(call: (redis: RedisLike) => Promise<T>): Promise<T | undefined> {
    const redis = this.#redis;
    if (redis?.status !== 'ready') return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        call(redis),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), this.#timeoutMs);
        }),
      ]);
    } catch (error) {
      this.#stats.redisErrors += 1;
      this.#logger?.warn({ err: (error as Error).message }, 'redis cache call failed; using the database');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  peek<T>(key: string): T | undefined {
    const entry = this.#local.get(key);
    if (entry) {
      this.#stats.hits += 1;
      return entry.value as T;
    }
    return undefined;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const local = this.#local.get(key);
    if (local) {
      this.#stats.hits += 1;
      return local.value as T;
    }
    if (this.#redis) {
      const raw = await this.#redisCall((redis) => redis.get(this.#prefix + key));
      if (typeof raw === 'string') {
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

  async set<T>(key: string, value: T): Promise<void> {
    this.#local.set(key, { value });
    if (this.#redis)
      await this.#redisCall((redis) =>
        redis.set(this.#prefix + key, JSON.stringify(value), 'PX', this.#ttlMs),
      );
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) this.#local.delete(key);
    if (!this.#redis) return;
    await this.#redisCall((redis) => redis.del(...keys.map((key) => this.#prefix + key)));
    await this.#redisCall((redis) =>
      redis.publish(this.#prefix + INVALIDATION_CHANNEL, JSON.stringify({ origin: this.#origin, keys })),
    );
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
        connected: this.#redis?.status === 'ready',
        hits: redisHits,
        misses: redisMisses,
        errors: redisErrors,
      },
    };
  }

  async close(): Promise<void> {
    this.#local.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}

/** The in-process LRU (always), plus Redis when a client is given; a no-op cache when `ttl` is 0. */
export function createKeyCache(options: KeyCacheOptions = {}): KeyCache {
  const ttl = options.ttl ?? 300;
  return ttl <= 0 ? new NoopKeyCache() : new TieredKeyCache({ ...options, ttl });
}
