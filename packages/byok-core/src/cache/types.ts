export interface CacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 when nothing was asked yet. */
  hitRate: number;
  size: number;
  redis: { enabled: boolean; connected: boolean; hits: number; misses: number; errors: number };
}

/**
 * A cache of ciphertext rows and other non-secret values; it never holds a plaintext credential.
 * `peek` answers from this process only and is synchronous (the hot path); `get` also asks the
 * shared tier. `invalidate` drops the entries here, in the shared tier and on every other instance.
 * A shared tier that is down makes `get` a miss, never an error.
 */
export interface KeyCache {
  readonly enabled: boolean;
  peek<T>(key: string): T | undefined;
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  invalidate(keys: readonly string[]): Promise<void>;
  getStats(): CacheStats;
  close(): Promise<void>;
}

/** The few ioredis methods the cache uses; any ioredis `Redis` or `Cluster` fits. */
export interface RedisLike {
  status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', ttlMs: number): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
  duplicate(): RedisSubscriber;
}

export interface RedisSubscriber {
  status: string;
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}
