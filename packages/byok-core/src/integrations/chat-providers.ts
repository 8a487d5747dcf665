import {
  getProvider,
  type KeyData,
  listProviders,
  type OpenAICompatibleApi,
  ProviderType,
} from '../providers/index.js';
import { type CallUsage, count, type ProviderHttpRequest, unexpectedAnswer } from './call.js';
import type { AIProviderType, ChatMessage } from './types.js';

/** A chat request after defaults are applied. */
export interface ChatRequest {
  messages: ChatMessage[];
  model: string;
  maxTokens: number | undefined;
}

/** One provider's chat API: how to ask, and how to read the answer and its usage. */
export interface ChatDialect {
  defaultModel: string;
  /** Builds the request; the key goes in a header, never in the URL. */
  build(baseUrl: string, keyData: KeyData, request: ChatRequest): ProviderHttpRequest;
  parse(body: unknown, request: ChatRequest): { text: string; model: string; usage: CallUsage };
}

const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires `max_tokens`; this is what we send when the caller gives none. */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

const json = { 'content-type': 'application/json', accept: 'application/json' };

type Json = Record<string, unknown>;
const rec = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** `inputTokens` includes the cached ones; a provider's odd numbers never make cached > input. */
function usageOf(
  model: string,
  inputTokens: number,
  outputTokens: number,
  cachedTokens: number,
  costUsd?: number,
): CallUsage {
  return {
    model,
    inputTokens,
    outputTokens,
    cachedTokens: Math.min(cachedTokens, inputTokens),
    ...(costUsd !== undefined ? { costUsd } : {}),
  };
}

/** OpenAI Chat Completions, spoken by every provider whose definition has an OpenAI-compatible API. */
function openAICompatible(provider: ProviderType, api: OpenAICompatibleApi): ChatDialect {
  return {
    defaultModel: api.defaultChatModel,
    build(baseUrl, keyData, request) {
      const headers: Record<string, string> = {
        ...json,
        authorization: `Bearer ${keyData.apiKey ?? ''}`,
        ...api.extraHeaders?.(keyData),
      };
      const body: Json = { model: request.model, messages: request.messages };
      // OpenAI deprecated `max_tokens` for `max_completion_tokens` (reasoning models refuse the old one).
      if (request.maxTokens !== undefined) body[api.maxTokensField ?? 'max_tokens'] = request.maxTokens;
      return { url: `${baseUrl}${api.path}/chat/completions`, headers, body: JSON.stringify(body) };
    },
    parse(body, request) {
      const root = rec(body);
      const choices = Array.isArray(root?.choices) ? root.choices : [];
      const content = rec(rec(choices[0])?.message)?.content;
      if (typeof content !== 'string') throw unexpectedAnswer(provider, 'a message');
      const model = str(root?.model) ?? request.model;
      const u = rec(root?.usage);
      // DeepSeek reports its cache hits on their own; the others in `prompt_tokens_details`.
      const cached =
        typeof u?.prompt_cache_hit_tokens === 'number'
          ? count(u.prompt_cache_hit_tokens)
          : count(rec(u?.prompt_tokens_details)?.cached_tokens);
      // OpenRouter reports what it charged (credits, 1 credit = 1 USD) on every answer.
      const cost = typeof u?.cost === 'number' && u.cost >= 0 ? u.cost : undefined;
      return {
        text: content,
        model,
        usage: usageOf(model, count(u?.prompt_tokens), count(u?.completion_tokens), cached, cost),
      };
    },
  };
}

const anthropic: ChatDialect = {
  defaultModel: 'claude-haiku-5-5',
  build(baseUrl, keyData, request) {
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
    const body: Json = {
      model: request.model,
      max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages: request.messages
        .filter((m) => m.role !== 'system')
        .map((m) => ({ role: m.role, content: m.content })),
    };
    if (system.length > 0) body.system = system.join('\n\n');
    return {
      url: `${baseUrl}/v1/messages`,
      headers: { ...json, 'x-api-key': keyData.apiKey ?? '', 'anthropic-version': ANTHROPIC_VERSION },
      body: JSON.stringify(body),
    };
  },
  parse(body, request) {
    const root = rec(body);
    if (!Array.isArray(root?.content)) throw unexpectedAnswer(ProviderType.ANTHROPIC, 'content');
    const text = root.content
      .map((block) => rec(block))
      .filter((block) => block?.type === 'text')
      .map((block) => str(block?.text) ?? '')
      .join('');
    const model = str(root.model) ?? request.model;
    const u = rec(root.usage);
    const cacheRead = count(u?.cache_read_input_tokens);
    // Anthropic's input_tokens excludes cache reads and writes; the library counts all input.
    const input = count(u?.input_tokens) + cacheRead + count(u?.cache_creation_input_tokens);
    return { text, model, usage: usageOf(model, input, count(u?.output_tokens), cacheRead) };
  },
};

const gemini: ChatDialect = {
  defaultModel: 'gemini-3.8-flash',
  build(baseUrl, keyData, request) {
    const system = request.messages.filter((m) => m.role === 'system').map((m) => ({ text: m.content }));
    const body: Json = {
      contents: request.messages
        .filter((m) => m.role !== 'system')
        .map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] })),
    };
    if (system.length > 0) body.systemInstruction = { parts: system };
    if (request.maxTokens !== undefined) body.generationConfig = { maxOutputTokens: request.maxTokens };
    const model = encodeURIComponent(request.model.replace(/^models\//, ''));
    return {
      // The key goes in x-goog-api-key, never in `?key=`: URLs end up in logs, proxies and traces.
      url: `${baseUrl}/v1beta/models/${model}:generateContent`,
      headers: { ...json, 'x-goog-api-key': keyData.apiKey ?? '' },
      body: JSON.stringify(body),
    };
  },
  parse(body, request) {
    const root = rec(body);
    const candidates = Array.isArray(root?.candidates) ? root.candidates : undefined;
    if (!candidates) throw unexpectedAnswer(ProviderType.GEMINI, 'candidates');
    const parts = rec(rec(candidates[0])?.content)?.parts;
    const text = (Array.isArray(parts) ? parts : [])
      .map((part) => rec(part))
      .filter((part) => part?.thought !== true)
      .map((part) => str(part?.text) ?? '')
      .join('');
    const model = str(root?.modelVersion) ?? request.model;
    const u = rec(root?.usageMetadata);
    // Thinking tokens are billed as output; tool-use prompt tokens are input.
    const input = count(u?.promptTokenCount) + count(u?.toolUsePromptTokenCount);
    const output = count(u?.candidatesTokenCount) + count(u?.thoughtsTokenCount);
    return { text, model, usage: usageOf(model, input, output, count(u?.cachedContentTokenCount)) };
  },
};

/** Providers with a chat API of their own; every other AI provider speaks OpenAI's dialect. */
const NATIVE_DIALECTS: Partial<Record<ProviderType, ChatDialect>> = {
  [ProviderType.ANTHROPIC]: anthropic,
  [ProviderType.GEMINI]: gemini,
};

/** The chat providers, in the default preference order (`ProviderType` order). */
export const AI_PROVIDERS: readonly AIProviderType[] = listProviders()
  .filter((p) => p.category === 'ai' && (NATIVE_DIALECTS[p.id] ?? p.openAICompatible) !== undefined)
  .map((p) => p.id as AIProviderType);

export const CHAT_DIALECTS: Readonly<Record<AIProviderType, ChatDialect>> = Object.fromEntries(
  AI_PROVIDERS.map((id) => {
    const api = getProvider(id).openAICompatible;
    return [id, NATIVE_DIALECTS[id] ?? openAICompatible(id, api as OpenAICompatibleApi)];
  }),
) as Record<AIProviderType, ChatDialect>;
