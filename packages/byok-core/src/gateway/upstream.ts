import type { BaseUrlOverrides, KeyData } from '../providers/index.js';
import { ProviderType, resolveBaseUrl } from '../providers/index.js';

export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * The OpenAI-compatible base of each provider (where `/chat/completions` lives): OpenAI `/v1`,
 * DeepSeek `/v1`, OpenRouter `/api/v1`, Gemini `/v1beta/openai`, Anthropic's OpenAI SDK
 * compatibility `/v1`. Resolved from the same base-URL overrides as everything else.
 */
export function openAICompatibleBase(provider: ProviderType, overrides?: BaseUrlOverrides): string {
  const base = resolveBaseUrl(provider, overrides);
  switch (provider) {
    case ProviderType.OPENAI:
    case ProviderType.OPENROUTER:
      return base;
    case ProviderType.DEEPSEEK:
    case ProviderType.ANTHROPIC:
      return `${base}/v1`;
    case ProviderType.GEMINI:
      return `${base}/v1beta/openai`;
    default:
      return base;
  }
}

/** Headers that carry the owner's key to an OpenAI-compatible API. */
export function openAIAuthHeaders(provider: ProviderType, keyData: KeyData): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${keyData.apiKey ?? ''}` };
  if (provider === ProviderType.OPENAI) {
    if (keyData.organization) headers['openai-organization'] = keyData.organization;
    if (keyData.project) headers['openai-project'] = keyData.project;
  }
  return headers;
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
