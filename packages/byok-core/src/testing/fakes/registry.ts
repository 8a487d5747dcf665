import type { ProviderType } from '../../providers/types.js';
import { anthropicFake } from './anthropic.js';
import { deepgramFake } from './deepgram.js';
import { deepseekFake } from './deepseek.js';
import { geminiFake } from './gemini.js';
import { groqFake } from './groq.js';
import { mistralFake } from './mistral.js';
import { openaiFake } from './openai.js';
import { openrouterFake } from './openrouter.js';
import type { FakeProvider } from './shared.js';
import { twilioFake } from './twilio.js';
import { xaiFake } from './xai.js';

/**
 * The fake of every provider, each in its own file. Adding a provider is its file and one line
 * here; the `Record` type makes a missing fake a compile error.
 */
export const FAKES: Readonly<Record<ProviderType, FakeProvider>> = {
  openai: openaiFake,
  anthropic: anthropicFake,
  gemini: geminiFake,
  deepseek: deepseekFake,
  openrouter: openrouterFake,
  deepgram: deepgramFake,
  twilio: twilioFake,
  mistral: mistralFake,
  groq: groqFake,
  xai: xaiFake,
};
