import {
  type Answer,
  type Failure,
  type FakeProvider,
  openAICompatible,
  openAIError,
  type RateLimit,
  type RequestContext,
  retryHeaders,
  schemeKeyAuth,
} from './shared.js';

/** How one OpenAI-compatible provider differs from the others when it refuses a request. */
export interface OpenAICompatibleFakeSpec {
  /** Owner name in `GET /models` (`mistralai`, `groq`, `xai`). */
  owner: string;
  models: readonly string[];
  /** The provider's answer for each failing key; rate limits get Retry-After from `rateLimitHeaders`. */
  failures: Readonly<Record<Exclude<Failure, 'rate_limited'>, Answer>> & { rate_limited: Answer };
  /** Headers sent with a 429 besides Retry-After (`x-ratelimit-*`). */
  rateLimitHeaders?(rate: RateLimit): Record<string, string>;
  /** The answer to a request without a bearer key. */
  missingKey: Answer;
}

/**
 * A fake for a provider that speaks OpenAI's dialect with a bearer key: `GET /models`, chat
 * completions (JSON and SSE), embeddings and Responses, and the provider's own refusals.
 */
export function openAICompatibleFake(spec: OpenAICompatibleFakeSpec): FakeProvider {
  return {
    authenticate: (ctx) => schemeKeyAuth(ctx, 'Bearer', () => spec.missingKey),
    failure(kind, _ctx, _credentials, rate) {
      if (kind !== 'rate_limited') return spec.failures[kind];
      const answer = spec.failures.rate_limited;
      return {
        ...answer,
        headers: { ...answer.headers, ...retryHeaders(rate), ...spec.rateLimitHeaders?.(rate) },
      };
    },
    route(ctx: RequestContext) {
      if (ctx.method === 'GET' && ctx.path === '/models') {
        const data = spec.models.map((id) => ({
          id,
          object: 'model',
          created: 1_790_000_000,
          owned_by: spec.owner,
        }));
        return { status: 200, body: { object: 'list', data } };
      }
      const answer = openAICompatible(ctx, ctx.path, spec.models[0] ?? 'model');
      if (answer) return answer;
      return openAIError(
        404,
        `Unknown request URL: ${ctx.method} ${ctx.path}`,
        'invalid_request_error',
        'unknown_url',
      );
    },
  };
}
