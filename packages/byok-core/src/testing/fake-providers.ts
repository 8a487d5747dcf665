import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getProvider, isProviderType } from '../providers/index.js';
import { type KeyData, ProviderType } from '../providers/types.js';

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

const DEFAULT_RETRY_AFTER_SECONDS = 2;

type Failure = 'invalid' | 'revoked' | 'forbidden' | 'billing' | 'rate_limited' | 'outage';

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Server-sent events, written one by one `intervalMs` apart (then `body` is ignored). */
  sse?: { events: string[]; intervalMs: number; breakAfter?: number | undefined };
}

interface StreamSettings {
  intervalMs: number;
  chunks: number;
  breakAfter?: number | undefined;
}

interface RequestContext {
  method: string;
  /** Path after the provider prefix, without query (`/models`). */
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string>>;
  body: string;
  requestId: string;
  stream: StreamSettings;
}

interface Credentials {
  /** The credential as our schema sees it, to decide whether it is well-formed. */
  keyData: KeyData;
  /** Values a behaviour can be keyed by, main secret first. */
  secrets: string[];
}

type AuthResult = { ok: true; credentials: Credentials } | { ok: false; answer: Answer };

interface RateLimit {
  seconds: number;
  /** Set by the test: sent as Retry-After even where the real provider sends no hint. */
  explicit: boolean;
}

interface FakeProvider {
  /** Reads credentials the way the real provider does, or answers its authentication error. */
  authenticate(ctx: RequestContext): AuthResult;
  /** The real provider's answer for a failing key. `rate` is set for `rate_limited`. */
  failure(kind: Failure, ctx: RequestContext, credentials: Credentials, rate: RateLimit): Answer;
  /** The success answer (or the provider's 404) for a working key. */
  route(ctx: RequestContext, credentials: Credentials): Answer;
}

const MARKERS: readonly [string, Failure | 'hang'][] = [
  ['invalid', 'invalid'],
  ['revoked', 'revoked'],
  ['forbidden', 'forbidden'],
  ['billing', 'billing'],
  ['ratelimit', 'rate_limited'],
  ['outage', 'outage'],
  ['hang', 'hang'],
];

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function modelFrom(body: string, fallback: string): string {
  const parsed = parseJson(body);
  const model =
    typeof parsed === 'object' && parsed !== null ? (parsed as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model : fallback;
}

/** `Authorization: <scheme> <token>` → token, or undefined for a missing header or another scheme. */
function schemeToken(ctx: RequestContext, scheme: string): string | undefined {
  const match = /^(\S+)\s+(\S+)$/.exec(ctx.headers.authorization ?? '');
  return match && match[1]?.toLowerCase() === scheme.toLowerCase() ? match[2] : undefined;
}

function retryHeaders(rate: RateLimit): Record<string, string> {
  return { 'retry-after': String(rate.seconds) };
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible chat completions (OpenAI, DeepSeek, OpenRouter)

function chatCompletion(model: string, extraUsage: Record<string, unknown> = {}): Record<string, unknown> {
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
function sseAnswer(items: { event?: string; data: unknown }[]): Answer {
  const events = items.map(
    ({ event, data }) =>
      `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
  );
  return { status: 200, body: null, sse: { events, intervalMs: 0 } };
}

/** Fake reply text, streamed in these pieces. */
const STREAM_PIECES = ['Hello ', 'from the ', 'fake provider.'];

function wantsStream(body: string): boolean {
  const parsed = parseJson(body);
  return typeof parsed === 'object' && parsed !== null && (parsed as { stream?: unknown }).stream === true;
}

/** The streamed form of `chatCompletion`: content deltas, then usage (when asked for), then `[DONE]`. */
function chatCompletionStream(model: string, body: string, extraUsage: Record<string, unknown> = {}): Answer {
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

function embeddingInputs(body: string): string[] {
  const input = (parseJson(body) as { input?: unknown } | undefined)?.input;
  if (typeof input === 'string') return [input];
  return Array.isArray(input) ? input.map(String) : [];
}

function openAIEmbeddings(body: string, fallbackModel: string): Answer {
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

function openAIError(status: number, message: string, type: string, code: string | null): Answer {
  return { status, body: { error: { message, type, param: null, code } } };
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible endpoints the gateway calls: chat (JSON or SSE with a usage chunk),
// embeddings, Responses API (JSON or SSE ending in response.completed)

const FAKE_WORDS = ['Hello', ' from', ' the', ' fake', ' provider', '.'];

function requestJson(ctx: RequestContext): Record<string, unknown> {
  const parsed = parseJson(ctx.body);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/** The content pieces a fake stream sends: `chunks` of them, from the fake's sentence. */
function streamPieces(settings: StreamSettings): string[] {
  return Array.from({ length: settings.chunks }, (_, i) => FAKE_WORDS[i % FAKE_WORDS.length] as string);
}

const sse = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function chatStream(ctx: RequestContext, model: string, extraUsage: Record<string, unknown>): Answer {
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

function embeddings(ctx: RequestContext, model: string): Answer {
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

function responsesUsage() {
  const { promptTokens, completionTokens, cachedTokens, reasoningTokens } = FAKE_USAGE.chat;
  return {
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: cachedTokens },
    output_tokens: completionTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: promptTokens + completionTokens,
  };
}

function responseObject(model: string, status: string, text: string, usage: unknown) {
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

function responses(ctx: RequestContext, model: string): Answer {
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
function openAICompatible(
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

function anthropicStream(ctx: RequestContext, model: string): Answer {
  const { inputTokens, outputTokens, cacheReadInputTokens, cacheCreationInputTokens } = FAKE_USAGE.anthropic;
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const events = [
    sse(
      {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: inputTokens,
            output_tokens: 1,
            cache_read_input_tokens: cacheReadInputTokens,
            cache_creation_input_tokens: cacheCreationInputTokens,
          },
        },
      },
      'message_start',
    ),
    sse(
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      'content_block_start',
    ),
  ];
  for (const text of streamPieces(ctx.stream)) {
    events.push(
      sse(
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
        'content_block_delta',
      ),
    );
  }
  events.push(
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse(
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: outputTokens },
      },
      'message_delta',
    ),
    sse({ type: 'message_stop' }, 'message_stop'),
  );
  return {
    status: 200,
    body: null,
    sse: { events, intervalMs: ctx.stream.intervalMs, breakAfter: ctx.stream.breakAfter },
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAI

const openai: FakeProvider = {
  authenticate(ctx) {
    const apiKey = schemeToken(ctx, 'Bearer');
    if (apiKey === undefined) {
      const message =
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
      return { ok: false, answer: openAIError(401, message, 'invalid_request_error', null) };
    }
    return { ok: true, credentials: { keyData: { apiKey }, secrets: [apiKey] } };
  },
  failure(kind, _ctx, { secrets }, rate) {
    switch (kind) {
      case 'invalid':
        // The real API echoes a partly masked key; the fake echoes it whole so tests prove scrubbing.
        return openAIError(
          401,
          `Incorrect API key provided: ${secrets[0]}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          'invalid_request_error',
          'invalid_api_key',
        );
      case 'revoked':
        return openAIError(401, 'Invalid Authentication', 'invalid_request_error', 'invalid_api_key');
      case 'forbidden':
        return openAIError(
          403,
          'Country, region, or territory not supported',
          'request_forbidden',
          'unsupported_country_region_territory',
        );
      case 'billing':
        return openAIError(
          429,
          'You exceeded your current quota, please check your plan and billing details.',
          'insufficient_quota',
          'insufficient_quota',
        );
      case 'rate_limited':
        return {
          ...openAIError(
            429,
            'Rate limit reached for requests per min (RPM).',
            'requests',
            'rate_limit_exceeded',
          ),
          headers: {
            ...retryHeaders(rate),
            'x-ratelimit-limit-requests': '500',
            'x-ratelimit-remaining-requests': '0',
            'x-ratelimit-reset-requests': `${rate.seconds}s`,
          },
        };
      case 'outage':
        return openAIError(
          503,
          'The server is overloaded or not ready yet.',
          'service_unavailable_error',
          'server_is_overloaded',
        );
    }
  },
  route(ctx) {
    if (ctx.method === 'GET' && ctx.path === '/models') {
      const models = ['gpt-6.1-sol', 'gpt-6-luna'].map((id) => ({
        id,
        object: 'model',
        created: 1_790_000_000,
        owned_by: 'openai',
      }));
      return { status: 200, body: { object: 'list', data: models } };
    }
    const compatible = openAICompatible(ctx, ctx.path, 'gpt-6-luna');
    if (compatible) return compatible;
    if (ctx.method === 'POST' && ctx.path === '/chat/completions') {
      const model = modelFrom(ctx.body, 'gpt-6-luna');
      if (wantsStream(ctx.body)) return chatCompletionStream(model, ctx.body);
      return { status: 200, body: chatCompletion(model) };
    }
    if (ctx.method === 'POST' && ctx.path === '/embeddings') {
      return openAIEmbeddings(ctx.body, 'text-embedding-3-small');
    }
    return openAIError(404, `Invalid URL (${ctx.method} /v1${ctx.path})`, 'invalid_request_error', null);
  },
};

// ---------------------------------------------------------------------------------------------
// Anthropic

function anthropicError(ctx: RequestContext, status: number, type: string, message: string): Answer {
  return { status, body: { type: 'error', error: { type, message }, request_id: ctx.requestId } };
}

const anthropic: FakeProvider = {
  authenticate(ctx) {
    // The OpenAI SDK compatibility layer (`/v1/chat/completions`) takes the key as a Bearer token.
    const bearer = ctx.path === '/v1/chat/completions' ? schemeToken(ctx, 'Bearer') : undefined;
    if (bearer) return { ok: true, credentials: { keyData: { apiKey: bearer }, secrets: [bearer] } };
    const apiKey = ctx.headers['x-api-key'];
    if (!apiKey) {
      return {
        ok: false,
        answer: anthropicError(ctx, 401, 'authentication_error', 'x-api-key header is required'),
      };
    }
    if (!ctx.headers['anthropic-version']) {
      const answer = anthropicError(
        ctx,
        400,
        'invalid_request_error',
        'anthropic-version: header is required',
      );
      return { ok: false, answer };
    }
    return { ok: true, credentials: { keyData: { apiKey }, secrets: [apiKey] } };
  },
  failure(kind, ctx, _credentials, rate) {
    switch (kind) {
      case 'invalid':
      case 'revoked':
        return anthropicError(ctx, 401, 'authentication_error', 'invalid x-api-key');
      case 'forbidden':
        return anthropicError(
          ctx,
          403,
          'permission_error',
          'Your API key does not have permission to use the specified resource.',
        );
      case 'billing':
        return anthropicError(
          ctx,
          402,
          'billing_error',
          'There is an issue with the billing of your organization. Please go to Plans & Billing.',
        );
      case 'rate_limited': {
        const reset = new Date(Date.now() + rate.seconds * 1000).toISOString();
        return {
          ...anthropicError(ctx, 429, 'rate_limit_error', 'Number of requests has exceeded your rate limit.'),
          headers: {
            ...retryHeaders(rate),
            'anthropic-ratelimit-requests-limit': '50',
            'anthropic-ratelimit-requests-remaining': '0',
            'anthropic-ratelimit-requests-reset': reset,
          },
        };
      }
      case 'outage':
        return anthropicError(ctx, 529, 'overloaded_error', 'Overloaded');
    }
  },
  route(ctx) {
    if (ctx.method === 'GET' && ctx.path === '/v1/models') {
      const data = [
        {
          type: 'model',
          id: 'claude-haiku-5-5',
          display_name: 'Claude Haiku 5.5',
          created_at: '2026-10-07T00:00:00Z',
        },
      ];
      return {
        status: 200,
        body: { data, has_more: false, first_id: 'claude-haiku-5-5', last_id: 'claude-haiku-5-5' },
      };
    }
    if (ctx.path === '/v1/chat/completions') {
      const compatible = openAICompatible(ctx, '/chat/completions', 'claude-haiku-5-5');
      if (compatible) return compatible;
    }
    if (ctx.method === 'POST' && ctx.path === '/v1/messages' && requestJson(ctx).stream === true) {
      return anthropicStream(ctx, modelFrom(ctx.body, 'claude-haiku-5-5'));
    }
    if (ctx.method === 'POST' && ctx.path === '/v1/messages') {
      const { inputTokens, outputTokens, cacheReadInputTokens, cacheCreationInputTokens } =
        FAKE_USAGE.anthropic;
      return {
        status: 200,
        body: {
          id: `msg_${randomUUID().replaceAll('-', '')}`,
          type: 'message',
          role: 'assistant',
          model: modelFrom(ctx.body, 'claude-haiku-5-5'),
          content: [{ type: 'text', text: 'Hello from the fake provider.' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: {
            input_tokens: inputTokens,
            output_tokens: outputTokens,
            cache_read_input_tokens: cacheReadInputTokens,
            cache_creation_input_tokens: cacheCreationInputTokens,
            service_tier: 'standard',
          },
        },
      };
    }
    if (ctx.method === 'POST' && ctx.path === '/v1/messages/count_tokens') {
      return { status: 200, body: { input_tokens: FAKE_USAGE.anthropic.inputTokens } };
    }
    return anthropicError(ctx, 404, 'not_found_error', `Not found: ${ctx.method} ${ctx.path}`);
  },
};

// ---------------------------------------------------------------------------------------------
// Google Gemini

function googleError(code: number, status: string, message: string, details: unknown[] = []): Answer {
  return { status: code, body: { error: { code, message, status, ...(details.length > 0 && { details }) } } };
}

const errorInfo = (reason: string): Record<string, unknown> => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata: { service: 'generativelanguage.googleapis.com' },
});

const gemini: FakeProvider = {
  authenticate(ctx) {
    // The real API accepts the header or `?key=`; the library must only ever use the header.
    const bearer = ctx.path.startsWith('/v1beta/openai/') ? schemeToken(ctx, 'Bearer') : undefined;
    const apiKey = ctx.headers['x-goog-api-key'] ?? ctx.query.get('key') ?? bearer ?? undefined;
    if (apiKey) return { ok: true, credentials: { keyData: { apiKey }, secrets: [apiKey] } };
    if (ctx.headers.authorization) {
      const answer = googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED')],
      );
      return { ok: false, answer };
    }
    const answer = googleError(
      403,
      'PERMISSION_DENIED',
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
    return { ok: false, answer };
  },
  failure(kind, _ctx, _credentials, rate) {
    switch (kind) {
      case 'invalid':
      case 'revoked':
        return googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          errorInfo('API_KEY_INVALID'),
          {
            '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
            locale: 'en-US',
            message: 'API key not valid. Please pass a valid API key.',
          },
        ]);
      case 'forbidden':
        return googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission', [
          errorInfo('API_KEY_SERVICE_BLOCKED'),
        ]);
      case 'billing':
        return googleError(
          402,
          'RESOURCE_EXHAUSTED',
          'Your prepayment credits are depleted. Please go to AI Studio to manage your project and billing.',
        );
      case 'rate_limited':
        // No rate-limit headers: the wait is in the body's RetryInfo.
        return googleError(
          429,
          'RESOURCE_EXHAUSTED',
          'You exceeded your current quota, please check your plan.',
          [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [
                {
                  quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                  quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                  quotaValue: '10',
                },
              ],
            },
            {
              '@type': 'type.googleapis.com/google.rpc.Help',
              links: [
                { description: 'Learn more', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' },
              ],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${rate.seconds}s` },
          ],
        );
      case 'outage':
        return googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    }
  },
  route(ctx) {
    if (ctx.path.startsWith('/v1beta/openai/')) {
      const compatible = openAICompatible(ctx, ctx.path.slice('/v1beta/openai'.length), 'gemini-3.5-flash');
      if (compatible) return compatible;
    }
    const path = ctx.path.replace(/^\/v1(?:beta)?(?=\/)/, '');
    if (ctx.method === 'GET' && path === '/models') {
      const models = [
        {
          name: 'models/gemini-3.8-flash',
          displayName: 'Gemini 3.8 Flash',
          inputTokenLimit: 1_048_576,
          outputTokenLimit: 65_536,
          supportedGenerationMethods: ['generateContent', 'countTokens'],
        },
      ];
      return { status: 200, body: { models } };
    }
    const embed = /^\/models\/([^/:]+):(embedContent|batchEmbedContents)$/.exec(path);
    if (ctx.method === 'POST' && embed) return geminiEmbeddings(embed[2] === 'embedContent', ctx.body);
    const generate = /^\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
    if (ctx.method === 'POST' && generate) {
      const { promptTokenCount, candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount } =
        FAKE_USAGE.gemini;
      if (generate[2] === 'streamGenerateContent') return geminiStream(generate[1] ?? 'gemini-3.8-flash');
      return {
        status: 200,
        body: {
          candidates: [
            {
              content: { parts: [{ text: 'Hello from the fake provider.' }], role: 'model' },
              finishReason: 'STOP',
              index: 0,
            },
          ],
          usageMetadata: {
            promptTokenCount,
            candidatesTokenCount,
            cachedContentTokenCount,
            thoughtsTokenCount,
            totalTokenCount: promptTokenCount + candidatesTokenCount + thoughtsTokenCount,
          },
          modelVersion: generate[1],
          responseId: randomUUID(),
        },
      };
    }
    return googleError(404, 'NOT_FOUND', `Method not found: ${ctx.method} ${ctx.path}`);
  },
};

function geminiStream(model: string): Answer {
  const { promptTokenCount, candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount } =
    FAKE_USAGE.gemini;
  const usageMetadata = {
    promptTokenCount,
    candidatesTokenCount,
    cachedContentTokenCount,
    thoughtsTokenCount,
    totalTokenCount: promptTokenCount + candidatesTokenCount + thoughtsTokenCount,
  };
  const responseId = randomUUID();
  const events = STREAM_PIECES.map((text, index) => {
    const last = index === STREAM_PIECES.length - 1;
    return {
      data: {
        candidates: [
          {
            content: { parts: [{ text }], role: 'model' },
            index: 0,
            ...(last ? { finishReason: 'STOP' } : {}),
          },
        ],
        ...(last ? { usageMetadata } : {}),
        modelVersion: model,
        responseId,
      },
    };
  });
  return sseAnswer(events);
}

function geminiEmbeddings(single: boolean, body: string): Answer {
  const parsed = parseJson(body) as
    | {
        content?: { parts?: { text?: string }[] };
        requests?: { content?: { parts?: { text?: string }[] } }[];
      }
    | undefined;
  const textOf = (content?: { parts?: { text?: string }[] }): string =>
    (content?.parts ?? []).map((part) => part.text ?? '').join('');
  if (single) return { status: 200, body: { embedding: { values: fakeEmbedding(textOf(parsed?.content)) } } };
  const embeddings = (parsed?.requests ?? []).map((request) => ({
    values: fakeEmbedding(textOf(request.content)),
  }));
  return { status: 200, body: { embeddings } };
}

// ---------------------------------------------------------------------------------------------
// DeepSeek

const deepseek: FakeProvider = {
  authenticate(ctx) {
    const apiKey = schemeToken(ctx, 'Bearer');
    if (apiKey === undefined) {
      const answer = openAIError(
        401,
        'Authentication Fails, Your api key: **** is invalid',
        'authentication_error',
        'invalid_request_error',
      );
      return { ok: false, answer };
    }
    return { ok: true, credentials: { keyData: { apiKey }, secrets: [apiKey] } };
  },
  failure(kind, ctx, { secrets }, rate) {
    switch (kind) {
      case 'invalid':
      case 'revoked':
        return openAIError(
          401,
          `Authentication Fails, Your api key: ****${(secrets[0] ?? '').slice(-4)} is invalid`,
          'authentication_error',
          'invalid_request_error',
        );
      case 'forbidden':
        return openAIError(403, 'Forbidden', 'permission_error', 'invalid_request_error');
      case 'billing':
        // The balance call still works for an empty account: it says so in its body.
        if (ctx.method === 'GET' && stripV1(ctx.path) === '/user/balance') return deepseekBalance(false);
        return openAIError(402, 'Insufficient Balance', 'unknown_error', 'invalid_request_error');
      case 'rate_limited':
        // DeepSeek documents no rate-limit headers; Retry-After only when a test asks for one.
        return {
          ...openAIError(429, 'Rate Limit Reached', 'rate_limit_error', 'rate_limit_exceeded'),
          ...(rate.explicit && { headers: retryHeaders(rate) }),
        };
      case 'outage':
        return openAIError(
          503,
          'Server overloaded, please try again later.',
          'server_error',
          'server_overloaded',
        );
    }
  },
  route(ctx) {
    const path = stripV1(ctx.path);
    if (path === '/chat/completions' && requestJson(ctx).stream === true) {
      const { promptTokens, cachedTokens } = FAKE_USAGE.chat;
      return chatStream(ctx, modelFrom(ctx.body, 'deepseek-flash'), {
        prompt_cache_hit_tokens: cachedTokens,
        prompt_cache_miss_tokens: promptTokens - cachedTokens,
      });
    }
    if (ctx.method === 'GET' && path === '/user/balance') return deepseekBalance(true);
    if (ctx.method === 'GET' && path === '/models') {
      const data = ['deepseek-flash', 'deepseek-v4-pro'].map((id) => ({
        id,
        object: 'model',
        owned_by: 'deepseek',
      }));
      return { status: 200, body: { object: 'list', data } };
    }
    if (ctx.method === 'POST' && path === '/chat/completions') {
      const { promptTokens, cachedTokens } = FAKE_USAGE.chat;
      const extra = {
        prompt_cache_hit_tokens: cachedTokens,
        prompt_cache_miss_tokens: promptTokens - cachedTokens,
      };
      const model = modelFrom(ctx.body, 'deepseek-flash');
      if (wantsStream(ctx.body)) return chatCompletionStream(model, ctx.body, extra);
      return { status: 200, body: chatCompletion(model, extra) };
    }
    return openAIError(404, 'Not Found', 'invalid_request_error', 'not_found');
  },
};

function stripV1(path: string): string {
  return path.replace(/^\/v1(?=\/)/, '');
}

function deepseekBalance(available: boolean): Answer {
  const balance = available
    ? { currency: 'USD', total_balance: '110.00', granted_balance: '10.00', topped_up_balance: '100.00' }
    : { currency: 'USD', total_balance: '0.00', granted_balance: '0.00', topped_up_balance: '0.00' };
  return { status: 200, body: { is_available: available, balance_infos: [balance] } };
}

// ---------------------------------------------------------------------------------------------
// OpenRouter

function openrouterError(status: number, message: string, metadata?: Record<string, unknown>): Answer {
  return { status, body: { error: { code: status, message, ...(metadata && { metadata }) } } };
}

function openrouterKey(apiKey: string, remaining: number): Answer {
  const limit = 100;
  return {
    status: 200,
    body: {
      data: {
        label: `${apiKey.slice(0, 12)}...${apiKey.slice(-3)}`,
        limit,
        limit_reset: null,
        limit_remaining: remaining,
        include_byok_in_limit: false,
        usage: limit - remaining,
        usage_daily: 1.5,
        usage_weekly: 4,
        usage_monthly: 12,
        byok_usage: 0,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        expires_at: null,
      },
    },
  };
}

const openrouter: FakeProvider = {
  authenticate(ctx) {
    const apiKey = schemeToken(ctx, 'Bearer');
    if (apiKey === undefined) return { ok: false, answer: openrouterError(401, 'No auth credentials found') };
    return { ok: true, credentials: { keyData: { apiKey }, secrets: [apiKey] } };
  },
  failure(kind, ctx, { secrets }, rate) {
    switch (kind) {
      case 'invalid':
        return openrouterError(401, 'User not found.');
      case 'revoked':
        return openrouterError(401, 'Key is disabled.');
      case 'forbidden':
        return openrouterError(403, 'Input was flagged by the moderation of the chosen provider.', {
          reasons: ['harassment'],
          flagged_input: '…',
          provider_name: 'OpenAI',
          model_slug: 'openai/gpt-6-luna',
        });
      case 'billing':
        // The key endpoint still answers; an exhausted per-key cap shows as limit_remaining 0.
        if (ctx.method === 'GET' && ctx.path === '/key') return openrouterKey(secrets[0] ?? '', 0);
        return openrouterError(
          402,
          'Insufficient credits. Add more using https://openrouter.ai/settings/credits',
        );
      case 'rate_limited':
        return {
          ...openrouterError(429, 'Rate limit exceeded: free-models-per-min.', {
            error_type: 'rate_limit_exceeded',
          }),
          headers: {
            ...retryHeaders(rate),
            'x-ratelimit-limit': '20',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Date.now() + rate.seconds * 1000),
          },
        };
      case 'outage':
        return openrouterError(503, 'No endpoints found that can handle the request.');
    }
  },
  route(ctx, { secrets }) {
    if (ctx.method === 'GET' && ctx.path === '/key') return openrouterKey(secrets[0] ?? '', 74.5);
    const compatible = openAICompatible(ctx, ctx.path, 'openai/gpt-6-luna', {
      cost: FAKE_USAGE.openrouterCost,
      cost_details: { upstream_inference_cost: null },
    });
    if (compatible) return compatible;
    if (ctx.method === 'GET' && ctx.path === '/models') {
      return { status: 200, body: { data: [{ id: 'openai/gpt-6-luna', name: 'OpenAI: GPT-6 Luna' }] } };
    }
    if (ctx.method === 'POST' && ctx.path === '/chat/completions') {
      const extra = { cost: FAKE_USAGE.openrouterCost, cost_details: { upstream_inference_cost: null } };
      const model = modelFrom(ctx.body, 'openai/gpt-6-luna');
      if (wantsStream(ctx.body)) return chatCompletionStream(model, ctx.body, extra);
      const completion = chatCompletion(model, extra);
      return { status: 200, body: { ...completion, provider: 'OpenAI' } };
    }
    if (ctx.method === 'POST' && ctx.path === '/embeddings') {
      return openAIEmbeddings(ctx.body, 'openai/text-embedding-3-small');
    }
    return openrouterError(404, 'Not Found');
  },
};

// ---------------------------------------------------------------------------------------------
// Deepgram

function deepgramError(ctx: RequestContext, status: number, errCode: string, errMsg: string): Answer {
  return { status, body: { err_code: errCode, err_msg: errMsg, request_id: ctx.requestId } };
}

const deepgram: FakeProvider = {
  authenticate(ctx) {
    const apiKey = schemeToken(ctx, 'Token');
    if (apiKey === undefined) {
      return { ok: false, answer: deepgramError(ctx, 401, 'INVALID_AUTH', 'Invalid credentials.') };
    }
    return { ok: true, credentials: { keyData: { apiKey }, secrets: [apiKey] } };
  },
  failure(kind, ctx, _credentials, rate) {
    switch (kind) {
      case 'invalid':
      case 'revoked':
        return deepgramError(ctx, 401, 'INVALID_AUTH', 'Invalid credentials.');
      case 'forbidden':
        return deepgramError(
          ctx,
          403,
          'INSUFFICIENT_PERMISSIONS',
          'Project does not have access to the requested model.',
        );
      case 'billing':
        return deepgramError(
          ctx,
          402,
          'ASR_PAYMENT_REQUIRED',
          'Project does not have enough credits for an ASR request.',
        );
      case 'rate_limited':
        // Deepgram documents no rate-limit headers; Retry-After only when a test asks for one.
        return {
          ...deepgramError(ctx, 429, 'TOO_MANY_REQUESTS', 'Too many requests. Please try again later'),
          ...(rate.explicit && { headers: retryHeaders(rate) }),
        };
      case 'outage':
        // Deepgram's second error shape.
        return {
          status: 503,
          body: {
            category: 'SERVICE_UNAVAILABLE',
            message: 'The service is temporarily unavailable.',
            details: 'Please retry with backoff.',
            request_id: ctx.requestId,
          },
        };
    }
  },
  route(ctx) {
    const projectId = '3f1d1c4e-6c5b-4a3e-9a59-4f6f2b8a7c10';
    if (ctx.method === 'GET' && ctx.path === '/projects') {
      return { status: 200, body: { projects: [{ project_id: projectId, name: 'Fake project' }] } };
    }
    if (ctx.method === 'GET' && /^\/projects\/[^/]+\/balances$/.test(ctx.path)) {
      return { status: 200, body: { balances: [{ balance_id: randomUUID(), amount: 42.5, units: 'USD' }] } };
    }
    if (ctx.method === 'POST' && ctx.path === '/listen') {
      const { duration, channels } = FAKE_USAGE.deepgram;
      return {
        status: 200,
        body: {
          metadata: {
            transaction_key: 'deprecated',
            request_id: ctx.requestId,
            sha256: '0'.repeat(64),
            created: new Date().toISOString(),
            duration,
            channels,
            models: [randomUUID()],
          },
          results: {
            channels: [
              { alternatives: [{ transcript: 'hello from the fake provider', confidence: 0.99, words: [] }] },
            ],
          },
        },
        headers: { 'dg-request-id': ctx.requestId },
      };
    }
    return deepgramError(ctx, 404, 'NOT_FOUND', 'Not found.');
  },
};

// ---------------------------------------------------------------------------------------------
// Twilio

function twilioError(
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): Answer {
  const body = { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
  return { status, body, ...(headers && { headers }) };
}

const TWILIO_UNAUTHENTICATED = twilioError(401, 20003, 'Authenticate', {
  'www-authenticate': 'Basic realm="Twilio API"',
});

const twilio: FakeProvider = {
  authenticate(ctx) {
    const encoded = schemeToken(ctx, 'Basic');
    const decoded = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { ok: false, answer: TWILIO_UNAUTHENTICATED };
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const pathSid = /^\/Accounts\/(AC[0-9a-fA-F]{32})(?:[./]|$)/.exec(ctx.path)?.[1];
    const accountSid = pathSid ?? (username.startsWith('AC') ? username : undefined);
    // An Auth Token only opens its own account.
    if (accountSid === undefined || (username.startsWith('AC') && username !== accountSid)) {
      return { ok: false, answer: TWILIO_UNAUTHENTICATED };
    }
    const keyData: KeyData = username.startsWith('SK')
      ? { accountSid, apiKeySid: username, apiKeySecret: password }
      : { accountSid: username, authToken: password };
    return { ok: true, credentials: { keyData, secrets: [password, username, accountSid] } };
  },
  failure(kind, _ctx, _credentials, rate) {
    switch (kind) {
      case 'invalid':
      case 'revoked':
        return TWILIO_UNAUTHENTICATED;
      case 'forbidden':
        return twilioError(403, 20403, 'Forbidden');
      case 'billing':
        return twilioError(401, 20005, 'Account not active');
      case 'rate_limited':
        return twilioError(429, 20429, 'Too Many Requests', rate.explicit ? retryHeaders(rate) : undefined);
      case 'outage':
        return twilioError(503, 20503, 'Service Unavailable');
    }
  },
  route(ctx, { keyData }) {
    const accountSid = keyData.accountSid ?? '';
    const prefix = `/Accounts/${accountSid}`;
    const created = new Date().toUTCString();
    if (ctx.method === 'GET' && ctx.path === `${prefix}.json`) {
      return {
        status: 200,
        body: {
          sid: accountSid,
          owner_account_sid: accountSid,
          friendly_name: 'Fake account',
          status: 'active',
          type: 'Full',
          date_created: created,
          date_updated: created,
          uri: `/2010-04-01${prefix}.json`,
        },
      };
    }
    if (ctx.method === 'GET' && ctx.path === `${prefix}/Balance.json`) {
      return { status: 200, body: { account_sid: accountSid, balance: '12.34', currency: 'USD' } };
    }
    // Real Twilio fills price and duration only after the call ends (and may lag); the fake
    // answers with them at once so usage code has something to read.
    if (ctx.method === 'POST' && ctx.path === `${prefix}/Calls.json`) {
      const { price, priceUnit, duration } = FAKE_USAGE.twilioCall;
      const sid = `CA${randomUUID().replaceAll('-', '')}`;
      return {
        status: 201,
        body: {
          sid,
          account_sid: accountSid,
          status: 'completed',
          direction: 'outbound-api',
          price,
          price_unit: priceUnit,
          duration,
          date_created: created,
          uri: `/2010-04-01${prefix}/Calls/${sid}.json`,
        },
      };
    }
    if (ctx.method === 'POST' && ctx.path === `${prefix}/Messages.json`) {
      const { price, priceUnit, numSegments } = FAKE_USAGE.twilioMessage;
      const sid = `SM${randomUUID().replaceAll('-', '')}`;
      return {
        status: 201,
        body: {
          sid,
          account_sid: accountSid,
          status: 'sent',
          direction: 'outbound-api',
          price,
          price_unit: priceUnit,
          num_segments: numSegments,
          date_created: created,
          uri: `/2010-04-01${prefix}/Messages/${sid}.json`,
        },
      };
    }
    return twilioError(404, 20404, `The requested resource ${ctx.path} was not found`);
  },
};

const FAKES: Readonly<Record<ProviderType, FakeProvider>> = {
  openai,
  anthropic,
  gemini,
  deepseek,
  openrouter,
  deepgram,
  twilio,
};

// ---------------------------------------------------------------------------------------------
// Server

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  answer: Answer,
  requestId: string,
  timers?: Set<NodeJS.Timeout>,
  recorded?: RecordedRequest,
): void {
  if (res.destroyed || res.headersSent) return;
  if (answer.sse) {
    res.writeHead(answer.status, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': requestId,
      'request-id': requestId,
      ...answer.headers,
    });
    res.flushHeaders();
    const { events, intervalMs, breakAfter } = answer.sse;
    let sent = 0;
    const next = () => {
      if (res.destroyed) return;
      if (breakAfter !== undefined && sent >= breakAfter) {
        res.socket?.destroy();
        return;
      }
      const event = events[sent++];
      if (event === undefined) {
        res.end();
        return;
      }
      res.write(event);
      if (recorded) {
        recorded.writtenAt ??= [];
        recorded.writtenAt.push(performance.now());
      }
      if (intervalMs > 0) {
        const timer = setTimeout(() => {
          timers?.delete(timer);
          next();
        }, intervalMs);
        timers?.add(timer);
      } else next();
    };
    next();
    return;
  }
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'request-id': requestId,
    ...answer.headers,
  });
  res.end(body);
}

/**
 * Starts one local HTTP server on 127.0.0.1 (random port) that answers like every supported
 * provider, each under its own path prefix (`<url>/openai/models`, `<url>/anthropic/v1/models`, …):
 * same auth headers, status codes, error bodies and rate-limit hints as the real APIs
 * (see shared/provider-facts.md). Every request is recorded.
 * @example
 * const fake = await startFakeProviders();
 * fake.setBehavior('sk-test-abc123456', { kind: 'rate_limited', retryAfterSeconds: 7 });
 * await probeKey(ProviderType.OPENAI, { apiKey: 'sk-test-abc123456' }, { baseUrl: fake.baseUrls.openai, timeoutMs: 1000 });
 * await fake.close();
 */
export async function startFakeProviders(options: FakeProvidersOptions = {}): Promise<FakeProviders> {
  const behaviors = new Map<string, FakeBehavior>(Object.entries(options.behaviors ?? {}));
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const behaviorFor = (secrets: readonly string[]): FakeBehavior => {
    for (const secret of secrets) {
      const behavior = behaviors.get(secret);
      if (behavior !== undefined) return behavior;
    }
    for (const secret of secrets) {
      const lower = secret.toLowerCase();
      const marker = MARKERS.find(([text]) => lower.includes(text));
      if (marker) return marker[1];
    }
    return 'ok';
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
    const rawPath = req.url ?? '/';
    const url = new URL(rawPath, 'http://fake.invalid');
    const [, prefix = '', ...rest] = url.pathname.split('/');
    const provider = isProviderType(prefix) ? prefix : undefined;
    const headers = flattenHeaders(req);
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const recorded: RecordedRequest = { provider, method, path: rawPath, headers, body };
    requests.push(recorded);
    res.on('close', () => {
      if (!res.writableFinished) recorded.closedEarly = true;
    });
    if (provider === undefined) {
      send(res, { status: 404, body: { error: `Unknown provider prefix "/${prefix}"` } }, requestId);
      return;
    }
    const fake = FAKES[provider];
    const ctx: RequestContext = {
      method,
      path: `/${rest.join('/')}`,
      query: url.searchParams,
      headers,
      body,
      requestId,
      stream: { intervalMs: 0, chunks: FAKE_WORDS.length },
    };
    const auth = fake.authenticate(ctx);
    if (!auth.ok) {
      send(res, auth.answer, requestId);
      return;
    }
    // A key that cannot be one of this provider's is unknown to the real provider too.
    const wellFormed = getProvider(provider).credentialSchema.safeParse(auth.credentials.keyData).success;
    const behavior = wellFormed ? behaviorFor(auth.credentials.secrets) : 'invalid';
    if (behavior === 'hang') return;
    if (behavior === 'drop') {
      req.socket.destroy();
      return;
    }
    if (behavior === 'echo') {
      // A misbehaving upstream that reflects the credentials it received, in the body and a header.
      const echoed = JSON.stringify(headers);
      send(
        res,
        { status: 200, body: { echoed: headers }, headers: { 'x-request-id': echoed.slice(0, 4000) } },
        requestId,
      );
      return;
    }
    if (typeof behavior === 'object' && behavior.kind === 'stream') {
      ctx.stream = {
        intervalMs: behavior.intervalMs,
        chunks: behavior.chunks ?? FAKE_WORDS.length,
        breakAfter: behavior.breakAfter,
      };
    }
    let answer: Answer;
    if (behavior === 'ok' || typeof behavior === 'object') {
      if (typeof behavior === 'object' && behavior.kind === 'slow') await delay(behavior.delayMs);
      answer =
        typeof behavior === 'object' && behavior.kind === 'rate_limited'
          ? fake.failure('rate_limited', ctx, auth.credentials, {
              seconds: behavior.retryAfterSeconds,
              explicit: true,
            })
          : fake.route(ctx, auth.credentials);
    } else {
      answer = fake.failure(behavior, ctx, auth.credentials, {
        seconds: DEFAULT_RETRY_AFTER_SECONDS,
        explicit: false,
      });
    }
    send(res, answer, requestId, timers, recorded);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : 'internal error';
      send(res, { status: 500, body: { error: `fake provider failure: ${message}` } }, 'req_error');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const baseUrls = Object.fromEntries(
    Object.values(ProviderType).map((id) => [id, `${url}/${id}`]),
  ) as Record<ProviderType, string>;

  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrls,
    requests,
    clear() {
      requests.length = 0;
    },
    setBehavior(secret, behavior) {
      behaviors.set(secret, behavior);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Hanging requests and keep-alive connections would otherwise hold the server open.
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
