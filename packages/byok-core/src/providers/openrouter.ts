import { asNumber, asString, classifyAs, classifyByStatus, pick } from './classify-common.js';
import { apiKeyCredential, bearer, field, joinUrl, type KeyShape } from './key-format.js';
import { type ProviderDefinition, ProviderType } from './types.js';

const NAME = 'OpenRouter';

/** `sk-or-v1-` + 64 lowercase hex today; kept lenient. */
export const OPENROUTER_KEY_SHAPE: KeyShape = {
  label: 'an OpenRouter API key',
  prefixes: ['sk-or-'],
  pattern: /^sk-or-[A-Za-z0-9_-]{6,}$/,
  expected: 'sk-or- followed by at least 6 letters, digits, _ or -, without spaces',
};

export const openrouterProvider: ProviderDefinition = {
  id: ProviderType.OPENROUTER,
  displayName: NAME,
  category: 'ai',
  keyPrefixes: ['sk-or-v1-', 'sk-or-'],
  ...apiKeyCredential(OPENROUTER_KEY_SHAPE, {
    apiKey: 'OPENROUTER_API_KEY',
    system: 'SYSTEM_OPENROUTER_KEY',
  }),
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  // OpenRouter model ids are `vendor/model`; the vendor part is the model's name there, not a prefix.
  modelPrefixes: [],
  openAICompatible: {
    path: '',
    defaultChatModel: 'openrouter/auto',
    defaultEmbeddingModel: 'openai/text-embedding-3-small',
  },

  buildValidationRequest(keyData, baseUrl) {
    return { method: 'GET', url: joinUrl(baseUrl, '/key'), headers: bearer(field(keyData, 'apiKey')) };
  },

  classifyResponse(status, headers, body) {
    if (status >= 200 && status < 300) {
      // `limit_remaining` is null for keys without a credit cap; credits are USD.
      const remaining = asNumber(pick(body, 'data', 'limit_remaining'));
      if (remaining === undefined) return classifyAs(NAME, 'valid', status, headers);
      const balance = { amount: remaining, currency: 'USD' };
      return classifyAs(NAME, remaining > 0 ? 'valid' : 'billing', status, headers, { balance });
    }
    const errorType = asString(pick(body, 'error', 'metadata', 'error_type'));
    return classifyByStatus(NAME, status, headers, {
      providerCode: errorType ?? asString(pick(body, 'error', 'code')),
      providerMessage: asString(pick(body, 'error', 'message')),
    });
  },
};
