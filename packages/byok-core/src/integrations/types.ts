import type { FallbackAttempt } from '../fallback/index.js';
import type { Environment, ProviderType } from '../providers/index.js';

/** The chat providers `createBYOKAIIntegration` configures: every provider but the voice and telephony ones. */
export type AIProviderType = Exclude<ProviderType, ProviderType.DEEPGRAM | ProviderType.TWILIO>;

/** One chat message; `system` messages become Anthropic's `system` and Gemini's `systemInstruction`. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A chat request: a plain user message, or messages with an optional model and output limit. */
export type CompletionInput =
  | string
  | {
      messages: ChatMessage[];
      /** Default: the provider config's `defaultModel`. */
      model?: string;
      /** Most output tokens to generate. Anthropic requires a value: 1,024 when not given. */
      maxTokens?: number;
    };

export interface CompleteOptions {
  /** Return `{ text, usage, keyId, … }` instead of the text alone. */
  includeUsage?: boolean;
  /** Cancels the call (and the fallback to further keys). */
  signal?: AbortSignal;
  /** Limit of one provider call, in ms. Default: the config's `timeoutMs` (60,000). */
  timeoutMs?: number;
}

/** Usage as the provider reported it, in the library's convention (`inputTokens` includes cached ones). */
export interface CompletionUsage {
  inputTokens: number;
  outputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache. */
  cachedTokens: number;
  /** What the provider charged, when it says (OpenRouter `usage.cost`). */
  costUsd?: number;
}

export interface CompletionResult {
  text: string;
  /** The model that answered, as the provider named it. */
  model: string;
  usage: CompletionUsage;
  /** The key that served: a `key_…` id, or `'system'` for the application's own key. */
  keyId: string;
  wasSystemFallback: boolean;
  /** Every call made along the fallback chain; the last one succeeded. */
  attempts: FallbackAttempt[];
  /** Time of the successful provider call, in ms. */
  latencyMs: number;
}

export interface CompleteFunction {
  (input: CompletionInput, options?: CompleteOptions & { includeUsage?: false }): Promise<string>;
  (input: CompletionInput, options: CompleteOptions & { includeUsage: true }): Promise<CompletionResult>;
  (input: CompletionInput, options?: CompleteOptions): Promise<string | CompletionResult>;
}

/** The credential one attempt of `withKey` runs with. Server-side only: `apiKey` is the plaintext key. */
export interface AIKeyHandle {
  apiKey: string;
  /** OpenAI only: sent as `OpenAI-Organization`. */
  organization?: string;
  /** OpenAI only: sent as `OpenAI-Project`. */
  project?: string;
  /** The provider's base URL as configured (no trailing slash). */
  baseURL: string;
  /** A `key_…` id, or `'system'` for the application's own key. */
  keyId: string;
  wasSystemFallback: boolean;
}

/** Usage one attempt reports, recorded against the key that served. */
export interface AIAttemptUsage {
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  costUsd?: number;
}

export interface WithKeyOptions {
  signal?: AbortSignal;
  /** Limit of one attempt in ms. Default: the config's `timeoutMs` (60,000). */
  timeoutMs?: number;
  /** Model recorded for failed attempts. Default: `defaultModel`. */
  model?: string;
}

export interface WithKeyResult<T> {
  result: T;
  keyId: string;
  wasSystemFallback: boolean;
  attempts: FallbackAttempt[];
  latencyMs: number;
  /** Settles once the usage is recorded (for a stream: when it ends). */
  usage: Promise<AIAttemptUsage>;
}

/** One attempt of `withKey`: its result and its usage (a promise when known only later, as for streams). */
export type WithKeyAttempt<T> = (
  key: AIKeyHandle,
  signal: AbortSignal,
) => Promise<{ result: T; usage: AIAttemptUsage | Promise<AIAttemptUsage> }>;

/**
 * One chat provider configured with the user's key. Server-side only: `apiKey` is the plaintext
 * credential (for SDKs that want it). It is not enumerable, and `JSON.stringify`, `util.inspect`
 * and loggers see a masked hint (`sk-…abcd`) instead.
 */
export interface BYOKAIProviderConfig extends AIKeyHandle {
  provider: AIProviderType;
  /** The key picked when the config was made (`'system'` for the application's key). */
  keyId: string;
  defaultModel: string;
  /** Calls the provider's chat API through the fallback chain and records the usage it reports. */
  complete: CompleteFunction;
  /**
   * Runs `attempt` with each key of the user's fallback chain for this provider until one
   * succeeds (an SDK call, say), by the same rules as `complete`, and records the usage each
   * attempt reports (a failed request for each refusal).
   */
  withKey<T>(attempt: WithKeyAttempt<T>, options?: WithKeyOptions): Promise<WithKeyResult<T>>;
}

/** What `createConfigWithBYOK` returns: one entry per chat provider the user has a usable key for. */
export interface BYOKAIConfig {
  userId: string;
  environment: Environment;
  providers: Partial<Record<AIProviderType, BYOKAIProviderConfig>>;
  /** The first configured provider in preference order; null when the user has no usable key. */
  defaultProvider: AIProviderType | null;
}

export interface CreateAIConfigOptions {
  /** Allow the application's own keys (`fallback.systemKeys`, `SYSTEM_*`) where the fallback chain offers them. Default false. */
  fallbackToSystem?: boolean;
  /** Providers to list first, in this order; the other chat providers follow in the default order. */
  preferredProviders?: (AIProviderType | `${AIProviderType}`)[];
  /** Only these providers are looked up (default: every chat provider). */
  providers?: (AIProviderType | `${AIProviderType}`)[];
  /** Default `production`. */
  environment?: Environment | `${Environment}`;
  /** Default model per provider, overriding the built-in ones. */
  models?: Partial<Record<AIProviderType, string>>;
  /** Limit of one provider call in ms. Default 60,000. */
  timeoutMs?: number;
}

/** Deepgram voice-agent settings (the spec's shape; other fields are passed through). */
export interface VoiceAgentOptions {
  listen?: { model?: string; language?: string; [setting: string]: unknown };
  speak?: { model?: string; [setting: string]: unknown };
  think?: Record<string, unknown>;
  fallbackToSystem?: boolean;
  environment?: Environment | `${Environment}`;
  /** Limit of one transcription request in ms. Default 120,000. */
  timeoutMs?: number;
}

export type TranscribeInput = Uint8Array | ArrayBuffer | { url: string };

export interface TranscribeOptions {
  /** Content type of raw audio. Default `application/octet-stream` (Deepgram sniffs the format). */
  mimeType?: string;
  /** Extra query parameters (`smart_format`, `punctuate`, …); `model` defaults to `listen.model`. */
  query?: Record<string, string | number | boolean>;
  signal?: AbortSignal;
}

export interface TranscriptionResult {
  transcript: string;
  /** Audio length in seconds (`metadata.duration`). */
  audioSeconds: number;
  channels: number;
  requestId: string | undefined;
  model: string;
  keyId: string;
  wasSystemFallback: boolean;
  attempts: FallbackAttempt[];
  /** The whole Deepgram answer. */
  raw: unknown;
}

/** A voice-agent configuration built on the user's Deepgram key. Server-side only; `apiKey` is masked like the AI configs'. */
export interface BYOKVoiceAgentConfig {
  userId: string;
  apiKey: string;
  baseUrl: string;
  keyId: string;
  wasSystemFallback: boolean;
  listen: { model: string; [setting: string]: unknown };
  speak: { model: string; [setting: string]: unknown };
  think?: Record<string, unknown>;
  /** Pre-recorded transcription (`POST {baseUrl}/listen`), through the fallback chain, usage recorded. */
  transcribe(audio: TranscribeInput, options?: TranscribeOptions): Promise<TranscriptionResult>;
  /**
   * Records a session run elsewhere on this config's key (a voice-agent websocket) as usage of that
   * key: one request, its audio seconds and duration. Never throws: a failure to record is logged.
   */
  recordSession(session: VoiceSessionUsage): Promise<void>;
}

/** What one voice-agent session used, as `recordSession` records it. */
export interface VoiceSessionUsage {
  /** Seconds of audio sent to the agent. */
  audioSeconds: number;
  /** Wall-clock length of the session, in ms. */
  durationMs?: number;
  /** false when the session ended in an error (counted as a failed request). Default true. */
  success?: boolean;
  /** The listen model; default the config's. */
  model?: string;
}

export type TelephonyCapability = 'voice' | 'sms';

export interface TelephonyClientOptions {
  /** What the client may do; anything else is refused with FORBIDDEN. Default both. */
  capabilities?: TelephonyCapability[];
  fallbackToSystem?: boolean;
  environment?: Environment | `${Environment}`;
  /** Limit of one Twilio request in ms. Default 30,000. */
  timeoutMs?: number;
}

export interface TelephonyResult {
  /** Twilio's `CA…` / `SM…` id. */
  sid: string;
  status: string;
  /** USD charged, when Twilio says (positive; Twilio sends a negative string); null until priced. */
  priceUsd: number | null;
  priceUnit: string | null;
  keyId: string;
  wasSystemFallback: boolean;
  attempts: FallbackAttempt[];
  /** The whole Twilio answer. */
  raw: Record<string, unknown>;
}

/** A Twilio client on the user's credential. */
export interface BYOKTelephonyClient {
  provider: 'twilio';
  accountSid: string;
  capabilities: TelephonyCapability[];
  /** Places a call (`POST /Accounts/{sid}/Calls.json`); `webhookUrl` answers with TwiML. */
  makeCall(from: string, to: string, webhookUrl: string): Promise<TelephonyResult>;
  /** Sends a text (`POST /Accounts/{sid}/Messages.json`). */
  sendSms(from: string, to: string, body: string): Promise<TelephonyResult>;
}
