import { openAICompatibleProvider } from './openai-compatible.js';
import { ProviderType } from './types.js';

/** xAI keys are `xai-` + letters and digits; kept lenient. */
export const xaiProvider = openAICompatibleProvider({
  id: ProviderType.XAI,
  displayName: 'xAI (Grok)',
  keyShape: {
    label: 'an xAI API key',
    prefixes: ['xai-'],
    pattern: /^xai-[A-Za-z0-9_-]{6,}$/,
    expected: 'xai- followed by at least 6 letters, digits, _ or -, without spaces',
  },
  keyPrefixes: ['xai-'],
  apiKeyEnv: 'XAI_API_KEY',
  systemKeyEnv: 'SYSTEM_XAI_KEY',
  defaultBaseUrl: 'https://api.x.ai/v1',
  modelPrefixes: ['xai/', 'x-ai/'],
  api: { defaultChatModel: 'grok-4-1-fast-non-reasoning' },
  // xAI has been seen answering a wrong key with 400 "Incorrect API key provided" and an account
  // without credits with 403 (observed, not documented): read the message, not only the status.
  refineError(status, message) {
    if (status === 400 && message !== undefined && /api key/i.test(message)) return 'invalid_key';
    if (status === 403 && message !== undefined && /credit|spending limit/i.test(message)) return 'billing';
    return undefined;
  },
});
