/**
 * Copy-paste set-up for the official SDKs against the gateway: only the base URL changes, and the
 * gateway token (read from the environment, never pasted into code) replaces the provider key.
 */
export interface GatewaySnippet {
  id: 'openai' | 'anthropic' | 'ai-sdk';
  label: string;
  code: string;
}

export function gatewaySnippets(origin: string): GatewaySnippet[] {
  const base = origin.replace(/\/+$/, '');
  /** The options every SDK takes: the gateway's URL under `path`, and the token as the key. */
  const options = (path: string) => `{
  baseURL: '${base}${path}',
  apiKey: process.env.BYOK_GATEWAY_TOKEN,
}`;
  return [
    {
      id: 'openai',
      label: 'OpenAI SDK (openai)',
      code: `import OpenAI from 'openai';

const client = new OpenAI(${options('/v1')});
const reply = await client.chat.completions.create({
  model: 'openai/gpt-4o-mini', // or anthropic/…, gemini/…, deepseek/…, openrouter/vendor/model
  messages: [{ role: 'user', content: 'Hello' }],
});`,
    },
    {
      id: 'anthropic',
      label: 'Anthropic SDK (@anthropic-ai/sdk)',
      code: `import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic(${options('/anthropic')});
const message = await client.messages.create({
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello' }],
});`,
    },
    {
      id: 'ai-sdk',
      label: 'Vercel AI SDK (ai, @ai-sdk/openai)',
      code: `import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';

const byok = createOpenAI(${options('/v1')});
const { text } = await generateText({ model: byok.chat('openai/gpt-4o-mini'), prompt: 'Hello' });`,
    },
  ];
}
