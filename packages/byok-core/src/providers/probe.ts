import { invalidInput } from '../errors/index.js';
import { classification, parseBody, scrubSecrets } from './classify-common.js';
import { getProvider, parseKeyData, secretValues } from './index.js';
import type { Classification, KeyData, ProviderType } from './types.js';

export interface ProbeOptions {
  /** Provider base URL without trailing slash (see `resolveBaseUrl`). */
  baseUrl: string;
  /** Hard limit for the whole exchange, headers and body, in milliseconds. */
  timeoutMs: number;
  /** Injected fetch (tests, proxies); defaults to the global one. */
  fetch?: typeof fetch;
}

export type ProbeResult = Classification & { responseTimeMs: number };

/**
 * Sends the provider's cheapest authenticated request with `keyData` and classifies the answer.
 * Never throws for provider or network trouble: a server that never answers (or never finishes its
 * body) costs at most `timeoutMs` and gives `timeout`; refused connections and DNS failures give
 * `network_error`. The returned message never contains a secret of `keyData`, even when the
 * provider echoes the key back.
 * @throws BYOKError `INVALID_INPUT` / `INVALID_KEY_FORMAT` when `keyData` is not a credential of `provider`.
 * @example
 * const result = await probeKey(ProviderType.OPENAI, { apiKey }, { baseUrl: resolveBaseUrl(ProviderType.OPENAI), timeoutMs: 5000 });
 * if (result.outcome === 'invalid_key') …
 */
export async function probeKey(
  provider: ProviderType,
  keyData: KeyData,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) {
    throw invalidInput('timeoutMs must be a positive number of milliseconds', { field: 'timeoutMs' });
  }
  const definition = getProvider(provider);
  const credential = parseKeyData(provider, keyData);
  const secrets = [...new Set([...secretValues(provider, credential), ...secretValues(provider, keyData)])];
  const request = definition.buildValidationRequest(credential, opts.baseUrl);
  const fetchImpl = opts.fetch ?? fetch;
  // One signal for connect, headers and body: a body that never finishes is cut off too.
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const started = performance.now();
  let result: Classification;
  try {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && { body: request.body }),
      signal,
      // Never follow redirects: fetch drops `Authorization` across origins but would forward
      // `x-api-key` / `x-goog-api-key` to wherever the redirect points.
      redirect: 'manual',
    });
    const text = await response.text();
    result = definition.classifyResponse(response.status, response.headers, parseBody(text));
  } catch (error) {
    result = signal.aborted
      ? classification(definition.displayName, 'timeout', {
          providerMessage: `no complete answer within ${opts.timeoutMs} ms`,
        })
      : networkError(definition.displayName, error);
  }
  const responseTimeMs = Math.round(performance.now() - started);
  return { ...result, message: scrubSecrets(result.message, secrets), responseTimeMs };
}

function networkError(providerName: string, error: unknown): Classification {
  const code = networkErrorCode(error);
  return classification(
    providerName,
    'network_error',
    code ? { providerCode: code, providerMessage: code } : {},
  );
}

/** The system error code behind a failed fetch (`ECONNREFUSED`, `ENOTFOUND`…), never its message. */
function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
