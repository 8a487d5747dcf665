import type { Logger } from '../logging/index.js';

/** The ioredis methods the shared limiter uses (`multi().incr().pexpire().exec()`). */
export interface RateLimitRedis {
  status?: string;
  multi(): {
    incr(key: string): unknown;
    pexpire(key: string, ms: number): unknown;
    exec(): Promise<[Error | null, unknown][] | null>;
  };
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the current window ends (for `Retry-After`). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one action of `subject` and says whether it is within the limit. */
  hit(subject: string): Promise<RateLimitDecision>;
}

const WINDOW_MS = 60_000;
const REDIS_TIMEOUT_MS = 200;
const MAX_TRACKED = 50_000;

/** Fixed one-minute windows counted in this process. */
export function memoryRateLimiter(limit: number, now: () => number = Date.now): RateLimiter {
  const counts = new Map<string, { window: number; count: number }>();
  return {
    async hit(subject) {
      const time = now();
      const window = Math.floor(time / WINDOW_MS);
      if (counts.size > MAX_TRACKED) {
        for (const [key, entry] of counts) if (entry.window !== window) counts.delete(key);
      }
      const entry = counts.get(subject);
      const count = entry && entry.window === window ? entry.count + 1 : 1;
      counts.set(subject, { window, count });
      return decision(count, limit, window, time);
    },
  };
}

function decision(count: number, limit: number, window: number, time: number): RateLimitDecision {
  return {
    allowed: count <= limit,
    retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - time) / 1000)),
  };
}

/**
 * Fixed windows counted in Redis (`INCR` + `PEXPIRE` on `<prefix><subject>:<window>`), so every
 * instance shares one count. Redis down or slow means counting in this process instead, never an error.
 */
export function redisRateLimiter(
  redis: RateLimitRedis,
  limit: number,
  options: { keyPrefix?: string; logger?: Logger; now?: () => number } = {},
): RateLimiter {
  const now = options.now ?? Date.now;
  const local = memoryRateLimiter(limit, now);
  const prefix = options.keyPrefix ?? 'byok:ratelimit:';
  let warned = false;
  return {
    async hit(subject) {
      const time = now();
      const window = Math.floor(time / WINDOW_MS);
      const key = `${prefix}${subject}:${window}`;
      try {
        if (redis.status !== undefined && redis.status !== 'ready') throw new Error(`redis ${redis.status}`);
        const transaction = redis.multi();
        transaction.incr(key);
        transaction.pexpire(key, WINDOW_MS + 1000);
        let timer: NodeJS.Timeout | undefined;
        const result = await Promise.race([
          transaction.exec(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('redis timeout')), REDIS_TIMEOUT_MS);
          }),
        ]).finally(() => clearTimeout(timer));
        const count = Number(result?.[0]?.[1]);
        if (!Number.isFinite(count)) throw new Error('unexpected INCR answer');
        warned = false;
        return decision(count, limit, window, time);
      } catch (error) {
        if (!warned) {
          options.logger?.warn(
            { err: { message: (error as Error).message } },
            'rate limit: Redis unavailable, counting locally',
          );
          warned = true;
        }
        return local.hit(subject);
      }
    },
  };
}
