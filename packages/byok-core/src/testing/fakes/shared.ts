import { randomUUID } from 'node:crypto';
import type { KeyData, ProviderType } from '../../providers/types.js';

// What every fake shares: the public types of the fake server, the answer shapes, and the
// OpenAI-style bodies (chat, streams, embeddings, Responses) that several providers copy.

/**
 * How the fake answers requests made with one key. Default `'ok'`: any well-formed key succeeds.
 * Keys containing a marker behave that way without setup: `invalid`, `revoked`, `forbidden`,
 * `billing`, `ratelimit`, `outage`, `hang` (e.g. `sk-test-invalid-…`).
 */
export type FakeBehavior =
  | 'ok'
  | 'invalid'
  | 'revoked'
  | 'forbidden'
  | 'billing'
  | 'rate_limited'
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | 'outage'
  | { kind: 'slow'; delayMs: number }
  /** Never answers (the socket is destroyed by `close()`). */
  | 'hang'
  /** Closes the connection without answering (a connection error for the caller). */
  | 'drop'
  /** Answers 200 with the request's headers (credentials included) in the body and in `x-request-id`. */
  | 'echo'
  /**
   * Streams (when the request asks for a stream) `chunks` content chunks `intervalMs` apart; with
   * `breakAfter`, cuts the connection after that many chunks.
   */
  | { kind: 'stream'; intervalMs: number; chunks?: number; breakAfter?: number };

export interface RecordedRequest {
  /** The provider whose prefix the path starts with; undefined for an unknown prefix. */
  provider: ProviderType | undefined;
  method: string;
  /** Path and query as received, including the provider prefix (`/openai/models`). */
  path: string;
  /** Lower-case header names; repeated headers joined with `, `. Contains the credentials sent. */
  headers: Record<string, string>;
  body: string;
  /** Set once the connection closed before the answer was complete (the caller went away). */
  closedEarly?: boolean;
  /** For streamed answers: when each event was written (`performance.now()` of this process). */
  writtenAt?: number[];
}

export interface FakeProvidersOptions {
  /** Behaviours to start with, secret → behaviour (same as calling `setBehavior`). */
  behaviors?: Readonly<Record<string, FakeBehavior>>;
}

export interface FakeProviders {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Ready-made base URL overrides: `{ openai: '<url>/openai', anthropic: '<url>/anthropic', … }`. */
  baseUrls: Record<ProviderType, string>;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Forgets recorded requests (behaviours stay). */
  clear(): void;
  /** Sets how requests authenticated by `secret` are answered (for Twilio: the token/secret or a SID). */
  setBehavior(secret: string, behavior: FakeBehavior): void;
  /** Stops the server, destroying open sockets (also hanging ones) and pending slow answers. */
  close(): Promise<void>;
}

/** The usage numbers the fake's usage-bearing answers report, so tests can compare. */
export const FAKE_USAGE = {
  chat: { promptTokens: 12, completionTokens: 7, cachedTokens: 4, reasoningTokens: 0 },
  openrouterCost: 0.000123,
  anthropic: { inputTokens: 11, outputTokens: 9, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
  gemini: {
    promptTokenCount: 10,
    candidatesTokenCount: 6,
    cachedContentTokenCount: 0,
    thoughtsTokenCount: 2,
  },
  deepgram: { duration: 12.5, channels: 1 },
  twilioCall: { price: '-0.03000', priceUnit: 'USD', duration: '42' },
  twilioMessage: { price: '-0.00790', priceUnit: 'USD', numSegments: '1' },
} as const;

export type Failure = 'invalid' | 'revoked' | 'forbidden' | 'billing' | 'rate_limited' | 'outage';

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Server-sent events, written one by one `intervalMs` apart (then `body` is ignored). */
  sse?: { events: string[]; intervalMs: number; breakAfter?: number | undefined };
}

export interface StreamSettings {
  intervalMs: number;
  chunks: number;
  breakAfter?: number | undefined;
}

export interface RequestContext {
  method: string;
  /** Path after the provider prefix, without query (`/models`). */
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string>>;
  body: string;
  requestId: string;
  stream: StreamSettings;
}

export interface Credentials {
  /** The credential as our schema sees it, to decide whether it is well-formed. */
  keyData: KeyData;
  /** Values a behaviour can be keyed by, main secret first. */
  secrets: string[];
}

export type AuthResult = { ok: true; credentials: Credentials } | { ok: false; answer: Answer };

export interface RateLimit {
  seconds: number;
  /** Set by the test: sent as Retry-After even where the real provider sends no hint. */
  explicit: boolean;
}

export interface FakeProvider {
  /** Reads credentials the way the real provider does, or answers its authentication error. */
  authenticate(ctx: RequestContext): AuthResult;
  /** The real provider's answer for a failing key. `rate` is set for `rate_limited`. */
  failure(kind: Failure, ctx: RequestContext, credentials: Credentials, rate: RateLimit): Answer;
  /** The success answer (or the provider's 404) for a working key. */
  route(ctx: RequestContext, credentials: Credentials): Answer;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function modelFrom(body: string, fallback: string): string {
  const parsed = parseJson(body);
  const model =
    typeof parsed === 'object' && parsed !== null ? (parsed as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model : fallback;
}

/** `Authorization: <scheme> <token>` → token, or undefined for a missing header or another scheme. */
export function schemeToken(ctx: RequestContext, scheme: string): string | undefined {
  const match = /^(\S+)\s+(\S+)$/.exec(ctx.headers.authorization ?? '');
  return match && match[1]?.toLowerCase() === scheme.toLowerCase() ? match[2] : undefined;
}

/** What authenticates a provider that takes one API key (`keyData.apiKey`, the only secret). */
export function apiKeyCredentials(apiKey: string): AuthResult {
  return { ok: true, credentials: { keyData: { apiKey }, secrets: [apiKey] } };
}

/** Reads the key from `Authorization: <scheme> <key>`; `missing()` is the answer to a request without one. */
export function schemeKeyAuth(ctx: RequestContext, scheme: string, missing: () => Answer): AuthResult {
  const apiKey = schemeToken(ctx, scheme);
  return apiKey === undefined ? { ok: false, answer: missing() } : apiKeyCredentials(apiKey);
}

export function retryHeaders(rate: RateLimit): Record<string, string> {
  return { 'retry-after': String(rate.seconds) };
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible chat completions (OpenAI, DeepSeek, OpenRouter)

export function chatCompletion(
  model: string,
  extraUsage: Record<string, unknown> = {},
): Record<string, unknown> {
  const { promptTokens, completionTokens, cachedTokens, reasoningTokens } = FAKE_USAGE.chat;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello from the fake provider.', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: reasoningTokens,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
      ...extraUsage,
    },
  };
}

/** A streamed answer from `{ event?, data }` items, each one `data:` event sent at once. */
export function sseAnswer(items: { event?: string; data: unknown }[]): Answer {
  const events = items.map(
    ({ event, data }) =>
      `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
  );
  return { status: 200, body: null, sse: { events, intervalMs: 0 } };
}

/** Fake reply text, streamed in these pieces. */
export const STREAM_PIECES = ['Hello ', 'from the ', 'fake provider.'];

export function wantsStream(body: string): boolean {
  const parsed = parseJson(body);
  return typeof parsed === 'object' && parsed !== null && (parsed as { stream?: unknown }).stream === true;
}

/** The streamed form of `chatCompletion`: content deltas, then usage (when asked for), then `[DONE]`. */
export function chatCompletionStream(
  model: string,
  body: string,
  extraUsage: Record<string, unknown> = {},
): Answer {
  const whole = chatCompletion(model, extraUsage);
  const base = { id: whole.id, object: 'chat.completion.chunk', created: whole.created, model };
  const parsed = parseJson(body) as { stream_options?: { include_usage?: boolean } } | undefined;
  const events: { data: unknown }[] = [
    {
      data: {
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      },
    },
    ...STREAM_PIECES.map((content) => ({
      data: { ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] },
    })),
    { data: { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
  ];
  if (parsed?.stream_options?.include_usage)
    events.push({ data: { ...base, choices: [], usage: whole.usage } });
  events.push({ data: '[DONE]' });
  return sseAnswer(events);
}

/** A deterministic small embedding of a text (same text, same vector). */
export function fakeEmbedding(text: string): number[] {
  const vector = [0, 0, 0, 0];
  for (let i = 0; i < text.length; i++) vector[i % 4] = ((vector[i % 4] ?? 0) + text.charCodeAt(i)) % 997;
  return vector.map((value) => value / 997);
}

export function embeddingInputs(body: string): string[] {
  const input = (parseJson(body) as { input?: unknown } | undefined)?.input;
  if (typeof input === 'string') return [input];
  return Array.isArray(input) ? input.map(String) : [];
}

export function openAIEmbeddings(body: string, fallbackModel: string): Answer {
  const inputs = embeddingInputs(body);
  const tokens = inputs.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 4)), 0);
  return {
    status: 200,
    body: {
      object: 'list',
      data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })),
      model: modelFrom(body, fallbackModel),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

export function openAIError(status: number, message: string, type: string, code: string | null): Answer {
  return { status, body: { error: { message, type, param: null, code } } };
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible endpoints the gateway calls: chat (JSON or SSE with a usage chunk),
// embeddings, Responses API (JSON or SSE ending in response.completed)

export const FAKE_WORDS = ['Hello', ' from', ' the', ' fake', ' provider', '.'];

export function requestJson(ctx: RequestContext): Record<string, unknown> {
  const parsed = parseJson(ctx.body);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/** The content pieces a fake stream sends: `chunks` of them, from the fake's sentence. */
export function streamPieces(settings: StreamSettings): string[] {
  return Array.from({ length: settings.chunks }, (_, i) => FAKE_WORDS[i % FAKE_WORDS.length] as string);
}

export const sse = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

export function chatStream(ctx: RequestContext, model: string, extraUsage: Record<string, unknown>): Answer {
  const request = requestJson(ctx);
  const includeUsage =
    (request.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const id = `chatcmpl-${randomUUID()}`;
  const created = nowSeconds();
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage && { usage: null }),
  });
  const events = [sse(chunk({ role: 'assistant', content: '' }, null))];
  for (const piece of streamPieces(ctx.stream)) events.push(sse(chunk({ content: piece }, null)));
  events.push(sse(chunk({}, 'stop')));
  if (includeUsage) {
    const usage = (chatCompletion(model, extraUsage) as { usage: unknown }).usage;
    events.push(sse({ id, object: 'chat.completion.chunk', created, model, choices: [], usage }));
  }
  events.push(sse('[DONE]'));
  return {
    status: 200,
    body: null,
    sse: { events, intervalMs: ctx.stream.intervalMs, breakAfter: ctx.stream.breakAfter },
  };
}

export function embeddings(ctx: RequestContext, model: string): Answer {
  const input = requestJson(ctx).input;
  const inputs = Array.isArray(input) ? input : [input];
  const { promptTokens } = FAKE_USAGE.chat;
  return {
    status: 200,
    body: {
      object: 'list',
      data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, -0.2, 0.3, 0.05] })),
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
  };
}

export function responsesUsage() {
  const { promptTokens, completionTokens, cachedTokens, reasoningTokens } = FAKE_USAGE.chat;
  return {
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: cachedTokens },
    output_tokens: completionTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: promptTokens + completionTokens,
  };
}

export function responseObject(model: string, status: string, text: string, usage: unknown) {
  const created = nowSeconds();
  return {
    id: `resp_${randomUUID().replaceAll('-', '')}`,
    object: 'response',
    created_at: created,
    status,
    model,
    output: [
      {
        type: 'message',
        id: `msg_${randomUUID().replaceAll('-', '')}`,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
    usage,
  };
}

export function responses(ctx: RequestContext, model: string): Answer {
  const text = 'Hello from the fake provider.';
  if (requestJson(ctx).stream !== true) {
    return { status: 200, body: responseObject(model, 'completed', text, responsesUsage()) };
  }
  const pieces = streamPieces(ctx.stream);
  const done = responseObject(model, 'completed', pieces.join(''), responsesUsage());
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    sse({ type, sequence_number: sequence++, ...data }, type);
  const events = [
    event('response.created', { response: { ...done, status: 'in_progress', output: [], usage: null } }),
  ];
  const itemId = (done.output[0] as { id: string }).id;
  for (const delta of pieces) {
    events.push(
      event('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta }),
    );
  }
  events.push(event('response.completed', { response: done }));
  return {
    status: 200,
    body: null,
    sse: { events, intervalMs: ctx.stream.intervalMs, breakAfter: ctx.stream.breakAfter },
  };
}

/**
 * The gateway's OpenAI-compatible paths (`path` is relative to the provider's OpenAI-compatible
 * base), or undefined for any other path.
 */
export function openAICompatible(
  ctx: RequestContext,
  path: string,
  defaultModel: string,
  extraUsage: Record<string, unknown> = {},
): Answer | undefined {
  if (ctx.method !== 'POST') return undefined;
  const model = modelFrom(ctx.body, defaultModel);
  if (path === '/chat/completions') {
    if (requestJson(ctx).stream === true) return chatStream(ctx, model, extraUsage);
    return { status: 200, body: chatCompletion(model, extraUsage) };
  }
  if (path === '/embeddings') return embeddings(ctx, model);
  if (path === '/responses') return responses(ctx, model);
  return undefined;
}
