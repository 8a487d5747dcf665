import { generateText, type ModelMessage } from 'ai';
import { type KeyData, ProviderType, secretValues } from '../providers/index.js';
import type { CallUsage, FallbackRunOutcome } from './call.js';
import { chatModel, chatUsage, defaultMaxTokens } from './chat-providers.js';
import { sdkFailure } from './sdk-errors.js';
import type { AIProviderType, ChatMessage } from './types.js';

/** A chat request after defaults are applied. */
export interface ChatRequest {
  messages: ChatMessage[];
  model: string;
  maxTokens: number | undefined;
}

/** Providers whose API takes one system instruction apart from the turns (Anthropic's `system`, Gemini's `systemInstruction`). */
const SEPARATE_SYSTEM: ReadonlySet<ProviderType> = new Set([ProviderType.ANTHROPIC, ProviderType.GEMINI]);

/** The request in the AI SDK's terms: system messages joined into one where the provider wants it so. */
function prompt(
  provider: AIProviderType,
  messages: ChatMessage[],
): { system?: string; messages: ModelMessage[] } {
  if (!SEPARATE_SYSTEM.has(provider)) return { messages };
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const turns = messages.filter((m) => m.role !== 'system') as ModelMessage[];
  return system.length > 0 ? { system: system.join('\n\n'), messages: turns } : { messages: turns };
}

/**
 * One chat call with one key through the AI SDK (no retries: the fallback chain decides what
 * happens next). Failures are thrown as classified `ProviderCallError`s without the key.
 */
export async function chatWithSdk(
  provider: AIProviderType,
  baseUrl: string,
  keyData: KeyData,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<FallbackRunOutcome<{ text: string; model: string }>> {
  const maxOutputTokens = request.maxTokens ?? defaultMaxTokens(provider);
  try {
    const answer = await generateText({
      model: chatModel(provider, baseUrl, keyData, request.model),
      ...prompt(provider, request.messages),
      ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
      // The application's own system messages, kept where it placed them for OpenAI-style APIs.
      allowSystemInMessages: true,
      maxRetries: 0,
      abortSignal: signal,
    });
    const model = answer.response.modelId || request.model;
    const usage: CallUsage = chatUsage(model, answer.usage, answer.response.body);
    return { result: { text: answer.text, model }, usage };
  } catch (error) {
    throw sdkFailure(error, provider, secretValues(provider, keyData));
  }
}
