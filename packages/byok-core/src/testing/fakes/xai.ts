import { openAICompatibleFake } from './openai-compatible.js';
import type { Answer } from './shared.js';

/** xAI's errors: `{"code": <gRPC-style text>, "error": <message>}`; a wrong key is a 400. */
const xaiError = (status: number, code: string, error: string): Answer => ({ status, body: { code, error } });

const WRONG_KEY = xaiError(
  400,
  'Client specified an invalid argument',
  'Incorrect API key provided: xa***. You can obtain an API key from https://console.x.ai.',
);

export const xaiFake = openAICompatibleFake({
  owner: 'xai',
  models: ['grok-4-1-fast-non-reasoning', 'grok-4.3'],
  missingKey: WRONG_KEY,
  failures: {
    invalid: WRONG_KEY,
    revoked: WRONG_KEY,
    forbidden: xaiError(
      403,
      'The caller does not have permission to execute the specified operation',
      'Forbidden',
    ),
    billing: xaiError(
      403,
      'The caller does not have permission to execute the specified operation',
      'Your team does not have any credits yet. Purchase credits on https://console.x.ai.',
    ),
    rate_limited: xaiError(429, 'Too many requests', 'Rate limit exceeded for your team.'),
    outage: xaiError(503, 'Service unavailable', 'The service is currently unavailable.'),
  },
});
