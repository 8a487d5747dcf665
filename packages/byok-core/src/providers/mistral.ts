import { openAICompatibleProvider } from './openai-compatible.js';
import { ProviderType } from './types.js';

/** Mistral publishes no key format; keys seen are 32 letters and digits. Kept lenient. */
export const mistralProvider = openAICompatibleProvider({
  id: ProviderType.MISTRAL,
  displayName: 'Mistral',
  keyShape: {
    label: 'a Mistral API key',
    prefixes: [],
    pattern: /^[A-Za-z0-9_-]{16,}$/,
    expected: 'at least 16 letters, digits, _ or -, without spaces',
  },
  keyPrefixes: [],
  apiKeyEnv: 'MISTRAL_API_KEY',
  systemKeyEnv: 'SYSTEM_MISTRAL_KEY',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  modelPrefixes: ['mistral/', 'mistralai/'],
  api: {
    defaultChatModel: 'mistral-medium-latest',
    defaultEmbeddingModel: 'mistral-embed',
  },
});
