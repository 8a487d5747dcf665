import { GatewayProblem } from './errors.js';
import { monthOf } from './token-service.js';
import type { GatewayToken } from './types.js';

/** The few ioredis commands the limits use. */
export interface LimitsRedis {
  incr(key: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', ms: number, flag: 'NX'): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * Reserves a place under the budget in one step (KEYS: spend, reserved; ARGV: reservation, budget,
 * reservation TTL, integers of 10⁻⁸ USD, and ms). Read and reservation are one script, so a request
 * that ends meanwhile (its cost added, its reservation given back) is seen either wholly or not at all.
 * Answers 1 admitted, 0 does not fit yet, -1 spend not seeded, -2 budget reached.
 */
const ADMIT_SCRIPT = `
local spent = redis.call('GET', KEYS[1])
if not spent then return -1 end
spent = tonumber(spent)
local reserve = tonumber(ARGV[1])
local budget = tonumber(ARGV[2])
if spent >= budget then return -2 end
local total = redis.call('INCRBY', KEYS[2], reserve)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if total == reserve or spent + total <= budget then return 1 end
redis.call('DECRBY', KEYS[2], reserve)
return 0`;

/** Adds a finished request's cost and gives its reservation back, in one step (KEYS: spend, reserved; ARGV: cost, held). */
const RELEASE_SCRIPT = `
if tonumber(ARGV[1]) > 0 then redis.call('INCRBY', KEYS[1], ARGV[1]) end
if tonumber(ARGV[2]) > 0 then redis.call('DECRBY', KEYS[2], ARGV[2]) end
return 1`;

export interface GatewayLimitsOptions {
  /** Shares request counts and spend between instances; without it each instance counts alone. */
  redis?: LimitsRedis | undefined;
  keyPrefix?: string;
  /** USD the token spent this month in committed usage (PostgreSQL, the source of truth). */
  committedSpend: (tokenId: string) => Promise<number>;
  /** USD of this instance's usage queued and not yet committed. */
  pendingSpend: (tokenId: string) => number;
  /**
   * USD this instance committed so far (monotonic): what was committed while the stored spend was
   * being read is added back, so a batch committing during the read is never missed.
   */
  committedLocally?: (tokenId: string) => number;
  /** Longest a request waits for a place under the budget before it is refused. Default 30 s. */
  maxWaitMs?: number;
}

/**
 * Budgets are kept in Redis as integers of 10⁻⁸ USD, the precision costs are stored with, so that
 * increments are exact and a request costing a few micro-dollars is not rounded away. (The keys
 * name the unit: counters of an older unit are never read as this one.)
 */
const UNITS_PER_USD = 100_000_000;
const EPSILON = 1e-9;
const WINDOW_MS = 60_000;
/** A reservation left by a crashed instance expires after this long. */
const RESERVATION_TTL_MS = 120_000;

interface TokenState {
  inFlight: number;
  /** Largest cost of one request seen for this token here: what an in-flight request may cost. */
  maxCost: number;
  waiters: (() => void)[];
  /** Per-minute counts when there is no Redis. */
  window: number;
  count: number;
}

/** What `admit` returns: call `release` with the request's cost (0 when unknown) when it ends. */
export interface Admission {
  release(costUsd: number): void;
}

/** The admission of a token without a budget: nothing to give back. */
export const NO_BUDGET: Admission = { release: () => undefined };

/**
 * Requests per minute and monthly budgets of gateway tokens, checked before a request is forwarded.
 *
 * Rate: a fixed one-minute window per token; in Redis (`INCR`, shared by every instance) when
 * given, else in this process.
 *
 * Budget: spent = committed spend (PostgreSQL) + this instance's queued usage, or — with Redis —
 * one shared counter per token and month, seeded from PostgreSQL and added to as requests end.
 * A request is admitted while every request in flight could cost as much as the dearest one seen
 * so far (on this instance) and still fit — in flight here, or with Redis, in flight anywhere (a
 * shared reservation counter, `INCRBY` then check, given back when the request ends). A request
 * alone in flight is always admitted; the first request of a token (no cost seen yet) goes alone
 * and the others wait for it. Overspend bound: one request in flight per instance beyond the
 * budget (each instance's first request, or one dearer than any seen before).
 */
export class GatewayLimits {
  readonly #o: GatewayLimitsOptions;
  readonly #prefix: string;
  readonly #state = new Map<string, TokenState>();

  constructor(options: GatewayLimitsOptions) {
    this.#o = options;
    this.#prefix = options.keyPrefix ?? 'byok:gw:';
  }

  #stateOf(tokenId: string): TokenState {
    let state = this.#state.get(tokenId);
    if (!state) {
      state = { inFlight: 0, maxCost: 0, waiters: [], window: 0, count: 0 };
      this.#state.set(tokenId, state);
    }
    return state;
  }

  /** @throws GatewayProblem 429 `RATE_LIMITED` with Retry-After. */
  async checkRate(token: GatewayToken, now = Date.now()): Promise<void> {
    const limit = token.requestsPerMinute;
    if (limit === null) return;
    const window = Math.floor(now / WINDOW_MS);
    let count: number;
    const redis = this.#o.redis;
    if (redis) {
      const key = `${this.#prefix}rpm:${token.id}:${window}`;
      count = await redis.incr(key);
      if (count === 1) await redis.pexpire(key, WINDOW_MS * 2);
    } else {
      const state = this.#stateOf(token.id);
      if (state.window !== window) {
        state.window = window;
        state.count = 0;
      }
      count = ++state.count;
    }
    if (count > limit) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
      throw new GatewayProblem(
        'RATE_LIMITED',
        `This gateway token allows ${limit} requests per minute; try again in ${retryAfter} s`,
        { 'retry-after': String(retryAfter) },
      );
    }
  }

  /** @throws GatewayProblem 429 `BUDGET_EXCEEDED` once the month's spend reached the budget. */
  async admit(token: GatewayToken): Promise<Admission> {
    const budget = token.monthlyBudgetUsd;
    if (budget === null) return NO_BUDGET;
    const state = this.#stateOf(token.id);
    const deadline = Date.now() + (this.#o.maxWaitMs ?? 30_000);
    const redis = this.#o.redis;
    let seeded = false;
    for (;;) {
      // With Redis and a known cost, one script reads the shared spend and reserves: no read before it.
      let answer: unknown;
      let reservedUnits = 0;
      if (redis && state.maxCost > 0) {
        reservedUnits = Math.max(1, Math.round(state.maxCost * UNITS_PER_USD));
        answer = await redis
          .eval(
            ADMIT_SCRIPT,
            2,
            this.#spendKey(token.id),
            this.#reservedKey(token.id),
            reservedUnits,
            Math.round(budget * UNITS_PER_USD),
            RESERVATION_TTL_MS,
          )
          .catch(() => undefined);
        if (answer === -2) throw budgetExceeded(budget);
      }
      let fits: boolean;
      if (answer === 1 || answer === 0 || (answer === -1 && seeded)) {
        // Alone in flight everywhere: admitted (the "+1" of the bound); else it must fit.
        fits = answer === 1;
      } else {
        // No script answer (first request here, or Redis unreachable), or the month's spend is not in
        // Redis yet: read (and seed) it, then decide here or reserve on the next turn.
        const spent = await this.#spent(token.id);
        if (spent + EPSILON >= budget) throw budgetExceeded(budget);
        if (answer === -1) {
          seeded = true;
          continue;
        }
        // With Redis but without its answer, only a request alone here goes (the reservations are unknown).
        fits =
          state.inFlight === 0 ||
          (!redis && state.maxCost > 0 && spent + (state.inFlight + 1) * state.maxCost <= budget + EPSILON);
      }
      if (answer !== 1) reservedUnits = 0;
      if (fits) {
        state.inFlight += 1;
        let released = false;
        const held = reservedUnits;
        return {
          release: (costUsd) => {
            if (released) return;
            released = true;
            state.inFlight -= 1;
            if (costUsd > state.maxCost) state.maxCost = costUsd;
            const wake = () => {
              for (const waiter of state.waiters.splice(0)) waiter();
            };
            const costUnits = Math.round(costUsd * UNITS_PER_USD);
            if (redis && (costUnits > 0 || held > 0)) {
              // Spend added and reservation freed in one step: the request never counts zero times.
              redis
                .eval(
                  RELEASE_SCRIPT,
                  2,
                  this.#spendKey(token.id),
                  this.#reservedKey(token.id),
                  costUnits,
                  held,
                )
                .catch(() => undefined)
                .finally(wake);
            } else wake();
          },
        };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw budgetExceeded(budget);
      await new Promise<void>((resolve) => {
        // Requests in flight on other instances end without waking us: poll while waiting.
        const timer = setTimeout(resolve, Math.min(left, redis ? 50 : 1000));
        state.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #reservedKey(tokenId: string): string {
    return `${this.#prefix}reserved-e8:${tokenId}`;
  }

  #spendKey(tokenId: string): string {
    return `${this.#prefix}spend-e8:${tokenId}:${monthOf(new Date())}`;
  }

  async #spent(tokenId: string): Promise<number> {
    const redis = this.#o.redis;
    if (redis) {
      try {
        const key = this.#spendKey(tokenId);
        const value = await redis.get(key);
        if (value !== null) return Number(value) / UNITS_PER_USD;
        const seed = (await this.#o.committedSpend(tokenId)) + this.#o.pendingSpend(tokenId);
        await redis.set(key, String(Math.round(seed * UNITS_PER_USD)), 'PX', 35 * 86_400_000, 'NX');
        const now = await redis.get(key);
        return now === null ? seed : Number(now) / UNITS_PER_USD;
      } catch {
        // Redis down: the database (and this instance's queue) still know.
      }
    }
    const localBefore = this.#o.committedLocally?.(tokenId) ?? 0;
    const stored = await this.#o.committedSpend(tokenId);
    // Read after the await, in the same tick as the decision: a batch that committed meanwhile left
    // the pending sum, and is added back here (at worst counted twice: conservative, never over).
    const committedMeanwhile = (this.#o.committedLocally?.(tokenId) ?? 0) - localBefore;
    return stored + committedMeanwhile + this.#o.pendingSpend(tokenId);
  }
}

const budgetExceeded = (budget: number) =>
  new GatewayProblem(
    'BUDGET_EXCEEDED',
    `This gateway token reached its monthly budget of $${budget}; it resets at the start of next month (UTC)`,
  );
