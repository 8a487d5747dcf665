import {
  type Answer,
  chatCompletion,
  chatCompletionStream,
  FAKE_USAGE,
  type FakeProvider,
  modelFrom,
  openAICompatible,
  openAIEmbeddings,
  retryHeaders,
  schemeKeyAuth,
  wantsStream,
} from './shared.js';

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

export const openrouterFake: FakeProvider = {
  authenticate: (ctx) =>
    schemeKeyAuth(ctx, 'Bearer', () => openrouterError(401, 'No auth credentials found')),
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
