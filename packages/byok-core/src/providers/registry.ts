import { anthropicProvider } from './anthropic.js';
import { deepgramProvider } from './deepgram.js';
import { deepseekProvider } from './deepseek.js';
import { geminiProvider } from './gemini.js';
import { openaiProvider } from './openai.js';
import { openrouterProvider } from './openrouter.js';
import { twilioProvider } from './twilio.js';
import type { ProviderDefinition, ProviderType } from './types.js';

/**
 * Every supported provider. Adding one is a new file exporting a `ProviderDefinition`, a new
 * `ProviderType` member, and one line here; the `Record` type makes a missing entry a compile error.
 */
export const PROVIDERS: Readonly<Record<ProviderType, ProviderDefinition>> = {
  openai: openaiProvider,
  anthropic: anthropicProvider,
  gemini: geminiProvider,
  deepseek: deepseekProvider,
  openrouter: openrouterProvider,
  deepgram: deepgramProvider,
  twilio: twilioProvider,
};
