import { anthropicProvider } from './anthropic.js';
import { deepgramProvider } from './deepgram.js';
import { deepseekProvider } from './deepseek.js';
import { geminiProvider } from './gemini.js';
import { groqProvider } from './groq.js';
import { mistralProvider } from './mistral.js';
import { openaiProvider } from './openai.js';
import { openrouterProvider } from './openrouter.js';
import { twilioProvider } from './twilio.js';
import type { ProviderDefinition, ProviderType } from './types.js';
import { xaiProvider } from './xai.js';

/**
 * Every supported provider. Adding one is a new file exporting a `ProviderDefinition` (for an
 * OpenAI-compatible API, one `openAICompatibleProvider` call), a new `ProviderType` member, and one
 * line here; the `Record` type makes a missing entry a compile error. Nothing outside `providers/`
 * (and the fake in `testing/fakes/`) names a provider.
 */
export const PROVIDERS: Readonly<Record<ProviderType, ProviderDefinition>> = {
  openai: openaiProvider,
  anthropic: anthropicProvider,
  gemini: geminiProvider,
  deepseek: deepseekProvider,
  openrouter: openrouterProvider,
  deepgram: deepgramProvider,
  twilio: twilioProvider,
  mistral: mistralProvider,
  groq: groqProvider,
  xai: xaiProvider,
};
