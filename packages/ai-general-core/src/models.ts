import { createAnthropic } from '@ai-sdk/anthropic';
import { createDeepSeek } from '@ai-sdk/deepseek';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { type AIKeyHandle, type AIProviderType, BYOKError, listProviders } from '@stack-2025/byok-core';
import type { EmbeddingModel, LanguageModel } from 'ai';

/**
 * BYOK base URLs are the providers' roots as byok-core's registry knows them; the AI SDK wants the
 * versioned API root. The native SDKs below need these suffixes (Anthropic `/v1`, Gemini `/v1beta`);
 * every other provider is reached at its OpenAI-compatible path from its definition.
 */
const NATIVE_SDK_PATH: Partial<Record<AIProviderType, string>> = { anthropic: '/v1', gemini: '/v1beta' };

/** Default embedding models, from the provider definitions; providers without an embeddings API are absent. */
export const DEFAULT_EMBEDDING_MODELS: Partial<Record<AIProviderType, string>> = Object.fromEntries(
  listProviders().flatMap((provider) => {
    const model = provider.openAICompatible?.defaultEmbeddingModel;
    return model === undefined ? [] : [[provider.id, model]];
  }),
);

/** The provider's OpenAI-compatible API, or undefined (also for a name that is no provider). */
const compatibleApi = (provider: string) =>
  listProviders().find((definition) => definition.id === provider)?.openAICompatible;

const sdkBase = (provider: AIProviderType, key: AIKeyHandle): string =>
  `${key.baseURL}${NATIVE_SDK_PATH[provider] ?? compatibleApi(provider)?.path ?? ''}`;

/** An OpenAI-compatible provider (OpenRouter and the like) for one key, named after the provider. */
const openAICompatible = (provider: AIProviderType, key: AIKeyHandle, baseURL: string) =>
  createOpenAI({ apiKey: key.apiKey, baseURL, name: provider });

/** OpenAI's provider for one key, with its organization and project when the key has them. */
function openAI(key: AIKeyHandle, baseURL: string | undefined) {
  return createOpenAI({
    apiKey: key.apiKey,
    baseURL,
    ...(key.organization ? { organization: key.organization } : {}),
    ...(key.project ? { project: key.project } : {}),
  });
}

/** The AI SDK chat model for one provider and one key (a fresh provider instance per key: keys never mix). */
export function chatModel(provider: AIProviderType, key: AIKeyHandle, modelId: string): LanguageModel {
  const baseURL = sdkBase(provider, key);
  switch (provider) {
    case 'openai':
      return openAI(key, baseURL).chat(modelId);
    case 'anthropic':
      return createAnthropic({ apiKey: key.apiKey, baseURL })(modelId);
    case 'gemini':
      return createGoogleGenerativeAI({ apiKey: key.apiKey, baseURL })(modelId);
    case 'deepseek':
      return createDeepSeek({ apiKey: key.apiKey, baseURL })(modelId);
    default:
      if (compatibleApi(provider) === undefined) {
        throw new BYOKError('INVALID_INPUT', `${String(provider)} is not a chat provider`);
      }
      return openAICompatible(provider, key, baseURL).chat(modelId);
  }
}

/** The AI SDK embedding model, or undefined for a provider without embeddings. */
export function embeddingModel(
  provider: AIProviderType,
  key: AIKeyHandle,
  modelId: string,
): EmbeddingModel | undefined {
  const baseURL = sdkBase(provider, key);
  switch (provider) {
    case 'openai':
      return openAI(key, baseURL).embedding(modelId);
    case 'gemini':
      return createGoogleGenerativeAI({ apiKey: key.apiKey, baseURL }).embedding(modelId);
    default:
      if (DEFAULT_EMBEDDING_MODELS[provider] === undefined) return undefined;
      return openAICompatible(provider, key, baseURL).embedding(modelId);
  }
}
