import { inspect } from 'node:util';
import { BYOKError, isBYOKError } from '../errors/index.js';
import type { ExecuteWithFallbackResult, FallbackKeyResult } from '../fallback/index.js';
import { classifyProviderFailure, ProviderCallError } from '../fallback/index.js';
import {
  type Environment,
  getProvider,
  type KeyData,
  maskKeyData,
  type ProviderType,
  secretValues,
} from '../providers/index.js';
import type { RecordUsageInput } from '../usage/index.js';
import type { IntegrationServices } from './services.js';

/** Usage fields a provider call reports, recorded for the key that served. */
export type CallUsage = Omit<RecordUsageInput, 'keyId' | 'userId' | 'workspaceId' | 'provider' | 'success'>;

export interface ProviderHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

interface FallbackRunBase {
  services: IntegrationServices;
  owner: string;
  provider: ProviderType;
  environment: Environment;
  /** When false, the application's own key is never used, whatever the chain says. */
  allowSystemKey: boolean;
  /** Usage recorded for a failed attempt (model, …). */
  failureUsage?: CallUsage;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface FallbackCallOptions<T> extends FallbackRunBase {
  /** Builds the request for one key; never puts a secret in the URL. */
  build(key: FallbackKeyResult): ProviderHttpRequest;
  /** Reads a successful answer: the caller's result and the usage to record. */
  parse(body: unknown, response: Response): { result: T; usage: CallUsage };
}

/** What one attempt of `runWithFallback` returns; `usage` may settle later (a stream's usage is known at its end). */
export interface FallbackRunOutcome<T> {
  result: T;
  usage: CallUsage | Promise<CallUsage>;
}

export interface FallbackRunOptions<T> extends FallbackRunBase {
  /** One attempt with one key; throws a provider failure (status code, Retry-After) for the chain to classify. */
  run(key: FallbackKeyResult, signal: AbortSignal): Promise<FallbackRunOutcome<T>>;
}

export interface FallbackCallResult<T> extends ExecuteWithFallbackResult<T> {
  usage: CallUsage;
  latencyMs: number;
}

export interface FallbackRunResult<T> extends ExecuteWithFallbackResult<T> {
  /** Settles when the usage is recorded (at once, or when a deferred usage settles). */
  usage: Promise<CallUsage>;
  latencyMs: number;
}

/**
 * POSTs to a provider with each key of the fallback chain until one succeeds, throwing a classified
 * `ProviderCallError` for every refusal so that the chain moves on (or stops) by the core's rules,
 * and records the usage of every attempt: the provider-reported figures for the one that served,
 * a failed request for each refusal. Recording never fails the call: errors are logged.
 */
export async function callWithFallback<T>(options: FallbackCallOptions<T>): Promise<FallbackCallResult<T>> {
  const { provider } = options;
  const outcome = await runWithFallback({
    ...options,
    run: async (key, signal) => {
      const request = options.build(key);
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'error',
        signal,
      });
      if (!response.ok) {
        throw await ProviderCallError.fromFetchResponse(provider, response, {
          secrets: secretValues(provider, key.keyData),
        });
      }
      const body = await readJson(provider, response);
      return options.parse(body, response);
    },
  });
  return { ...outcome, usage: await outcome.usage };
}

/**
 * Runs `run` with each key of the fallback chain until one succeeds (the same rules as
 * `callWithFallback`, for callers that talk to the provider through an SDK), and records the
 * usage of every attempt. A deferred usage (a promise) is recorded when it settles; a rejected one
 * is recorded as a failed request.
 */
export async function runWithFallback<T>(options: FallbackRunOptions<T>): Promise<FallbackRunResult<T>> {
  const { services, provider } = options;
  const failures: { keyId: string; error: unknown }[] = [];
  const outcome = await services.fallback.executeWithFallback(
    options.owner,
    provider,
    options.environment,
    async (key) => {
      if (key.wasSystemFallback && !options.allowSystemKey) throw systemKeyNotAllowed(provider, failures);
      const started = performance.now();
      try {
        const attempt = await options.run(key, combinedSignal(options.timeoutMs, options.signal));
        return { ...attempt, latencyMs: Math.round(performance.now() - started), key };
      } catch (error) {
        // Our own errors (no key, a bad request) are not the provider's failures.
        const providerFailure = !isBYOKError(error) || ProviderCallError.isInstance(error);
        if (providerFailure) failures.push({ keyId: key.keyId, error });
        if (providerFailure && !options.signal?.aborted) {
          await record(services, options.owner, key, provider, {
            ...options.failureUsage,
            latencyMs: Math.round(performance.now() - started),
            success: false,
          });
        }
        throw error;
      }
    },
  );
  const { result, usage, latencyMs, key } = outcome.result;
  const recorded = Promise.resolve(usage).then(
    async (settled) => {
      await record(services, options.owner, key, provider, { ...settled, latencyMs, success: true });
      return settled;
    },
    async () => {
      const failed: CallUsage = { ...options.failureUsage, latencyMs };
      await record(services, options.owner, key, provider, { ...failed, success: false });
      return failed;
    },
  );
  // A deferred usage is not awaited by the caller of the attempt: its recording must not go unhandled.
  if (usage instanceof Promise) recorded.catch(() => undefined);
  else await recorded;
  return { ...outcome, result, usage: recorded, latencyMs };
}

async function record(
  services: IntegrationServices,
  owner: string,
  key: FallbackKeyResult,
  provider: ProviderType,
  usage: CallUsage & { success: boolean },
): Promise<void> {
  try {
    await services.recordUsage({
      // The application's own key has no row: its use is counted for the user alone.
      ...(key.wasSystemFallback ? {} : { keyId: key.keyId }),
      userId: owner,
      provider,
      requests: 1,
      ...usage,
    });
  } catch (error) {
    services.logger.error(
      { provider, keyId: key.keyId, err: { name: (error as Error)?.name, code: (error as BYOKError)?.code } },
      'usage could not be recorded',
    );
  }
}

const PROVIDER_SIDE = new Set(['rate_limited', 'outage', 'timeout', 'network_error']);

/**
 * The chain reached the application's key, which this caller did not allow: the same error the
 * core raises when the chain runs out (PROVIDER_UNAVAILABLE when every user key failed on the
 * provider's side), with the user keys' failures as details and the last one as cause.
 */
function systemKeyNotAllowed(
  provider: ProviderType,
  failures: { keyId: string; error: unknown }[],
): BYOKError {
  const name = getProvider(provider).displayName;
  const attempts = failures.map(({ keyId, error }) => {
    const failure = classifyProviderFailure(error, provider);
    return { keyId, outcome: failure?.outcome ?? 'unexpected', statusCode: failure?.statusCode };
  });
  const last = failures.at(-1)?.error;
  const providerSide = attempts.length > 0 && attempts.every((a) => PROVIDER_SIDE.has(a.outcome));
  const message =
    attempts.length === 0
      ? `No usable ${name} key for this user (the application's key is not allowed here: fallbackToSystem is false)`
      : `${name} call failed with every key of this user (${attempts.map((a) => a.outcome).join(', ')}); the application's key is not allowed here`;
  return new BYOKError(providerSide ? 'PROVIDER_UNAVAILABLE' : 'NO_KEY_AVAILABLE', message, {
    details: { provider, attempts },
    ...(last === undefined ? {} : { cause: last }),
  });
}

function combinedSignal(timeoutMs: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

async function readJson(provider: ProviderType, response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ProviderCallError(
      `${getProvider(provider).displayName} answered with a body that is not JSON`,
      {
        provider,
        statusCode: response.status,
        outcome: 'unexpected',
        cause,
      },
    );
  }
}

/** A 2xx answer whose shape we cannot read: not the key's fault, so it is not worth another key. */
export function unexpectedAnswer(provider: ProviderType, what: string): ProviderCallError {
  return new ProviderCallError(`${getProvider(provider).displayName} answered without ${what}`, {
    provider,
    statusCode: 200,
    outcome: 'unexpected',
  });
}

/** The user id of an owner argument; integrations act for users. */
export function userIdOf(userId: unknown): string {
  if (typeof userId !== 'string' || userId.trim() === '' || userId.length > 255) {
    throw new BYOKError('INVALID_INPUT', 'userId must be a non-empty string of at most 255 characters', {
      details: { field: 'userId' },
    });
  }
  return userId;
}

const INSPECT = inspect.custom;

/**
 * Makes `secretFields` of `target` non-enumerable and gives it `toJSON` and `util.inspect` views
 * that show the masked hint instead, so that logging a config never prints the credential.
 */
export function maskSecrets<T extends object>(
  target: T,
  provider: ProviderType,
  keyData: KeyData,
  secretFields: readonly (keyof T & string)[],
): T {
  const hint = maskKeyData(provider, keyData);
  for (const field of secretFields) {
    Object.defineProperty(target, field, {
      value: target[field],
      enumerable: false,
      writable: false,
      configurable: false,
    });
  }
  const view = (): Record<string, unknown> => {
    const shown: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(target)) if (typeof value !== 'function') shown[name] = value;
    for (const field of secretFields) shown[field] = hint;
    return shown;
  };
  Object.defineProperty(target, 'toJSON', { value: view, enumerable: false });
  Object.defineProperty(target, INSPECT, {
    value: (_depth: number, opts: object, inspectFn: typeof inspect = inspect) => inspectFn(view(), opts),
    enumerable: false,
  });
  return target;
}

/** Non-negative integer of a provider-reported count; anything else is 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
