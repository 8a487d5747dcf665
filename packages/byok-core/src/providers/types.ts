import type { z } from 'zod';

/** The providers a key can belong to. Values are the wire names used in the API and the database. */
export enum ProviderType {
  OPENAI = 'openai',
  ANTHROPIC = 'anthropic',
  GEMINI = 'gemini',
  DEEPSEEK = 'deepseek',
  OPENROUTER = 'openrouter',
  DEEPGRAM = 'deepgram',
  TWILIO = 'twilio',
  MISTRAL = 'mistral',
  GROQ = 'groq',
  XAI = 'xai',
}

/** The deployment stage a key is meant for. */
export enum Environment {
  DEVELOPMENT = 'development',
  STAGING = 'staging',
  PRODUCTION = 'production',
}

export type ProviderCategory = 'ai' | 'voice' | 'telephony';

/** A credential as the caller hands it over: field name → secret or setting. */
export type KeyData = Record<string, string>;

/**
 * What the provider's answer to a request means for the key that made it.
 * `rate_limited` and `outage` say nothing about the key itself.
 */
export type ProviderOutcome =
  | 'valid'
  | 'invalid_key'
  | 'revoked'
  | 'permission_denied'
  | 'billing'
  | 'rate_limited'
  | 'outage'
  | 'timeout'
  | 'network_error'
  | 'unexpected';

export interface Classification {
  outcome: ProviderOutcome;
  /** HTTP status of the answer, when there was one. */
  statusCode?: number;
  /** Whether trying the same key again later can succeed (429, 5xx, timeouts). Never true for billing. */
  isRetryable: boolean;
  /** How long the provider asked us to wait, from Retry-After or the body. */
  retryAfterMs?: number;
  /** Provider's own error code or type (`invalid_api_key`, `20003`, …), never secret. */
  providerCode?: string;
  /** A short human message, free of credential material. */
  message: string;
  /** Account balance when the proof request shows it cheaply. */
  balance?: { amount: number; currency: string };
}

/** An outgoing HTTP request description, built by a provider module and sent by the caller. */
export interface ProviderRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** How a provider's OpenAI-compatible API is reached (see {@link ProviderDefinition.openAICompatible}). */
export interface OpenAICompatibleApi {
  /** Appended to the base URL (`''`, `'/v1'`, `'/v1beta/openai'`). */
  path: string;
  /** The chat model used when the caller names none. */
  defaultChatModel: string;
  /** The default embedding model; absent when the provider has no embeddings endpoint. */
  defaultEmbeddingModel?: string;
  /** The request field for the output limit; default `max_tokens` (OpenAI now wants `max_completion_tokens`). */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Headers besides the bearer key that the credential adds (non-secret settings only). */
  extraHeaders?(keyData: KeyData): Record<string, string>;
}

/** One provider: everything the rest of the library needs to know about it. */
export interface ProviderDefinition {
  id: ProviderType;
  displayName: string;
  category: ProviderCategory;
  /** Field names of the credential that are secret (encrypted, masked, redacted). */
  secretFields: readonly string[];
  /** Zod schema of the credential shape; lenient format checks live here. */
  credentialSchema: z.ZodType<KeyData>;
  /**
   * The credential field whose start and last characters make the display hint (`sk-…abcd`).
   * Usually the main secret; Twilio uses the (non-secret) Account SID.
   */
  maskField: string;
  /** Known key prefixes, longest first; the hint shows the first one that matches. */
  keyPrefixes: readonly string[];
  /** Environment variable names the provider's own SDK reads, field → variable. */
  envVars: Readonly<Record<string, string>>;
  /**
   * Environment variables the application's own (system) credential is read from, field → variable
   * (`{ apiKey: 'SYSTEM_OPENAI_KEY' }`). Used by the fallback to system keys.
   */
  systemKeyEnv: Readonly<Record<string, string>>;
  /** Prefixes other tools put in front of this provider's model ids (`openai/…`, `models/…`), for price look-ups. */
  modelPrefixes: readonly string[];
  defaultBaseUrl: string;
  /**
   * Set when the provider speaks OpenAI's chat-completions dialect: where `/chat/completions` lives
   * relative to the base URL, the model used when none is asked for, and any headers beyond
   * `Authorization: Bearer <apiKey>` that the key carries (OpenAI's organization and project).
   */
  openAICompatible?: OpenAICompatibleApi;
  /** The cheapest request that proves the key authenticates. */
  buildValidationRequest(keyData: KeyData, baseUrl: string): ProviderRequest;
  /** Turns any answer of this provider into one outcome. */
  classifyResponse(status: number, headers: Headers, body: unknown): Classification;
}
