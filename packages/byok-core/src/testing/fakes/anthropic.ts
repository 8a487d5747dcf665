import { randomUUID } from 'node:crypto';
import {
  type Answer,
  apiKeyCredentials,
  FAKE_USAGE,
  type FakeProvider,
  modelFrom,
  openAICompatible,
  type RequestContext,
  requestJson,
  retryHeaders,
  schemeToken,
  sse,
  streamPieces,
} from './shared.js';

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

function anthropicError(ctx: RequestContext, status: number, type: string, message: string): Answer {
  return { status, body: { type: 'error', error: { type, message }, request_id: ctx.requestId } };
}

export const anthropicFake: FakeProvider = {
  authenticate(ctx) {
    // The OpenAI SDK compatibility layer (`/v1/chat/completions`) takes the key as a Bearer token.
    const bearer = ctx.path === '/v1/chat/completions' ? schemeToken(ctx, 'Bearer') : undefined;
    if (bearer) return apiKeyCredentials(bearer);
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
    return apiKeyCredentials(apiKey);
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
