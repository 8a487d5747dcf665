import { openAICompatibleFake } from './openai-compatible.js';
import { openAIError } from './shared.js';

export const groqFake = openAICompatibleFake({
  owner: 'groq',
  models: ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant'],
  missingKey: openAIError(401, 'Invalid API Key', 'invalid_request_error', 'invalid_api_key'),
  failures: {
    invalid: openAIError(401, 'Invalid API Key', 'invalid_request_error', 'invalid_api_key'),
    revoked: openAIError(401, 'Invalid API Key', 'invalid_request_error', 'invalid_api_key'),
    forbidden: openAIError(
      403,
      'Organization has been restricted.',
      'permission_error',
      'organization_restricted',
    ),
    billing: openAIError(402, 'Payment required to continue.', 'invalid_request_error', 'payment_required'),
    rate_limited: openAIError(
      429,
      'Rate limit reached for model `llama-3.3-70b-versatile` on requests per minute (RPM).',
      'requests',
      'rate_limit_exceeded',
    ),
    outage: openAIError(503, 'Service Unavailable', 'internal_server_error', 'service_unavailable'),
  },
  // Groq sends these on every answer and Retry-After only on 429.
  rateLimitHeaders: (rate) => ({
    'x-ratelimit-limit-requests': '1000',
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': `${rate.seconds}s`,
  }),
});
