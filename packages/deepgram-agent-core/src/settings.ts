import type { BYOKVoiceAgentConfig } from '@stack-2025/byok-core';
import type { AgentAudioFormat, AgentSettingsMessage, DeepgramVoiceAgentOptions } from './types.js';

const DEFAULT_INPUT: AgentAudioFormat = { encoding: 'linear16', sample_rate: 16_000 };
const DEFAULT_OUTPUT: AgentAudioFormat = { encoding: 'linear16', sample_rate: 24_000, container: 'none' };
/** Used when the config names no think stage: Deepgram runs this LLM on the user's Deepgram account. */
const DEFAULT_THINK = { provider: { type: 'open_ai', model: 'gpt-4o-mini' } };

type Json = Record<string, unknown>;
const rec = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/**
 * The Settings message for a BYOK voice config: `listen` and `speak` models become Deepgram
 * providers (other fields of those objects are passed on as provider settings, except
 * `language`, which moves to `agent.language`); `think` is passed as given (a `provider` object,
 * or a bare `{ type, model }` that is wrapped into one).
 */
export function settingsFor(
  config: BYOKVoiceAgentConfig,
  options: DeepgramVoiceAgentOptions = {},
): AgentSettingsMessage {
  const { model: listenModel, language, ...listenRest } = config.listen;
  const { model: speakModel, ...speakRest } = config.speak;
  const think: AgentSettingsMessage['agent']['think'] = config.think
    ? thinkStage(config.think)
    : { provider: { ...DEFAULT_THINK.provider } };
  if (options.prompt !== undefined) think.prompt = options.prompt;
  const message: AgentSettingsMessage = {
    type: 'Settings',
    audio: { input: options.input ?? DEFAULT_INPUT, output: options.output ?? DEFAULT_OUTPUT },
    agent: {
      ...(typeof language === 'string' ? { language } : {}),
      listen: { provider: { ...listenRest, type: 'deepgram', model: listenModel } },
      think,
      speak: { provider: { ...speakRest, type: 'deepgram', model: speakModel } },
      ...(options.greeting !== undefined ? { greeting: options.greeting } : {}),
    },
    ...(options.tags ? { tags: options.tags } : {}),
  };
  return message;
}

function thinkStage(think: Record<string, unknown>): AgentSettingsMessage['agent']['think'] {
  const provider = rec(think.provider);
  if (provider && typeof provider.type === 'string') {
    return { ...think, provider: provider as AgentSettingsMessage['agent']['think']['provider'] };
  }
  const { prompt, ...rest } = think;
  return {
    provider: {
      type: typeof rest.type === 'string' ? rest.type : 'open_ai',
      ...rest,
    } as AgentSettingsMessage['agent']['think']['provider'],
    ...(typeof prompt === 'string' ? { prompt } : {}),
  };
}

/** Bytes per second of an uncompressed format; undefined for compressed ones (opus, …). */
export function bytesPerSecond(format: AgentAudioFormat): number | undefined {
  if (format.encoding === 'linear16') return format.sample_rate * 2;
  if (format.encoding === 'linear32') return format.sample_rate * 4;
  if (format.encoding === 'mulaw' || format.encoding === 'alaw') return format.sample_rate;
  return undefined;
}
