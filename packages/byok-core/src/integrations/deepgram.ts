import { z } from 'zod';
import { BYOKError, invalidInput, isBYOKError, parseInput } from '../errors/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { Environment, ProviderType } from '../providers/index.js';
import { callWithFallback, count, maskSecrets, unexpectedAnswer, userIdOf } from './call.js';
import { integrationServices } from './services.js';
import type {
  BYOKVoiceAgentConfig,
  TranscribeInput,
  TranscribeOptions,
  TranscriptionResult,
  VoiceAgentOptions,
  VoiceSessionUsage,
} from './types.js';

const DEFAULT_LISTEN_MODEL = 'nova-3';
const DEFAULT_SPEAK_MODEL = 'aura-2-thalia-en';
const DEFAULT_TIMEOUT_MS = 120_000;
/** Largest audio body sent from memory; bigger files should be passed by URL. */
const MAX_AUDIO_BYTES = 100 * 1024 * 1024;

const model = z.string().trim().min(1).max(200);
const optionsSchema = z.object({
  listen: z.looseObject({ model: model.optional(), language: z.string().max(35).optional() }).optional(),
  speak: z.looseObject({ model: model.optional() }).optional(),
  think: z.record(z.string(), z.unknown()).optional(),
  fallbackToSystem: z.boolean().optional(),
  environment: z.enum(Environment).optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
});

type Json = Record<string, unknown>;
const rec = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/**
 * Deepgram voice-agent configuration on each user's own Deepgram key.
 *
 * @example
 * const deepgram = createBYOKDeepgramIntegration(byokManager);
 * const voice = await deepgram.config.createVoiceAgentConfig('user_123', { listen: { model: 'nova-2-conversational' } });
 * const { transcript, audioSeconds } = await voice.transcribe({ url: 'https://example.com/call.wav' });
 */
export function createBYOKDeepgramIntegration(manager: BYOKManager): {
  config: {
    createVoiceAgentConfig(userId: string, options?: VoiceAgentOptions): Promise<BYOKVoiceAgentConfig>;
  };
} {
  const services = integrationServices(manager);
  return {
    config: {
      async createVoiceAgentConfig(userId, options = {}) {
        const user = userIdOf(userId);
        const parsed = parseInput(optionsSchema, options, 'voice agent options');
        const environment = parsed.environment ?? Environment.PRODUCTION;
        const allowSystemKey = parsed.fallbackToSystem === true;
        let key: Awaited<ReturnType<typeof services.fallback.getKeyWithFallback>>;
        try {
          key = await services.fallback.getKeyWithFallback(
            { userId: user },
            ProviderType.DEEPGRAM,
            environment,
          );
        } catch (error) {
          if (isBYOKError(error) && error.code === 'NO_KEY_AVAILABLE') throw noDeepgramKey(error);
          throw error;
        }
        if (key.wasSystemFallback && !allowSystemKey) throw noDeepgramKey();
        const baseUrl = services.baseUrl(ProviderType.DEEPGRAM);
        const listen = { ...parsed.listen, model: parsed.listen?.model ?? DEFAULT_LISTEN_MODEL };
        const speak = { ...parsed.speak, model: parsed.speak?.model ?? DEFAULT_SPEAK_MODEL };
        const timeoutMs = parsed.timeoutMs ?? DEFAULT_TIMEOUT_MS;

        const transcribe = async (
          audio: TranscribeInput,
          transcribeOptions: TranscribeOptions = {},
        ): Promise<TranscriptionResult> => {
          const { body, contentType } = audioBody(audio, transcribeOptions.mimeType);
          const query = new URLSearchParams({ model: listen.model });
          if (typeof listen.language === 'string') query.set('language', listen.language);
          for (const [name, value] of Object.entries(transcribeOptions.query ?? {}))
            query.set(name, String(value));
          const outcome = await callWithFallback({
            services,
            owner: user,
            provider: ProviderType.DEEPGRAM,
            environment,
            allowSystemKey,
            build: (serving) => ({
              url: `${baseUrl}/listen?${query}`,
              // API keys use the `Token` scheme; `Bearer` is for short-lived JWTs.
              headers: {
                authorization: `Token ${serving.keyData.apiKey ?? ''}`,
                'content-type': contentType,
                accept: 'application/json',
              },
              body,
            }),
            parse: (answer) => {
              const root = rec(answer);
              const metadata = rec(root?.metadata);
              if (!metadata) throw unexpectedAnswer(ProviderType.DEEPGRAM, 'metadata');
              const channels = rec(root?.results)?.channels;
              const first = Array.isArray(channels) ? rec(channels[0]) : undefined;
              const alternatives = first?.alternatives;
              const best = Array.isArray(alternatives) ? rec(alternatives[0]) : undefined;
              const duration = typeof metadata.duration === 'number' ? metadata.duration : 0;
              return {
                result: {
                  transcript: typeof best?.transcript === 'string' ? best.transcript : '',
                  audioSeconds: duration,
                  channels: count(metadata.channels),
                  requestId: typeof metadata.request_id === 'string' ? metadata.request_id : undefined,
                  raw: answer,
                },
                // Deepgram bills audio time and returns no price: the audio seconds are stored, the cost unpriced.
                usage: { model: query.get('model') ?? listen.model, audioSeconds: duration },
              };
            },
            failureUsage: { model: query.get('model') ?? listen.model },
            timeoutMs,
            signal: transcribeOptions.signal,
          });
          return {
            ...outcome.result,
            model: query.get('model') ?? listen.model,
            keyId: outcome.keyId,
            wasSystemFallback: outcome.wasSystemFallback,
            attempts: outcome.attempts,
          };
        };

        const recordSession = async (session: VoiceSessionUsage): Promise<void> => {
          const audioSeconds = Number.isFinite(session.audioSeconds) ? Math.max(0, session.audioSeconds) : 0;
          const durationMs = session.durationMs;
          try {
            await services.recordUsage({
              // The application's own key has no row: its use is counted for the user alone.
              ...(key.wasSystemFallback ? {} : { keyId: key.keyId }),
              userId: user,
              provider: ProviderType.DEEPGRAM,
              model: session.model ?? listen.model,
              requests: 1,
              audioSeconds,
              ...(durationMs !== undefined && Number.isFinite(durationMs)
                ? { latencyMs: Math.min(86_400_000, Math.max(0, Math.round(durationMs))) }
                : {}),
              success: session.success !== false,
            });
          } catch (error) {
            services.logger.error(
              {
                provider: 'deepgram',
                keyId: key.keyId,
                err: { name: (error as Error)?.name, code: (error as BYOKError)?.code },
              },
              'voice session usage could not be recorded',
            );
          }
        };

        const apiKey = key.keyData.apiKey;
        if (apiKey === undefined)
          throw new BYOKError('INTERNAL_ERROR', 'The Deepgram credential has no apiKey');
        const config: BYOKVoiceAgentConfig = {
          userId: user,
          apiKey,
          baseUrl,
          keyId: key.keyId,
          wasSystemFallback: key.wasSystemFallback,
          listen,
          speak,
          ...(parsed.think ? { think: parsed.think } : {}),
          transcribe,
          recordSession,
        };
        return maskSecrets(config, ProviderType.DEEPGRAM, key.keyData, ['apiKey']);
      },
    },
  };
}

function noDeepgramKey(cause?: unknown): BYOKError {
  return new BYOKError('NO_KEY_AVAILABLE', 'No usable Deepgram key for this user', {
    details: { provider: ProviderType.DEEPGRAM },
    ...(cause ? { cause } : {}),
  });
}

function audioBody(
  audio: TranscribeInput,
  mimeType: string | undefined,
): { body: string | Uint8Array; contentType: string } {
  if (audio instanceof Uint8Array || audio instanceof ArrayBuffer) {
    const bytes = audio instanceof Uint8Array ? audio : new Uint8Array(audio);
    if (bytes.byteLength === 0) throw invalidInput('The audio is empty', { field: 'audio' });
    if (bytes.byteLength > MAX_AUDIO_BYTES) {
      throw invalidInput(`Audio larger than ${MAX_AUDIO_BYTES} bytes must be passed by URL`, {
        field: 'audio',
      });
    }
    return { body: bytes, contentType: mimeType ?? 'application/octet-stream' };
  }
  const url = rec(audio)?.url;
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw invalidInput('audio must be bytes or { url } with an http(s) URL', { field: 'audio' });
  }
  return { body: JSON.stringify({ url }), contentType: 'application/json' };
}
