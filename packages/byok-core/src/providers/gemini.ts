import { asRecord, asString, classifyAs, classifyByStatus, pick } from './classify-common.js';
import { apiKeyCredential, field, joinUrl, type KeyShape } from './key-format.js';
import { durationToMs } from './retry-after.js';
import { type ProviderDefinition, ProviderType } from './types.js';

const NAME = 'Google Gemini';

/**
 * Standard keys (`AIza…`), auth keys (`AQ.…`, undocumented body) and, because Google has changed the
 * format before, any other opaque token of a plausible length.
 */
export const GEMINI_KEY_SHAPE: KeyShape = {
  label: 'a Google Gemini API key',
  prefixes: [],
  pattern: /^(?:AIza[A-Za-z0-9_-]{6,}|AQ\.[A-Za-z0-9._-]{6,}|[A-Za-z0-9._-]{20,})$/,
  expected: 'AIza…, AQ.… or a token of at least 20 letters, digits, ".", "_" or "-", without spaces',
};

/** The `details[]` entries of a google.rpc.Status error. */
function errorDetails(body: unknown): Record<string, unknown>[] {
  const details = pick(body, 'error', 'details');
  if (!Array.isArray(details)) return [];
  return details.map(asRecord).filter((entry): entry is Record<string, unknown> => entry !== undefined);
}

function detailOfType(details: Record<string, unknown>[], type: string): Record<string, unknown> | undefined {
  return details.find((entry) => asString(entry['@type'])?.endsWith(type));
}

export const geminiProvider: ProviderDefinition = {
  id: ProviderType.GEMINI,
  displayName: NAME,
  category: 'ai',
  keyPrefixes: ['AIza', 'AQ.'],
  ...apiKeyCredential(GEMINI_KEY_SHAPE, { apiKey: 'GEMINI_API_KEY', system: 'SYSTEM_GEMINI_KEY' }),
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  modelPrefixes: ['models/', 'google/'],
  openAICompatible: {
    path: '/v1beta/openai',
    defaultChatModel: 'gemini-3.8-flash',
    defaultEmbeddingModel: 'gemini-embedding-001',
  },

  buildValidationRequest(keyData, baseUrl) {
    // The key goes in a header, never in `?key=`: URLs end up in logs, proxies and traces.
    return {
      method: 'GET',
      url: joinUrl(baseUrl, '/v1beta/models?pageSize=1'),
      headers: { 'x-goog-api-key': field(keyData, 'apiKey'), accept: 'application/json' },
    };
  },

  classifyResponse(status, headers, body) {
    const details = errorDetails(body);
    const reason = asString(detailOfType(details, 'google.rpc.ErrorInfo')?.reason);
    const canonical = asString(pick(body, 'error', 'status'));
    const message = asString(pick(body, 'error', 'message'));
    const retryAfterMs = durationToMs(detailOfType(details, 'google.rpc.RetryInfo')?.retryDelay);
    const info = {
      providerCode: reason ?? canonical,
      providerMessage: message,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
    // An invalid key is a 400 INVALID_ARGUMENT; only the ErrorInfo reason says it is the key.
    if (reason === 'API_KEY_INVALID' || reason === 'API_KEY_EXPIRED') {
      return classifyAs(NAME, 'invalid_key', status, headers, info);
    }
    // Free tier unavailable in the country: billing must be enabled on the project.
    if (status === 400 && canonical === 'FAILED_PRECONDITION')
      return classifyAs(NAME, 'billing', status, headers, info);
    return classifyByStatus(NAME, status, headers, info);
  },
};
