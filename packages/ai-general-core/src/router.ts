import {
  type AIAttemptUsage,
  type AIKeyHandle,
  type AIProviderType,
  type BYOKAIConfig,
  type BYOKAIProviderConfig,
  BYOKError,
  isBYOKError,
} from '@stack-2025/byok-core';
import {
  embedMany,
  generateText,
  type LanguageModelUsage,
  streamText,
  type TextStreamPart,
  type ToolSet,
} from 'ai';
import { allProvidersFailed, codeOf, scrub, toProviderError } from './errors.js';
import { chatModel, DEFAULT_EMBEDDING_MODELS, embeddingModel } from './models.js';
import type {
  AIRouterOptions,
  CallOptions,
  ChatInput,
  ChatMessage,
  ChatResult,
  ChatStream,
  ChatUsage,
  EmbedOptions,
  EmbedResult,
  Served,
} from './types.js';

interface NormalizedChat {
  messages: ChatMessage[];
  provider: AIProviderType | undefined;
  model: string | undefined;
  maxOutputTokens: number | undefined;
  temperature: number | undefined;
}

/** A token count as BYOK records it: a non-negative integer (the SDK reports NaN or undefined when unknown). */
const tokens = (value: number | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;

const toUsage = (usage: LanguageModelUsage | undefined): ChatUsage => ({
  inputTokens: tokens(usage?.inputTokens),
  outputTokens: tokens(usage?.outputTokens),
  cachedTokens: tokens(usage?.inputTokenDetails?.cacheReadTokens ?? usage?.cachedInputTokens),
});

const attemptUsage = (model: string, usage: ChatUsage): AIAttemptUsage => ({ model, ...usage });

/**
 * Routes chat, streaming chat and embeddings to the providers of a BYOK AI config, in the
 * config's order (its `preferredProviders` first), each call on the user's own key through the
 * provider's fallback chain, falling back to the next provider when one fails, and recording
 * every attempt's usage into BYOK. Built on the Vercel AI SDK's providers.
 *
 * @example
 * const aiConfig = await createBYOKAIIntegration(byokManager).configFactory.createConfigWithBYOK('user_123');
 * const router = new AIRouter(aiConfig);
 * const { text, provider } = await router.chat('Hello!');
 */
export class AIRouter {
  readonly #config: BYOKAIConfig;
  readonly #options: AIRouterOptions;

  constructor(config: BYOKAIConfig, options: AIRouterOptions = {}) {
    if (typeof config !== 'object' || config === null || typeof config.providers !== 'object') {
      throw new BYOKError('INVALID_INPUT', 'AIRouter needs the config createConfigWithBYOK returns');
    }
    this.#config = config;
    this.#options = options;
  }

  /** The providers calls go to, in order. */
  get providers(): AIProviderType[] {
    return Object.keys(this.#config.providers) as AIProviderType[];
  }

  /** One chat answer, from the first provider that gives one. */
  async chat(input: ChatInput, options: CallOptions = {}): Promise<ChatResult> {
    const request = normalize(input);
    const { result, served } = await this.#serve(
      request.provider,
      (_provider, config) => request.model ?? config.defaultModel,
      async (provider, key, model, signal) => {
        const answer = await sdkCall(provider, key, () =>
          generateText(chatSettings(request, provider, key, model, signal)),
        );
        const usage = toUsage(answer.totalUsage);
        return {
          result: { text: answer.text, model: answer.response.modelId ?? model, usage },
          usage: attemptUsage(model, usage),
        };
      },
      options,
    );
    return { text: result.text, usage: result.usage, ...served, model: result.model };
  }

  /**
   * A streamed chat answer. Fallback (to another key or provider) happens until the first piece
   * arrives; a failure after that ends the stream with the error.
   */
  async stream(input: ChatInput, options: CallOptions = {}): Promise<ChatStream> {
    const request = normalize(input);
    const { result, served } = await this.#serve(
      request.provider,
      (_provider, config) => request.model ?? config.defaultModel,
      async (provider, key, model, signal) => {
        const started = streamText({
          ...chatSettings(request, provider, key, model, signal),
          // Errors arrive as stream parts; the SDK's default handler would print them (with the provider's message).
          onError: () => undefined,
        });
        const parts = started.fullStream[Symbol.asyncIterator]();
        const buffered: string[] = [];
        // Wait for the first piece (or the end): a refusal shows up here, while another key can still take over.
        for (;;) {
          const next = await parts.next();
          if (next.done) break;
          const part = next.value;
          if (part.type === 'error') throw toProviderError(part.error, provider, [key.apiKey]);
          if (part.type === 'text-delta') {
            buffered.push(part.text);
            break;
          }
          if (part.type === 'finish') {
            buffered.push('');
            return {
              result: finished(buffered, part),
              usage: attemptUsage(model, toUsage(part.totalUsage)),
            };
          }
        }
        return pending(buffered, parts, provider, key, model);
      },
      options,
    );
    return { ...served, ...result, [Symbol.asyncIterator]: () => result.textStream[Symbol.asyncIterator]() };
  }

  /** Embeddings of one text or many, from the first configured provider with an embeddings API. */
  async embed(values: string | string[], options: EmbedOptions = {}): Promise<EmbedResult> {
    const texts = typeof values === 'string' ? [values] : values;
    if (!Array.isArray(texts) || texts.length === 0 || texts.some((text) => typeof text !== 'string')) {
      throw new BYOKError('INVALID_INPUT', 'embed needs a string or a non-empty array of strings', {
        details: { field: 'values' },
      });
    }
    const { result, served } = await this.#serve(
      options.provider as AIProviderType | undefined,
      (provider) =>
        options.model ??
        this.#options.embeddingModels?.[provider] ??
        DEFAULT_EMBEDDING_MODELS[provider] ??
        '',
      async (provider, key, model, signal) => {
        const sdkModel = embeddingModel(provider, key, model);
        if (!sdkModel) throw noEmbeddings(provider);
        const answer = await sdkCall(provider, key, () =>
          embedMany({ model: sdkModel, values: texts, maxRetries: 0, abortSignal: signal }),
        );
        const inputTokens = tokens(answer.usage?.tokens);
        return { result: { embeddings: answer.embeddings, inputTokens }, usage: { model, inputTokens } };
      },
      options,
      (provider) =>
        DEFAULT_EMBEDDING_MODELS[provider] !== undefined ||
        this.#options.embeddingModels?.[provider] !== undefined,
    );
    return { embeddings: result.embeddings, usage: { inputTokens: result.inputTokens }, ...served };
  }

  /**
   * Runs `attempt` on each provider's key chain in turn (only `only` when given) until one
   * serves, and says who served it.
   */
  async #serve<T>(
    only: AIProviderType | undefined,
    modelFor: (provider: AIProviderType, config: BYOKAIProviderConfig) => string,
    attempt: (
      provider: AIProviderType,
      key: AIKeyHandle,
      model: string,
      signal: AbortSignal,
    ) => Promise<{ result: T; usage: AIAttemptUsage | Promise<AIAttemptUsage> }>,
    options: CallOptions,
    supports: (provider: AIProviderType) => boolean = () => true,
  ): Promise<{ result: T; served: Served }> {
    const order = only ? [only] : this.providers.filter(supports);
    if (only && !this.#config.providers[only]) {
      throw new BYOKError('NO_KEY_AVAILABLE', `This user has no usable ${only} key in the AI config`, {
        details: { provider: only, configured: this.providers },
      });
    }
    if (!only && order.length === 0 && this.providers.length > 0)
      throw noEmbeddings(this.providers[0] as AIProviderType);
    const failures: { provider: AIProviderType; error: unknown }[] = [];
    const acrossProviders = this.#options.fallbackAcrossProviders !== false;
    for (const provider of order) {
      const config = this.#config.providers[provider];
      if (!config) continue;
      const skippedProviders = failures.map(({ provider: failed, error }) => ({
        provider: failed,
        code: codeOf(error),
      }));
      const model = modelFor(provider, config);
      try {
        const served = await config.withKey((key, signal) => attempt(provider, key, model, signal), {
          ...callOptions(options),
          model,
        });
        const { keyId, wasSystemFallback, attempts } = served;
        return {
          result: served.result,
          served: { provider, model, keyId, wasSystemFallback, attempts, skippedProviders },
        };
      } catch (error) {
        // A bad request is the caller's, not the provider's: another provider would refuse it too.
        if (isBYOKError(error) && error.code === 'INVALID_INPUT') throw error;
        if (isAbort(error)) throw error;
        failures.push({ provider, error });
        if (!acrossProviders) break;
      }
    }
    if (failures.length === 1 && order.length === 1) throw failures[0]?.error;
    throw allProvidersFailed(failures);
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function noEmbeddings(provider: AIProviderType): BYOKError {
  return new BYOKError('INVALID_INPUT', `${provider} has no embeddings API the router can use`, {
    details: { provider, supported: Object.keys(DEFAULT_EMBEDDING_MODELS) },
  });
}

function callOptions(options: CallOptions): { signal?: AbortSignal; timeoutMs?: number } {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
}

/** The AI SDK settings chat and stream share. */
function chatSettings(
  request: NormalizedChat,
  provider: AIProviderType,
  key: AIKeyHandle,
  model: string,
  signal: AbortSignal,
) {
  return {
    model: chatModel(provider, key, model),
    messages: request.messages,
    maxRetries: 0,
    abortSignal: signal,
    ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}

async function sdkCall<T>(provider: AIProviderType, key: AIKeyHandle, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toProviderError(error, provider, [key.apiKey]);
  }
}

function normalize(input: ChatInput): NormalizedChat {
  if (typeof input === 'string') {
    if (input.trim() === '') throw new BYOKError('INVALID_INPUT', 'A chat message must not be empty');
    return {
      messages: [{ role: 'user', content: input }],
      provider: undefined,
      model: undefined,
      maxOutputTokens: undefined,
      temperature: undefined,
    };
  }
  if (
    typeof input !== 'object' ||
    input === null ||
    !Array.isArray(input.messages) ||
    input.messages.length === 0
  ) {
    throw new BYOKError(
      'INVALID_INPUT',
      'chat needs a string or { messages: [...] } with at least one message',
      {
        details: { field: 'messages' },
      },
    );
  }
  for (const message of input.messages) {
    if (!['system', 'user', 'assistant'].includes(message?.role) || typeof message.content !== 'string') {
      throw new BYOKError(
        'INVALID_INPUT',
        'Each message needs a role (system, user, assistant) and string content',
        {
          details: { field: 'messages' },
        },
      );
    }
  }
  return {
    messages: input.messages.map(({ role, content }) => ({ role, content })),
    provider: input.provider as AIProviderType | undefined,
    model: input.model,
    maxOutputTokens: input.maxOutputTokens,
    temperature: input.temperature,
  };
}

interface StreamParts {
  textStream: AsyncIterable<string>;
  text: Promise<string>;
  usage: Promise<ChatUsage>;
}

type Part = TextStreamPart<ToolSet>;

/** A stream that ended before any text. */
function finished(buffered: string[], part: Extract<Part, { type: 'finish' }>): StreamParts {
  const text = buffered.join('');
  return {
    textStream: (async function* () {
      if (text) yield text;
    })(),
    text: Promise.resolve(text),
    usage: Promise.resolve(toUsage(part.totalUsage)),
  };
}

/** The rest of a stream whose first piece has arrived; usage settles (and is recorded) at its end. */
function pending(
  buffered: string[],
  parts: AsyncIterator<Part>,
  provider: AIProviderType,
  key: AIKeyHandle,
  model: string,
): { result: StreamParts; usage: Promise<AIAttemptUsage> } {
  let settle!: (usage: ChatUsage, text: string) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<{ usage: ChatUsage; text: string }>((resolve, reject) => {
    settle = (usage, text) => resolve({ usage, text });
    fail = reject;
  });
  // Readers who only await `text`/`usage` must not see an unhandled rejection from the other.
  done.catch(() => undefined);
  const secret = key.apiKey;
  async function* pieces(): AsyncGenerator<string> {
    let text = '';
    try {
      for (const piece of buffered) {
        text += piece;
        yield piece;
      }
      for (;;) {
        const next = await parts.next();
        if (next.done) break;
        const part = next.value;
        if (part.type === 'text-delta') {
          text += part.text;
          yield part.text;
        } else if (part.type === 'error') {
          throw toProviderError(part.error, provider, [secret]);
        } else if (part.type === 'finish') {
          settle(toUsage(part.totalUsage), text);
        }
      }
      settle({ inputTokens: 0, outputTokens: 0, cachedTokens: 0 }, text);
    } catch (error) {
      const scrubbed =
        error instanceof Error ? Object.assign(error, { message: scrub(error.message, [secret]) }) : error;
      fail(scrubbed);
      throw scrubbed;
    }
  }
  return {
    result: {
      textStream: pieces(),
      text: done.then((d) => d.text),
      usage: done.then((d) => d.usage),
    },
    usage: done.then(({ usage }) => attemptUsage(model, usage)),
  };
}
