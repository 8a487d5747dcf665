import { listProviders, ProviderType } from '../providers/index.js';
import { GatewayProblem } from './errors.js';
import type { GatewayToken } from './types.js';

/** Providers the gateway can send chat and embeddings to: those with an OpenAI-compatible API. */
export const GATEWAY_PROVIDERS: readonly ProviderType[] = listProviders()
  .filter((provider) => provider.openAICompatible !== undefined)
  .map((provider) => provider.id);
const KNOWN = new Set<string>(GATEWAY_PROVIDERS);

export interface Route {
  provider: ProviderType;
  /** The model id the provider knows (`gpt-6-luna`, `vendor/model` for OpenRouter). */
  model: string;
  /** What the caller asked for (`openai/gpt-6-luna`), matched against the token's patterns. */
  requested: string;
}

/**
 * `provider/model` → that provider's model; a bare model is OpenAI's. OpenRouter keeps the rest
 * (`openrouter/anthropic/claude-…` → `anthropic/claude-…`). A prefix that is no provider is refused
 * rather than sent to OpenAI, where it would fail anyway.
 */
export function routeModel(model: unknown, defaultProvider: ProviderType = ProviderType.OPENAI): Route {
  if (typeof model !== 'string' || model.trim() === '' || model.length > 300) {
    throw new GatewayProblem('INVALID_INPUT', '`model` is required: `provider/model`, or an OpenAI model');
  }
  const slash = model.indexOf('/');
  if (slash === -1) return { provider: defaultProvider, model, requested: model };
  const prefix = model.slice(0, slash);
  const rest = model.slice(slash + 1);
  if (!KNOWN.has(prefix) || rest === '') {
    throw new GatewayProblem(
      'UNKNOWN_PROVIDER',
      `Unknown provider "${prefix.slice(0, 40)}" in model; use one of ${GATEWAY_PROVIDERS.join(', ')} as prefix`,
    );
  }
  return { provider: prefix as ProviderType, model: rest, requested: model };
}

/** `*` matches any run of characters; everything else is literal. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

const compiled = new Map<string, RegExp>();
const matcher = (pattern: string): RegExp => {
  let found = compiled.get(pattern);
  if (!found) {
    found = globToRegExp(pattern);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, found);
  }
  return found;
};

/**
 * Whether the token may use this route. A pattern matches the requested name (`openai/gpt-*`) or
 * the provider's model id (`gpt-*`).
 * @throws GatewayProblem 403 `FORBIDDEN` naming what is not allowed.
 */
export function checkAllowed(token: GatewayToken, route: Route): void {
  if (token.allowedProviders && !token.allowedProviders.includes(route.provider)) {
    throw new GatewayProblem('FORBIDDEN', `This gateway token may not use ${route.provider}`);
  }
  if (token.allowedModels) {
    const full = `${route.provider}/${route.model}`;
    const ok = token.allowedModels.some((pattern) => {
      const re = matcher(pattern);
      return re.test(route.model) || re.test(full) || re.test(route.requested);
    });
    if (!ok) {
      throw new GatewayProblem(
        'FORBIDDEN',
        `This gateway token may not use model ${route.requested.slice(0, 200)}`,
      );
    }
  }
}
