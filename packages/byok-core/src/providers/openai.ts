import { z } from 'zod';
import { classifyAs, classifyByStatus, openAIStyleError } from './classify-common.js';
import { bearer, credentialString, field, joinUrl, type KeyShape, optionalSetting } from './key-format.js';
import { type ProviderDefinition, ProviderType } from './types.js';

const NAME = 'OpenAI';

/** `sk-proj-…`, `sk-svcacct-…`, legacy `sk-…`; admin keys only work on admin endpoints. */
export const OPENAI_KEY_SHAPE: KeyShape = {
  label: 'an OpenAI API key',
  prefixes: ['sk-'],
  pattern: /^sk-[A-Za-z0-9_-]{6,}$/,
  expected: 'sk- followed by at least 6 letters, digits, _ or -, without spaces',
  refused: [
    {
      prefix: 'sk-admin-',
      reason:
        'This is an OpenAI admin key (sk-admin-…), which cannot call models; use a project or user API key',
    },
  ],
};

// `insufficient_quota` is the documented `error.type`; the cause is in `error.code`.
const BILLING_CODES: ReadonlySet<string> = new Set([
  'insufficient_quota',
  'credit_balance_exhausted',
  'organization_spend_limit_exceeded',
  'project_spend_limit_exceeded',
  'organization_usage_limit_exceeded',
  'billing_hard_limit_reached',
  'billing_not_active',
]);

export const openaiProvider: ProviderDefinition = {
  id: ProviderType.OPENAI,
  displayName: NAME,
  category: 'ai',
  secretFields: ['apiKey'],
  maskField: 'apiKey',
  keyPrefixes: ['sk-proj-', 'sk-svcacct-', 'sk-'],
  credentialSchema: z.strictObject({
    apiKey: credentialString(OPENAI_KEY_SHAPE),
    organization: optionalSetting('organization'),
    project: optionalSetting('project'),
  }),
  envVars: { apiKey: 'OPENAI_API_KEY', organization: 'OPENAI_ORG_ID', project: 'OPENAI_PROJECT_ID' },
  defaultBaseUrl: 'https://api.openai.com/v1',
  systemKeyEnv: { apiKey: 'SYSTEM_OPENAI_KEY' },
  modelPrefixes: ['openai/'],
  openAICompatible: {
    path: '',
    defaultChatModel: 'gpt-6-luna',
    defaultEmbeddingModel: 'text-embedding-3-small',
    maxTokensField: 'max_completion_tokens',
    extraHeaders: (keyData) => ({
      ...(keyData.organization ? { 'openai-organization': keyData.organization } : {}),
      ...(keyData.project ? { 'openai-project': keyData.project } : {}),
    }),
  },

  buildValidationRequest(keyData, baseUrl) {
    const headers = bearer(field(keyData, 'apiKey'));
    if (keyData.organization) headers['openai-organization'] = keyData.organization;
    if (keyData.project) headers['openai-project'] = keyData.project;
    return { method: 'GET', url: joinUrl(baseUrl, '/models'), headers };
  },

  classifyResponse(status, headers, body) {
    const error = openAIStyleError(body);
    const info = { providerCode: error.code ?? error.type, providerMessage: error.message };
    // OpenAI says "out of money" with a 429; retrying never helps, so it must not look like a rate limit.
    const billing = [error.type, error.code].some((value) => value !== undefined && BILLING_CODES.has(value));
    if (billing) return classifyAs(NAME, 'billing', status, headers, info);
    return classifyByStatus(NAME, status, headers, info);
  },
};
