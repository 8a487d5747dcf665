import type { AIProviderType, ChatMessage, FallbackAttempt } from '@stack-2025/byok-core';

export type { ChatMessage } from '@stack-2025/byok-core';

/** A chat request: a plain user message, or messages with options. */
export type ChatInput =
  | string
  | {
      messages: ChatMessage[];
      /** Only this provider (no fallback to others). */
      provider?: AIProviderType | `${AIProviderType}`;
      /** Model id; default: each provider's `defaultModel` from the config. Used only with one provider. */
      model?: string;
      maxOutputTokens?: number;
      temperature?: number;
    };

export interface CallOptions {
  signal?: AbortSignal;
  /** Limit of one provider attempt in ms (for a stream: of the whole stream). Default: the config's. */
  timeoutMs?: number;
}

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache. */
  cachedTokens: number;
}

/** One provider the router tried before the one that answered (or all of them, in an error's details). */
export interface ProviderFailure {
  provider: AIProviderType;
  /** `BYOKError` code or `ProviderCallError` outcome. */
  code: string;
}

/** Who served a call. */
export interface Served {
  provider: AIProviderType;
  model: string;
  /** The key that served: a `key_…` id, or `'system'` for the application's key. */
  keyId: string;
  wasSystemFallback: boolean;
  /** Keys tried at the serving provider (the last one served). */
  attempts: FallbackAttempt[];
  /** Providers that failed first, in order. */
  skippedProviders: ProviderFailure[];
}

export interface ChatResult extends Served {
  text: string;
  usage: ChatUsage;
}

export interface ChatStream extends Served, AsyncIterable<string> {
  /** The answer's text pieces as they arrive (also: `for await (const piece of stream)`). Read once. */
  textStream: AsyncIterable<string>;
  /** The whole text, once the stream ends. */
  text: Promise<string>;
  /** Usage once the stream ends (recorded into BYOK then). */
  usage: Promise<ChatUsage>;
}

export interface EmbedOptions extends CallOptions {
  /** Only this provider. Default: the config's providers that have an embeddings API, in order. */
  provider?: AIProviderType | `${AIProviderType}`;
  /** Embedding model; default per provider (`text-embedding-3-small`, `gemini-embedding-001`). */
  model?: string;
}

export interface EmbedResult extends Served {
  /** One vector per input, in order. */
  embeddings: number[][];
  usage: { inputTokens: number };
}

export interface AIRouterOptions {
  /** Embedding model per provider, overriding the defaults. */
  embeddingModels?: Partial<Record<AIProviderType, string>>;
  /** Try the next configured provider when one fails. Default true. */
  fallbackAcrossProviders?: boolean;
}
