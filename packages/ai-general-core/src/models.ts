import { createAnthropic } from '@ai-sdk/anthropic';
import { createDeepSeek } from '@ai-sdk/deepseek';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { type AIKeyHandle, type AIProviderType, BYOKError } from '@stack-2025/byok-core';
import type { EmbeddingModel, LanguageModel } from 'ai';

/**
 * BYOK base URLs are the providers' roots as byok-core's registry knows them; the AI SDK wants the
 * versioned API root. These suffixes bridge the two (Anthropic `/v1`, Gemini `/v1beta`).
 */
const SDK_PATH: Record<AIProviderType, string> = {
  openai: '',
  anthropic: '/v1',
  gemini: '/v1beta',
  deepseek: '',
  openrouter: '',
};

/** Default embedding models; providers without an embeddings API are absent. */
export const DEFAULT_EMBEDDING_MODELS: Partial<Record<AIProviderType, string>> = {
  openai: 'text-embedding-3-small',
  gemini: 'gemini-embedding-001',
  openrouter: 'openai/text-embedding-3-small',
};

const sdkBase = (provider: AIProviderType, key: AIKeyHandle): string => `${key.baseURL}${SDK_PATH[provider]}`;

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
    case 'openrouter':
      // OpenRouter speaks OpenAI's chat-completions dialect.
      return createOpenAI({ apiKey: key.apiKey, baseURL, name: 'openrouter' }).chat(modelId);
    default:
      throw new BYOKError('INVALID_INPUT', `${String(provider)} is not a chat provider`);
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
    case 'openrouter':
      return createOpenAI({ apiKey: key.apiKey, baseURL, name: 'openrouter' }).embedding(modelId);
    default:
      return undefined;
  }
}
