import { openAICompatibleFake } from './openai-compatible.js';
import type { Answer } from './shared.js';

/** Mistral's errors: `{"object":"error","message","type","param","code"}` at the top level; 401 is a bare message. */
const mistralError = (status: number, message: string, type: string, code: string | null): Answer => ({
  status,
  body: { object: 'error', message, type, param: null, code },
});

export const mistralFake = openAICompatibleFake({
  owner: 'mistralai',
  models: ['mistral-medium-latest', 'mistral-large-latest', 'mistral-embed'],
  missingKey: { status: 401, body: { message: 'Unauthorized', request_id: 'req_fake' } },
  failures: {
    invalid: { status: 401, body: { message: 'Unauthorized', request_id: 'req_fake' } },
    revoked: { status: 401, body: { message: 'Unauthorized', request_id: 'req_fake' } },
    forbidden: mistralError(403, 'Forbidden', 'forbidden', null),
    billing: mistralError(402, 'Payment required: no active subscription', 'payment_required', null),
    rate_limited: mistralError(429, 'Requests rate limit exceeded', 'rate_limited', '1300'),
    outage: mistralError(503, 'Service unavailable', 'service_unavailable', null),
  },
  rateLimitHeaders: (rate) => ({
    'x-ratelimit-limit-req-minute': '60',
    'x-ratelimit-remaining-req-minute': '0',
    'ratelimitbysize-reset': String(rate.seconds),
  }),
});
