import {
  asNumber,
  asRecord,
  asString,
  classifyAs,
  classifyByStatus,
  openAIStyleError,
  pick,
} from './classify-common.js';
import { apiKeyCredential, bearer, field, joinUrl, type KeyShape } from './key-format.js';
import { type ProviderDefinition, ProviderType } from './types.js';

const NAME = 'DeepSeek';

/** `sk-` + 32 lowercase hex today; kept lenient. */
export const DEEPSEEK_KEY_SHAPE: KeyShape = {
  label: 'a DeepSeek API key',
  prefixes: ['sk-'],
  pattern: /^sk-[A-Za-z0-9]{6,}$/,
  expected: 'sk- followed by at least 6 letters or digits, without spaces',
};

/** Reads `GET /user/balance`: prefers the USD entry; amounts are strings. */
function readBalance(body: unknown): { amount: number; currency: string } | undefined {
  const infos = pick(body, 'balance_infos');
  if (!Array.isArray(infos)) return undefined;
  const entries = infos.map(asRecord).filter((entry) => entry !== undefined);
  const entry = entries.find((candidate) => candidate.currency === 'USD') ?? entries[0];
  const amount = asNumber(entry?.total_balance);
  const currency = asString(entry?.currency);
  return amount === undefined || currency === undefined ? undefined : { amount, currency };
}

export const deepseekProvider: ProviderDefinition = {
  id: ProviderType.DEEPSEEK,
  displayName: NAME,
  category: 'ai',
  keyPrefixes: ['sk-'],
  ...apiKeyCredential(DEEPSEEK_KEY_SHAPE, { apiKey: 'DEEPSEEK_API_KEY', system: 'SYSTEM_DEEPSEEK_KEY' }),
  defaultBaseUrl: 'https://api.deepseek.com',
  modelPrefixes: ['deepseek/'],
  // DeepSeek answers at the root and under `/v1` alike.
  openAICompatible: { path: '', defaultChatModel: 'deepseek-flash' },

  buildValidationRequest(keyData, baseUrl) {
    // Free, and the only proof that also tells whether the account can pay.
    return {
      method: 'GET',
      url: joinUrl(baseUrl, '/user/balance'),
      headers: bearer(field(keyData, 'apiKey')),
    };
  },

  classifyResponse(status, headers, body) {
    if (status >= 200 && status < 300) {
      const balance = readBalance(body);
      const info = balance ? { balance } : {};
      const outcome = pick(body, 'is_available') === false ? 'billing' : 'valid';
      return classifyAs(NAME, outcome, status, headers, info);
    }
    const error = openAIStyleError(body);
    return classifyByStatus(NAME, status, headers, {
      providerCode: error.code ?? error.type,
      providerMessage: error.message,
    });
  },
};
