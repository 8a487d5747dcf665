import { BYOKError, type ErrorCode, isBYOKError } from '../errors/index.js';
import { isRetryableOutcome, outcomeForStatus, parseBody, scrubSecrets } from './classify-common.js';
import { getProvider, isProviderType } from './index.js';
import { retryAfterMsFromHeaders } from './retry-after.js';
import type { Classification, ProviderOutcome, ProviderType } from './types.js';

const MARKER = Symbol.for('@stack-2025/byok-core/provider-call-error');

export interface ProviderCallErrorOptions {
  provider?: ProviderType | `${ProviderType}` | undefined;
  /** HTTP status of the provider's answer; absent for timeouts and network errors. */
  statusCode?: number | undefined;
  /** What the failure says about the key; derived from `statusCode` when omitted. */
  outcome?: ProviderOutcome | undefined;
  /** Whether the same key may work later; derived from `outcome` when omitted (never true for billing). */
  isRetryable?: boolean | undefined;
  /** How long the provider asked to wait (Retry-After). */
  retryAfterMs?: number | undefined;
  /** The provider's own error code (`invalid_api_key`, `20003`), never secret. */
  providerCode?: string | undefined;
  cause?: unknown;
}

/** The library error code of a provider failure: the provider is down or unreachable, or it refused. */
function codeForOutcome(outcome: ProviderOutcome): ErrorCode {
  return outcome === 'outage' || outcome === 'timeout' || outcome === 'network_error'
    ? 'PROVIDER_UNAVAILABLE'
    : 'UPSTREAM_ERROR';
}

/**
 * A failed provider call, classified once (vercel/ai's `APICallError` habit): integrations throw
 * it from the function given to `executeWithFallback`, which reads `outcome`, `isRetryable` and
 * `retryAfterMs` — never the message — to decide whether to try the next key and how long to park
 * this one. The message never contains the key: build it with `fromResponse`, or keep secrets out.
 * It is a `BYOKError`: `code` is `PROVIDER_UNAVAILABLE` for outages, timeouts and network errors,
 * `UPSTREAM_ERROR` for every other refusal; `details` carry the provider, status and outcome.
 * @example
 * const response = await fetch(url, { headers: { authorization: `Bearer ${key.keyData.apiKey}` } });
 * if (!response.ok) throw await ProviderCallError.fromFetchResponse('openai', response);
 */
export class ProviderCallError extends BYOKError {
  readonly provider: ProviderType | undefined;
  readonly statusCode: number | undefined;
  readonly outcome: ProviderOutcome;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly providerCode: string | undefined;
  readonly [MARKER] = true;

  constructor(message: string, options: ProviderCallErrorOptions = {}) {
    const provider = isProviderType(options.provider) ? options.provider : undefined;
    const outcome =
      options.outcome ??
      (options.statusCode === undefined ? 'unexpected' : outcomeForStatus(options.statusCode));
    super(codeForOutcome(outcome), message, {
      ...(options.cause !== undefined && { cause: options.cause }),
      details: {
        outcome,
        ...(provider !== undefined && { provider }),
        ...(options.statusCode !== undefined && { statusCode: options.statusCode }),
        ...(options.providerCode !== undefined && { providerCode: options.providerCode }),
      },
    });
    this.name = 'ProviderCallError';
    this.provider = provider;
    this.statusCode = options.statusCode;
    this.outcome = outcome;
    this.isRetryable = options.isRetryable ?? isRetryableOutcome(this.outcome);
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.providerCode;
  }

  /** True for a ProviderCallError, even one made by a second copy of this package. */
  static isInstance(value: unknown): value is ProviderCallError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }

  /**
   * Classifies a provider's answer with that provider's own rules (OpenAI's "insufficient_quota"
   * 429 is billing, Gemini's 400 API_KEY_INVALID is an invalid key, Twilio's 20003 …).
   * `secrets` are scrubbed from the message in case the provider echoes them.
   */
  static fromResponse(
    provider: ProviderType | `${ProviderType}`,
    status: number,
    headers: Headers | Record<string, string> | undefined,
    body: unknown,
    options: { secrets?: readonly string[]; cause?: unknown } = {},
  ): ProviderCallError {
    const definition = getProvider(provider);
    const classification = definition.classifyResponse(status, toHeaders(headers), body);
    return ProviderCallError.fromClassification(definition.id, classification, options);
  }

  /** Reads the body of a failed `fetch` Response and classifies it (see `fromResponse`). */
  static async fromFetchResponse(
    provider: ProviderType | `${ProviderType}`,
    response: Response,
    options: { secrets?: readonly string[] } = {},
  ): Promise<ProviderCallError> {
    const text = await response.text().catch(() => '');
    return ProviderCallError.fromResponse(
      provider,
      response.status,
      response.headers,
      parseBody(text),
      options,
    );
  }

  /** @internal */
  static fromClassification(
    provider: ProviderType,
    classification: Classification,
    options: { secrets?: readonly string[]; cause?: unknown } = {},
  ): ProviderCallError {
    return new ProviderCallError(scrubSecrets(classification.message, options.secrets ?? []), {
      provider,
      statusCode: classification.statusCode,
      outcome: classification.outcome,
      isRetryable: classification.isRetryable,
      retryAfterMs: classification.retryAfterMs,
      providerCode: classification.providerCode,
      cause: options.cause,
    });
  }
}

/** A classified failure: what `executeWithFallback` acts on. */
export interface FailureClassification {
  outcome: ProviderOutcome;
  statusCode?: number;
  isRetryable: boolean;
  retryAfterMs?: number;
}

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * What an error thrown by a provider call means, or undefined when it is not a provider failure
 * (a bug in the caller, a BYOKError): those are rethrown as they are. Understands
 * `ProviderCallError`, errors carrying an HTTP status the way the provider SDKs and vercel/ai
 * shape them (`status`/`statusCode`, `headers`/`responseHeaders`, `error`/`responseBody`, which
 * are classified by the provider's own rules), timeouts and network errors.
 */
export function classifyProviderFailure(
  error: unknown,
  provider: ProviderType | `${ProviderType}`,
): FailureClassification | undefined {
  if (ProviderCallError.isInstance(error)) {
    return compact({
      outcome: error.outcome,
      statusCode: error.statusCode,
      isRetryable: error.isRetryable,
      retryAfterMs: error.retryAfterMs,
    });
  }
  if (typeof error !== 'object' || error === null || isBYOKError(error)) return undefined;
  const e = error as Record<string, unknown>;
  const status = [e.status, e.statusCode].find(
    (value): value is number => typeof value === 'number' && value >= 100 && value <= 599,
  );
  if (status !== undefined) {
    const headers = toHeaders(
      (e.responseHeaders ?? e.headers) as Headers | Record<string, string> | undefined,
    );
    const c = getProvider(provider).classifyResponse(status, headers, sdkBody(e));
    return compact({
      outcome: c.outcome,
      statusCode: status,
      isRetryable: c.isRetryable,
      retryAfterMs: c.retryAfterMs ?? retryAfterMsFromHeaders(headers),
    });
  }
  const codes = errorChain(error);
  if (
    codes.names.some((name) => /timeout/i.test(name)) ||
    codes.codes.some((code) => TIMEOUT_CODES.has(code))
  ) {
    return { outcome: 'timeout', isRetryable: true };
  }
  if (
    codes.codes.some((code) => NETWORK_CODES.has(code)) ||
    codes.names.includes('APIConnectionError') ||
    codes.names.includes('FetchError')
  ) {
    return { outcome: 'network_error', isRetryable: true };
  }
  return undefined;
}

/** The body an SDK error carries: vercel/ai's `responseBody` (text), or the OpenAI/Anthropic SDKs' `error`. */
function sdkBody(e: Record<string, unknown>): unknown {
  if (typeof e.responseBody === 'string') return parseBody(e.responseBody);
  if (e.responseBody !== undefined) return e.responseBody;
  const inner = e.error;
  if (inner === undefined || inner === null) return undefined;
  // The Anthropic SDK keeps the whole body ({ type, error: {…} }); the OpenAI SDK only its `error`.
  if (typeof inner === 'object' && 'error' in inner) return inner;
  return { error: inner };
}

/** Error names and system codes along the `cause` chain (a few levels deep). */
function errorChain(error: unknown): { names: string[]; codes: string[] } {
  const names: string[] = [];
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const record = current as {
      name?: unknown;
      code?: unknown;
      cause?: unknown;
      constructor?: { name?: unknown };
    };
    if (typeof record.name === 'string') names.push(record.name);
    if (typeof record.constructor?.name === 'string') names.push(record.constructor.name);
    if (typeof record.code === 'string') codes.push(record.code);
    current = record.cause;
  }
  return { names, codes };
}

function toHeaders(headers: Headers | Record<string, string> | undefined): Headers {
  if (headers instanceof Headers) return headers;
  const result = new Headers();
  if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string') result.set(name, value);
    }
  }
  return result;
}

function compact(value: {
  outcome: ProviderOutcome;
  statusCode?: number | undefined;
  isRetryable: boolean;
  retryAfterMs?: number | undefined;
}): FailureClassification {
  const result: FailureClassification = { outcome: value.outcome, isRetryable: value.isRetryable };
  if (value.statusCode !== undefined) result.statusCode = value.statusCode;
  if (value.retryAfterMs !== undefined) result.retryAfterMs = value.retryAfterMs;
  return result;
}
