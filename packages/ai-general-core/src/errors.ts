import {
  type AIProviderType,
  BYOKError,
  classifyProviderFailure,
  isBYOKError,
  ProviderCallError,
} from '@stack-2025/byok-core';

/** `text` with every occurrence of each secret replaced, so a provider's echo of a key goes nowhere. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/**
 * An AI SDK failure as byok-core's classified `ProviderCallError` (status, retryability,
 * Retry-After, the provider's own reading of its error body), with the key scrubbed from the
 * message. The SDK's error is not kept as `cause`: its message and body may echo the key.
 */
export function toProviderError(
  error: unknown,
  provider: AIProviderType,
  secrets: readonly string[],
): unknown {
  if (isBYOKError(error) || ProviderCallError.isInstance(error)) return error;
  const classified = classifyProviderFailure(error, provider);
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderCallError(scrub(message, secrets), {
    provider,
    ...(classified ?? { outcome: 'unexpected' as const }),
  });
}

/** Every provider the router tried failed (or had no key): the last failure is the cause. */
export function allProvidersFailed(failures: { provider: AIProviderType; error: unknown }[]): BYOKError {
  const summary = failures
    .map(({ provider, error }) => `${provider}: ${error instanceof Error ? error.message : String(error)}`)
    .join('; ');
  const noKey = failures.every(({ error }) => isBYOKError(error) && error.code === 'NO_KEY_AVAILABLE');
  return new BYOKError(
    noKey ? 'NO_KEY_AVAILABLE' : 'PROVIDER_UNAVAILABLE',
    failures.length === 0
      ? 'No AI provider is configured for this user'
      : `Every AI provider failed (${summary})`,
    {
      details: { providers: failures.map(({ provider, error }) => ({ provider, code: codeOf(error) })) },
      ...(failures.length > 0 ? { cause: failures.at(-1)?.error } : {}),
    },
  );
}

/** What a failure is called in `skippedProviders` and error details: a `ProviderCallError`'s outcome, else its code. */
export function codeOf(error: unknown): string {
  // A ProviderCallError is also a BYOKError; its outcome says more than its code.
  const outcome = (error as { outcome?: unknown } | null)?.outcome;
  if (typeof outcome === 'string') return outcome;
  if (isBYOKError(error)) return error.code;
  return 'unexpected';
}
