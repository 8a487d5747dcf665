import { AISDKError, APICallError } from 'ai';
import { isBYOKError } from '../errors/index.js';
import { classifyProviderFailure, ProviderCallError } from '../fallback/index.js';
import { getProvider, type ProviderType } from '../providers/index.js';

/** `text` with every occurrence of each secret replaced, so that a provider's echo of a key goes nowhere. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * What an AI SDK call threw, as the fallback chain reads it: a `ProviderCallError` classified by
 * the provider's own rules (status, Retry-After, its error body), with the key scrubbed from the
 * message. The SDK's error is never kept as `cause`: it carries the response body (which may echo
 * the key) and the request body. Aborts and our own errors are returned as they are.
 */
export function sdkFailure(error: unknown, provider: ProviderType, secrets: readonly string[]): unknown {
  if (isBYOKError(error) || ProviderCallError.isInstance(error) || !AISDKError.isInstance(error))
    return error;
  const name = getProvider(provider).displayName;
  if (APICallError.isInstance(error) && error.statusCode !== undefined) {
    if (error.statusCode >= 200 && error.statusCode < 300) {
      // A 2xx answer we cannot read (not JSON, another shape): not the key's fault.
      return new ProviderCallError(`${name} answered with a body that could not be read`, {
        provider,
        statusCode: error.statusCode,
        outcome: 'unexpected',
      });
    }
    return ProviderCallError.fromResponse(
      provider,
      error.statusCode,
      error.responseHeaders,
      parseBody(error.responseBody),
      { secrets },
    );
  }
  const classified = classifyProviderFailure(error, provider);
  if (classified !== undefined) {
    // A network failure or a timeout: the fetch error below the SDK's carries no secret.
    return new ProviderCallError(scrub(error.message, secrets), {
      provider,
      ...classified,
      cause: error.cause,
    });
  }
  if (APICallError.isInstance(error)) {
    // The request failed without an answer for another reason (a redirect, which is refused).
    return new ProviderCallError(`${name} could not be called: ${scrub(error.message, secrets)}`, {
      provider,
      outcome: 'unexpected',
      cause: error.cause,
    });
  }
  // The SDK could not read a 2xx answer (no content, an unknown shape). Its message quotes the
  // answer, which may hold anything: only the error's name is kept.
  return new ProviderCallError(`${name} answered with something unexpected (${error.name})`, {
    provider,
    statusCode: 200,
    outcome: 'unexpected',
  });
}
