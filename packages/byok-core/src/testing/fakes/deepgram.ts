import { randomUUID } from 'node:crypto';
import {
  type Answer,
  FAKE_USAGE,
  type FakeProvider,
  type RequestContext,
  retryHeaders,
  schemeKeyAuth,
} from './shared.js';

function deepgramError(ctx: RequestContext, status: number, errCode: string, errMsg: string): Answer {
  return { status, body: { err_code: errCode, err_msg: errMsg, request_id: ctx.requestId } };
}

export const deepgramFake: FakeProvider = {
  authenticate: (ctx) =>
    schemeKeyAuth(ctx, 'Token', () => deepgramError(ctx, 401, 'INVALID_AUTH', 'Invalid credentials.')),
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
