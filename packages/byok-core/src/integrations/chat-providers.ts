import { createAnthropic } from '@ai-sdk/anthropic';
import { createDeepSeek } from '@ai-sdk/deepseek';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModel, LanguageModelUsage } from 'ai';
import { BYOKError } from '../errors/index.js';
import { getProvider, type KeyData, listProviders, ProviderType } from '../providers/index.js';
import { type CallUsage, count } from './call.js';
import type { AIProviderType } from './types.js';

/**
 * Providers served by an AI SDK provider of their own, and the path of its API under the
 * provider's base URL; every other chat provider is reached at its OpenAI-compatible API.
 */
const NATIVE_API_PATH: Partial<Record<ProviderType, string>> = {
  [ProviderType.ANTHROPIC]: '/v1',
  [ProviderType.GEMINI]: '/v1beta',
};

/** Anthropic requires an output limit; this is what we send when the caller gives none. */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/** The chat providers, in the default preference order (`ProviderType` order). */
export const AI_PROVIDERS: readonly AIProviderType[] = listProviders()
  .filter((p) => p.category === 'ai' && (NATIVE_API_PATH[p.id] !== undefined || p.openAICompatible))
  .map((p) => p.id as AIProviderType);

/** The built-in default chat model of a provider. */
export function defaultChatModel(provider: AIProviderType): string {
  const model = getProvider(provider).openAICompatible?.defaultChatModel;
  if (model === undefined) throw new BYOKError('INTERNAL_ERROR', `${provider} has no default chat model`);
  return model;
}

/** The output limit sent when the caller gives none (undefined: the provider's own default). */
export function defaultMaxTokens(provider: AIProviderType): number | undefined {
  return provider === ProviderType.ANTHROPIC ? ANTHROPIC_DEFAULT_MAX_TOKENS : undefined;
}

/** Redirects are refused: a key header must never follow one to another host. */
const noRedirects: typeof fetch = (input, init) => fetch(input, { ...init, redirect: 'error' });

/**
 * The AI SDK chat model of one provider for one key, made per call (keys never share an
 * instance). The key goes in the provider's auth header, never in the URL.
 */
export function chatModel(
  provider: AIProviderType,
  baseUrl: string,
  keyData: KeyData,
  modelId: string,
): LanguageModel {
  const apiKey = keyData.apiKey ?? '';
  const api = getProvider(provider).openAICompatible;
  const settings = {
    apiKey,
    baseURL: `${baseUrl}${NATIVE_API_PATH[provider] ?? api?.path ?? ''}`,
    fetch: noRedirects,
  };
  switch (provider) {
    case ProviderType.ANTHROPIC:
      return createAnthropic(settings)(modelId);
    case ProviderType.GEMINI:
      return createGoogleGenerativeAI(settings)(modelId);
    case ProviderType.DEEPSEEK:
      return createDeepSeek(settings)(modelId);
    default: {
      // OpenAI, and every other provider that speaks its Chat Completions API (from its definition).
      const headers = api?.extraHeaders?.(keyData);
      return createOpenAI({ ...settings, name: provider, ...(headers ? { headers } : {}) }).chat(modelId);
    }
  }
}

type Json = Record<string, unknown>;
const rec = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/**
 * The usage of one answer in the library's convention: `inputTokens` includes the cached ones
 * (Anthropic's cache reads and writes too), output includes thinking tokens, and a provider's odd
 * numbers never make cached > input. `costUsd` is what the provider charged when it says
 * (OpenRouter's `usage.cost`, in credits: 1 credit = 1 USD).
 */
export function chatUsage(model: string, usage: LanguageModelUsage, rawBody: unknown): CallUsage {
  const inputTokens = count(usage.inputTokens);
  const cached = count(usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens);
  const cost = rec(rec(rawBody)?.usage)?.cost;
  return {
    model,
    inputTokens,
    outputTokens: count(usage.outputTokens),
    cachedTokens: Math.min(cached, inputTokens),
    ...(typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? { costUsd: cost } : {}),
  };
}
