import { openAICompatibleProvider } from './openai-compatible.js';
import { ProviderType } from './types.js';

/** Groq keys are `gsk_` + 52 letters and digits today; kept lenient. */
export const groqProvider = openAICompatibleProvider({
  id: ProviderType.GROQ,
  displayName: 'Groq',
  keyShape: {
    label: 'a Groq API key',
    prefixes: ['gsk_'],
    pattern: /^gsk_[A-Za-z0-9]{6,}$/,
    expected: 'gsk_ followed by at least 6 letters or digits, without spaces',
  },
  keyPrefixes: ['gsk_'],
  apiKeyEnv: 'GROQ_API_KEY',
  systemKeyEnv: 'SYSTEM_GROQ_KEY',
  // Groq serves its OpenAI-compatible API under `/openai/v1`.
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  modelPrefixes: ['groq/'],
  api: { defaultChatModel: 'llama-3.3-70b-versatile' },
});
