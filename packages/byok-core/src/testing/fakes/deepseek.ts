import {
  type Answer,
  chatCompletion,
  chatCompletionStream,
  chatStream,
  FAKE_USAGE,
  type FakeProvider,
  modelFrom,
  openAIError,
  requestJson,
  retryHeaders,
  schemeKeyAuth,
  wantsStream,
} from './shared.js';

export const deepseekFake: FakeProvider = {
  authenticate: (ctx) =>
    schemeKeyAuth(ctx, 'Bearer', () =>
      openAIError(
        401,
        'Authentication Fails, Your api key: **** is invalid',
        'authentication_error',
        'invalid_request_error',
      ),
    ),
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
