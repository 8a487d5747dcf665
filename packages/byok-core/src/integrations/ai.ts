import { z } from 'zod';
import { BYOKError, invalidInput, parseInput } from '../errors/index.js';
import type { FallbackKeyResult } from '../fallback/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { Environment } from '../providers/index.js';
import { maskSecrets, runWithFallback, userIdOf } from './call.js';
import { type ChatRequest, chatWithSdk } from './chat.js';
import { AI_PROVIDERS, defaultChatModel } from './chat-providers.js';
import { type IntegrationServices, integrationServices, usableKey } from './services.js';
import type {
  AIProviderType,
  BYOKAIConfig,
  BYOKAIProviderConfig,
  CompleteFunction,
  CompleteOptions,
  CompletionInput,
  CompletionResult,
  CreateAIConfigOptions,
  WithKeyAttempt,
  WithKeyOptions,
  WithKeyResult,
} from './types.js';

export { AI_PROVIDERS };

const DEFAULT_TIMEOUT_MS = 60_000;

// Provider calls made through each config, so that the Express usage middleware does not count a
// request twice when `complete` already recorded it with the provider's figures.
const callsMade = new WeakMap<BYOKAIConfig, number>();

/** How many `complete` calls were made through a config's providers. @internal */
export function completionsMade(config: BYOKAIConfig): number {
  return callsMade.get(config) ?? 0;
}
const MAX_MESSAGE_CHARS = 1_000_000;

const aiProvider = z.enum(AI_PROVIDERS as [AIProviderType, ...AIProviderType[]]);
const optionsSchema = z.strictObject({
  fallbackToSystem: z.boolean().optional(),
  preferredProviders: z.array(aiProvider).max(AI_PROVIDERS.length).optional(),
  providers: z.array(aiProvider).max(AI_PROVIDERS.length).optional(),
  environment: z.enum(Environment).optional(),
  models: z.partialRecord(aiProvider, z.string().trim().min(1).max(200)).optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
});

const message = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(MAX_MESSAGE_CHARS),
});
const completionSchema = z.union([
  z.string().min(1).max(MAX_MESSAGE_CHARS),
  z.strictObject({
    messages: z.array(message).min(1).max(1000),
    model: z.string().trim().min(1).max(200).optional(),
    maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  }),
]);

function order(options: z.infer<typeof optionsSchema>): AIProviderType[] {
  const allowed = new Set(options.providers ?? AI_PROVIDERS);
  const preferred = options.preferredProviders ?? [];
  return [...new Set([...preferred, ...AI_PROVIDERS])].filter((p) => allowed.has(p));
}

/**
 * AI provider configuration built on each user's own keys.
 *
 * @example
 * const ai = createBYOKAIIntegration(byokManager);
 * const aiConfig = await ai.configFactory.createConfigWithBYOK('user_123', { preferredProviders: ['anthropic'] });
 * const reply = await aiConfig.providers.anthropic?.complete('Hello!');
 */
export function createBYOKAIIntegration(manager: BYOKManager): {
  configFactory: {
    createConfigWithBYOK(userId: string, options?: CreateAIConfigOptions): Promise<BYOKAIConfig>;
  };
} {
  const services = integrationServices(manager);
  return {
    configFactory: {
      async createConfigWithBYOK(userId, options = {}) {
        const user = userIdOf(userId);
        const parsed = parseInput(optionsSchema, options, 'AI config options');
        const environment = parsed.environment ?? Environment.PRODUCTION;
        const allowSystemKey = parsed.fallbackToSystem === true;
        // Providers the deployment did not enable are left out, as if the user had no key for them.
        const candidates = order(parsed).filter((provider) => services.isEnabled(provider));
        // One lookup per provider, at once; the order of the result is the preference order.
        const keys = await Promise.all(
          candidates.map((provider) => usableKey(services, user, provider, environment, allowSystemKey)),
        );
        const config: BYOKAIConfig = { userId: user, environment, providers: {}, defaultProvider: null };
        const onCall = () => callsMade.set(config, (callsMade.get(config) ?? 0) + 1);
        candidates.forEach((provider, index) => {
          const key = keys[index];
          if (!key) return;
          config.defaultProvider ??= provider;
          config.providers[provider] = providerConfig(services, user, provider, key, {
            environment,
            allowSystemKey,
            model: parsed.models?.[provider] ?? defaultChatModel(provider),
            timeoutMs: parsed.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            onCall,
          });
        });
        return config;
      },
    },
  };
}

interface ProviderSettings {
  environment: Environment;
  allowSystemKey: boolean;
  model: string;
  timeoutMs: number;
  onCall: () => void;
}

function providerConfig(
  services: IntegrationServices,
  userId: string,
  provider: AIProviderType,
  key: FallbackKeyResult,
  settings: ProviderSettings,
): BYOKAIProviderConfig {
  const baseURL = services.baseUrl(provider);

  const complete = (async (input: CompletionInput, options: CompleteOptions = {}) => {
    const given = parseInput(completionSchema, input, 'completion request');
    const request: ChatRequest =
      typeof given === 'string'
        ? { messages: [{ role: 'user', content: given }], model: settings.model, maxTokens: undefined }
        : { messages: given.messages, model: given.model ?? settings.model, maxTokens: given.maxTokens };
    if (!request.messages.some((m) => m.role !== 'system')) {
      throw invalidInput('A completion needs at least one user or assistant message', { field: 'messages' });
    }
    settings.onCall();
    const run = await runWithFallback({
      services,
      owner: userId,
      provider,
      environment: settings.environment,
      allowSystemKey: settings.allowSystemKey,
      run: (serving, signal) => chatWithSdk(provider, baseURL, serving.keyData, request, signal),
      failureUsage: { model: request.model },
      timeoutMs: options.timeoutMs ?? settings.timeoutMs,
      signal: options.signal,
    });
    const outcome = { ...run, usage: await run.usage };
    if (!options.includeUsage) return outcome.result.text;
    const { model, inputTokens = 0, outputTokens = 0, cachedTokens = 0, costUsd } = outcome.usage;
    const result: CompletionResult = {
      text: outcome.result.text,
      model: model ?? request.model,
      usage: { inputTokens, outputTokens, cachedTokens, ...(costUsd !== undefined ? { costUsd } : {}) },
      keyId: outcome.keyId,
      wasSystemFallback: outcome.wasSystemFallback,
      attempts: outcome.attempts,
      latencyMs: outcome.latencyMs,
    };
    return result;
  }) as CompleteFunction;

  const withKey = async <T>(
    attempt: WithKeyAttempt<T>,
    options: WithKeyOptions = {},
  ): Promise<WithKeyResult<T>> => {
    settings.onCall();
    const outcome = await runWithFallback({
      services,
      owner: userId,
      provider,
      environment: settings.environment,
      allowSystemKey: settings.allowSystemKey,
      run: async (serving, signal) => {
        const secret = serving.keyData.apiKey;
        if (secret === undefined)
          throw new BYOKError('INTERNAL_ERROR', `The ${provider} credential has no apiKey`);
        const handle = {
          apiKey: secret,
          // Only credentials whose schema has them (OpenAI's) carry an organization or project.
          ...(serving.keyData.organization ? { organization: serving.keyData.organization } : {}),
          ...(serving.keyData.project ? { project: serving.keyData.project } : {}),
          baseURL,
          keyId: serving.keyId,
          wasSystemFallback: serving.wasSystemFallback,
        };
        return attempt(maskSecrets(handle, provider, serving.keyData, ['apiKey']), signal);
      },
      failureUsage: { model: options.model ?? settings.model },
      timeoutMs: options.timeoutMs ?? settings.timeoutMs,
      signal: options.signal,
    });
    return {
      result: outcome.result,
      keyId: outcome.keyId,
      wasSystemFallback: outcome.wasSystemFallback,
      attempts: outcome.attempts,
      latencyMs: outcome.latencyMs,
      usage: outcome.usage,
    };
  };

  const apiKey = key.keyData.apiKey;
  if (apiKey === undefined) {
    throw new BYOKError('INTERNAL_ERROR', `The ${provider} credential has no apiKey`, {
      details: { provider },
    });
  }
  const config: BYOKAIProviderConfig = {
    provider,
    apiKey,
    ...(key.keyData.organization ? { organization: key.keyData.organization } : {}),
    ...(key.keyData.project ? { project: key.keyData.project } : {}),
    baseURL,
    keyId: key.keyId,
    wasSystemFallback: key.wasSystemFallback,
    defaultModel: settings.model,
    complete,
    withKey,
  };
  return maskSecrets(config, provider, key.keyData, ['apiKey']);
}
