import {
  chatCompletion,
  chatCompletionStream,
  type FakeProvider,
  modelFrom,
  openAICompatible,
  openAIEmbeddings,
  openAIError,
  retryHeaders,
  schemeKeyAuth,
  wantsStream,
} from './shared.js';

export const openaiFake: FakeProvider = {
  authenticate: (ctx) =>
    schemeKeyAuth(ctx, 'Bearer', () =>
      openAIError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
        null,
      ),
    ),
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
