import type { BaseUrlOverrides, KeyData } from '../providers/index.js';
import { getProvider, type ProviderType, resolveBaseUrl } from '../providers/index.js';

export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * The OpenAI-compatible base of a provider (where `/chat/completions` lives), from its definition
 * (OpenAI `/v1`, Anthropic `/v1`, Gemini `/v1beta/openai`, …). Resolved from the same base-URL
 * overrides as everything else.
 */
export function openAICompatibleBase(provider: ProviderType, overrides?: BaseUrlOverrides): string {
  const base = resolveBaseUrl(provider, overrides);
  return `${base}${getProvider(provider).openAICompatible?.path ?? ''}`;
}

/** Headers that carry the owner's key to an OpenAI-compatible API (plus settings such as OpenAI's project). */
export function openAIAuthHeaders(provider: ProviderType, keyData: KeyData): Record<string, string> {
  const extra = getProvider(provider).openAICompatible?.extraHeaders?.(keyData) ?? {};
  return { authorization: `Bearer ${keyData.apiKey ?? ''}`, ...extra };
}

/** Response headers worth passing back (after scrubbing); hop-by-hop and encoding ones never are. */
export const PASSED_RESPONSE_HEADERS = [
  'content-type',
  'x-request-id',
  'request-id',
  'openai-processing-ms',
  'openai-version',
  'retry-after',
  'retry-after-ms',
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
  'anthropic-ratelimit-requests-limit',
  'anthropic-ratelimit-requests-remaining',
  'anthropic-ratelimit-requests-reset',
  'anthropic-ratelimit-tokens-limit',
  'anthropic-ratelimit-tokens-remaining',
  'anthropic-ratelimit-tokens-reset',
] as const;
