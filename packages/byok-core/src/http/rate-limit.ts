import { createHash } from 'node:crypto';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';

/**
 * An ioredis client (anything `rate-limiter-flexible`'s `RateLimiterRedis` accepts). Its `status`
 * is read so that a disconnected client is not waited on.
 */
export type RateLimitRedis = object & { status?: string };

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the subject may act again (for `Retry-After`); at least 1. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one action of `subject` and says whether it is within the limit. */
  hit(subject: string): Promise<RateLimitDecision>;
  /** Whether `subject` is already over the limit, without counting anything. */
  check(subject: string): Promise<RateLimitDecision>;
}

const WINDOW_SECONDS = 60;
/** A slow Redis must not slow every request: past this the in-process count answers. */
const REDIS_TIMEOUT_MS = 200;

const retryAfter = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
const allowed: RateLimitDecision = { allowed: true, retryAfterSeconds: 0 };

function wrap(limiter: RateLimiterAbstract, points: number): RateLimiter {
  return {
    async hit(subject) {
      try {
        await limiter.consume(subject);
        return allowed;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes)
          return { allowed: false, retryAfterSeconds: retryAfter(rejection.msBeforeNext) };
        throw rejection;
      }
    },
    async check(subject) {
      const state = await limiter.get(subject);
      if (!state || state.consumedPoints < points) return allowed;
      return { allowed: false, retryAfterSeconds: retryAfter(state.msBeforeNext) };
    },
  };
}

/** `points` actions per subject per minute, counted in this process. */
export function memoryRateLimiter(points: number, keyPrefix = 'byok:rl:'): RateLimiter {
  return wrap(new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix }), points);
}

/**
 * `points` actions per subject per minute, counted in Redis so that every instance shares one
 * count. While Redis is down, disconnected or slower than 200 ms, an in-process insurance limiter
 * counts instead (each instance then limits on its own): never an error, never unlimited.
 */
export function redisRateLimiter(redis: RateLimitRedis, points: number, keyPrefix = 'byok:rl:'): RateLimiter {
  const insuranceLimiter = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix });
  const shared = new RateLimiterRedis({
    storeClient: redis,
    points,
    duration: WINDOW_SECONDS,
    keyPrefix,
    rejectIfRedisNotReady: true,
    insuranceLimiter,
  });
  return wrap(
    new RLWrapperTimeouts({ limiter: shared, timeoutMs: REDIS_TIMEOUT_MS, insuranceLimiter }),
    points,
  );
}

/** Per-minute limits of the HTTP API; 0 turns one off. */
export interface RateLimitSettings {
  /** Writes (POST, PUT, PATCH, DELETE, key tests) per principal. */
  writesPerMinute: number;
  /** Reads (GET, HEAD) per principal. */
  readsPerMinute: number;
  /** Failed authentications per client address. */
  authFailuresPerMinute: number;
  /** Failed authentications per presented token (the same bad token, from any address). */
  authFailuresPerTokenPerMinute: number;
}

export interface RateLimits {
  writes: RateLimiter | undefined;
  reads: RateLimiter | undefined;
  authFailuresByAddress: RateLimiter | undefined;
  authFailuresByToken: RateLimiter | undefined;
}

/** The API's limiters, in Redis when a client is given (with an in-process insurance), else in process. */
export function createRateLimits(
  settings: RateLimitSettings,
  options: { redis?: RateLimitRedis | undefined; keyPrefix?: string | undefined } = {},
): RateLimits {
  const prefix = options.keyPrefix ?? 'byok:ratelimit:';
  const make = (points: number, name: string): RateLimiter | undefined => {
    if (!(points > 0)) return undefined;
    return options.redis
      ? redisRateLimiter(options.redis, points, `${prefix}${name}`)
      : memoryRateLimiter(points, `${prefix}${name}`);
  };
  return {
    writes: make(settings.writesPerMinute, 'w'),
    reads: make(settings.readsPerMinute, 'r'),
    authFailuresByAddress: make(settings.authFailuresPerMinute, 'af-ip'),
    authFailuresByToken: make(settings.authFailuresPerTokenPerMinute, 'af-tok'),
  };
}

/**
 * The subject under which a presented token's failures are counted: a digest, so that neither a
 * guess nor a real token is ever stored in Redis.
 */
export function tokenSubject(authorization: string): string {
  return createHash('sha256')
    .update(`byok/rl/token|${authorization}`, 'utf8')
    .digest('base64url')
    .slice(0, 32);
}
