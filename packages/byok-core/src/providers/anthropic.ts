import { asString, classifyAs, classifyByStatus, pick } from './classify-common.js';
import { apiKeyCredential, field, joinUrl, type KeyShape } from './key-format.js';
import { type ProviderDefinition, ProviderType } from './types.js';

const NAME = 'Anthropic';

/** The API version the validation request pins (the SDK default). */
export const ANTHROPIC_VERSION = '2023-06-01';

/** `sk-ant-api03-…`; admin keys (`sk-ant-admin01-…`) only work on `/v1/organizations/*`. */
export const ANTHROPIC_KEY_SHAPE: KeyShape = {
  label: 'an Anthropic API key',
  prefixes: ['sk-ant-'],
  pattern: /^sk-ant-[A-Za-z0-9_-]{6,}$/,
  expected: 'sk-ant- followed by at least 6 letters, digits, _ or -, without spaces',
  refused: [
    {
      prefix: 'sk-ant-admin',
      reason: 'This is an Anthropic Admin API key (sk-ant-admin…), which cannot call models; use an API key',
    },
  ],
};

// Prepaid credit exhausted and org/workspace spend limits come back as 400 invalid_request_error;
// only the message tells them apart from a bad request.
const BILLING_MESSAGE = /credit balance is too low|specified (?:\S+ )*API usage limits|usage limits/i;

export const anthropicProvider: ProviderDefinition = {
  id: ProviderType.ANTHROPIC,
  displayName: NAME,
  category: 'ai',
  keyPrefixes: ['sk-ant-'],
  ...apiKeyCredential(ANTHROPIC_KEY_SHAPE, { apiKey: 'ANTHROPIC_API_KEY', system: 'SYSTEM_ANTHROPIC_KEY' }),
  defaultBaseUrl: 'https://api.anthropic.com',
  modelPrefixes: ['anthropic/'],
  // Anthropic's OpenAI SDK compatibility layer.
  openAICompatible: { path: '/v1', defaultChatModel: 'claude-haiku-5-5' },

  buildValidationRequest(keyData, baseUrl) {
    return {
      method: 'GET',
      url: joinUrl(baseUrl, '/v1/models'),
      headers: {
        'x-api-key': field(keyData, 'apiKey'),
        'anthropic-version': ANTHROPIC_VERSION,
        accept: 'application/json',
      },
    };
  },

  classifyResponse(status, headers, body) {
    const type = asString(pick(body, 'error', 'type'));
    const message = asString(pick(body, 'error', 'message'));
    const detailCode = asString(pick(body, 'error', 'details', 'error_code'));
    const info = { providerCode: detailCode ?? type, providerMessage: message };
    const billing =
      status === 402 ||
      type === 'billing_error' ||
      (status === 400 && message !== undefined && BILLING_MESSAGE.test(message)) ||
      // A 429 for the monthly tier spend cap: waiting minutes does not help.
      (status === 429 && detailCode === 'enforced_spend_limit_reached');
    if (billing) return classifyAs(NAME, 'billing', status, headers, info);
    // 529 overloaded_error: the API is busy for everyone, not this key's limit.
    if (status === 529 || type === 'overloaded_error')
      return classifyAs(NAME, 'outage', status, headers, info);
    // A browser Origin header, not a key problem.
    if (status === 401 && message?.startsWith('CORS requests are not allowed')) {
      return classifyAs(NAME, 'unexpected', status, headers, info);
    }
    return classifyByStatus(NAME, status, headers, info);
  },
};
