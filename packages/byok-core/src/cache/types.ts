import type { SqlClient } from '../store/types.js';

export interface CacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 when nothing was asked yet. */
  hitRate: number;
  size: number;
  redis: { enabled: boolean; connected: boolean; hits: number; misses: number; errors: number };
  /** Which bus carries invalidations, and whether this process hears it right now. */
  invalidation?: { bus: InvalidationBus['kind']; listening: boolean; deafPeriods: number };
}

/**
 * A cache of ciphertext rows and other non-secret values; it never holds a plaintext credential.
 * `peek` answers from this process only and is synchronous (the hot path); `get` also asks the
 * shared tier. `invalidate` drops the entries here, in the shared tier and on every other instance.
 * A shared tier that is down makes `get` a miss, never an error. While the invalidation bus cannot
 * vouch that this process hears every invalidation, every read is a miss (callers read through to
 * the database) and nothing is stored.
 */
export interface KeyCache {
  readonly enabled: boolean;
  peek<T>(key: string): T | undefined;
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Read-through: the cached value, else `loader()`'s, which is stored unless an invalidation was
   * heard while it loaded (the value may predate that change) or this process is deaf. Use this
   * rather than `get` + `set` for values read from the database.
   */
  load<T>(key: string, loader: () => Promise<T>): Promise<T>;
  /** Stores a value (not while this process is deaf). */
  set<T>(key: string, value: T): Promise<void>;
  /**
   * Inside the transaction that changes what `keys` hold: buses that ride on the database queue
   * their message there, so that it is delivered exactly when (and only if) the change commits.
   */
  announce(tx: SqlClient, keys: readonly string[]): Promise<void>;
  /**
   * After the change committed: drops `keys` here and in the shared tier, and tells every other
   * instance. `announced`: `announce` was called in the committing transaction.
   */
  invalidate(keys: readonly string[], options?: { announced?: boolean }): Promise<void>;
  getStats(): CacheStats;
  close(): Promise<void>;
}

/**
 * Carries "these ids changed" between every instance of one deployment, on named channels
 * (`cache` for key rows; other parts, such as gateway tokens, use their own channel).
 * Messages reach every subscriber, this process's included.
 */
export interface InvalidationBus {
  readonly kind: 'in-process' | 'redis' | 'postgres' | 'redis+postgres' | 'deaf';
  /**
   * An id of the current period in which this process is sure to hear every message published
   * from now on; `undefined` while it is not sure (connection down, reconnecting, subscription not
   * yet confirmed, heartbeat late). A new id after every deaf period: whatever was cached before
   * it may have missed a message and must be dropped.
   */
  listeningEpoch(): number | undefined;
  /**
   * Calls `handler` with the ids (and the sender's `origin`, if it gave one) of every message on
   * `channel`; returns the unsubscribe function.
   */
  subscribe(
    channel: string,
    handler: (ids: readonly string[], origin: string | undefined) => void,
  ): () => void;
  /** Inside the changing transaction: database buses send here (delivered on commit); others do nothing. */
  publishInTransaction(
    tx: SqlClient,
    channel: string,
    ids: readonly string[],
    origin?: string,
  ): Promise<void>;
  /**
   * After the change committed. Never throws: a message that cannot be sent is logged.
   * `announced`: `publishInTransaction` already carried it.
   */
  publish(
    channel: string,
    ids: readonly string[],
    options?: { announced?: boolean; origin?: string | undefined },
  ): Promise<void>;
  /** How many times this process went deaf since start. */
  deafPeriods(): number;
  close(): Promise<void>;
}

/** The few ioredis methods the cache uses; any ioredis `Redis` or `Cluster` fits. */
export interface RedisLike {
  status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', ttlMs: number, condition?: 'NX'): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
  duplicate(): RedisSubscriber;
  info?(section: string): Promise<string>;
  on?(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  off?(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
}

export interface RedisSubscriber {
  status: string;
  subscribe(channel: string): Promise<unknown>;
  ping?(): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready' | 'close' | 'end' | 'reconnecting', listener: () => void): unknown;
  quit(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
}
