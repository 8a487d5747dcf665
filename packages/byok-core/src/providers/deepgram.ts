import { asString, classifyAs, classifyByStatus, pick } from './classify-common.js';
import { apiKeyCredential, field, joinUrl, type KeyShape } from './key-format.js';
import { type ProviderDefinition, ProviderType } from './types.js';

const NAME = 'Deepgram';

/** 40 lowercase hex today (some tools mention a `dg_` prefix); kept opaque and lenient. */
export const DEEPGRAM_KEY_SHAPE: KeyShape = {
  label: 'a Deepgram API key',
  prefixes: [],
  pattern: /^[A-Za-z0-9_.-]{20,}$/,
  expected: 'at least 20 letters, digits, ".", "_" or "-", without spaces',
};

export const deepgramProvider: ProviderDefinition = {
  id: ProviderType.DEEPGRAM,
  displayName: NAME,
  category: 'voice',
  keyPrefixes: ['dg_'],
  ...apiKeyCredential(DEEPGRAM_KEY_SHAPE, { apiKey: 'DEEPGRAM_API_KEY', system: 'SYSTEM_DEEPGRAM_KEY' }),
  defaultBaseUrl: 'https://api.deepgram.com/v1',
  modelPrefixes: [],

  buildValidationRequest(keyData, baseUrl) {
    // API keys use the `Token` scheme; `Bearer` is for short-lived JWTs from /v1/auth/grant.
    return {
      method: 'GET',
      url: joinUrl(baseUrl, '/projects'),
      headers: { authorization: `Token ${field(keyData, 'apiKey')}`, accept: 'application/json' },
    };
  },

  classifyResponse(status, headers, body) {
    // Two documented error shapes: {err_code, err_msg} and {category, message}.
    const code = asString(pick(body, 'err_code')) ?? asString(pick(body, 'category'));
    const message = asString(pick(body, 'err_msg')) ?? asString(pick(body, 'message'));
    const info = { providerCode: code, providerMessage: message };
    // "Insufficient permissions" arrives as a 401 too, but the key itself works.
    if (
      status === 401 &&
      (code === 'INSUFFICIENT_PERMISSIONS' || /insufficient permissions/i.test(message ?? ''))
    ) {
      return classifyAs(NAME, 'permission_denied', status, headers, info);
    }
    return classifyByStatus(NAME, status, headers, info);
  },
};
