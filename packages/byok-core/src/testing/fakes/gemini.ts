import { randomUUID } from 'node:crypto';
import {
  type Answer,
  apiKeyCredentials,
  FAKE_USAGE,
  type FakeProvider,
  fakeEmbedding,
  openAICompatible,
  parseJson,
  STREAM_PIECES,
  schemeToken,
  sseAnswer,
} from './shared.js';

function googleError(code: number, status: string, message: string, details: unknown[] = []): Answer {
  return { status: code, body: { error: { code, message, status, ...(details.length > 0 && { details }) } } };
}

const errorInfo = (reason: string): Record<string, unknown> => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata: { service: 'generativelanguage.googleapis.com' },
});

export const geminiFake: FakeProvider = {
  authenticate(ctx) {
    // The real API accepts the header or `?key=`; the library must only ever use the header.
    const bearer = ctx.path.startsWith('/v1beta/openai/') ? schemeToken(ctx, 'Bearer') : undefined;
    const apiKey = ctx.headers['x-goog-api-key'] ?? ctx.query.get('key') ?? bearer ?? undefined;
    if (apiKey) return apiKeyCredentials(apiKey);
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
