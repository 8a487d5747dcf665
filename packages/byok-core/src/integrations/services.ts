import { isBYOKError } from '../errors/index.js';
import type { FallbackKeyResult, FallbackManager } from '../fallback/index.js';
import type { Logger } from '../logging/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { type Environment, type ProviderType, resolveBaseUrl } from '../providers/index.js';
import type { RecordUsageInput, UsageRecorded } from '../usage/index.js';

/** What the integrations use of a manager: the fallback chain, usage recording, base URLs, a logger. */
export interface IntegrationServices {
  fallback: Pick<FallbackManager, 'getKeyWithFallback' | 'executeWithFallback'>;
  recordUsage(input: RecordUsageInput): Promise<UsageRecorded>;
  /** The provider's base URL: `options.providers` override, `BYOK_<P>_BASE_URL`, default. No trailing slash. */
  baseUrl(provider: ProviderType): string;
  logger: Logger;
  /** Whether the deployment's `enabledProviders` allows the provider. */
  isEnabled(provider: ProviderType): boolean;
}

/**
 * The manager's services as the integrations and adapters use them: its own `fallback` (one
 * instance per manager, so that system-key cooldowns and metrics are shared) and `recordUsage`.
 * @internal
 */
export function integrationServices(manager: BYOKManager): IntegrationServices {
  const options = manager.context.options;
  return {
    fallback: manager.fallback,
    recordUsage: (input) => manager.recordUsage(input),
    // Read at each call: `BYOK_<P>_BASE_URL` may be set after the manager was made.
    baseUrl: (provider) => resolveBaseUrl(provider, options.providers),
    logger: manager.context.logger.child({ component: 'integrations' }),
    isEnabled: (provider) => manager.isProviderEnabled(provider),
  };
}

/** The user's key for a provider, or undefined when there is none (or only a system key, not allowed). */
export async function usableKey(
  services: IntegrationServices,
  user: string,
  provider: ProviderType,
  environment: Environment,
  allowSystemKey: boolean,
): Promise<FallbackKeyResult | undefined> {
  try {
    const key = await services.fallback.getKeyWithFallback({ userId: user }, provider, environment);
    return key.wasSystemFallback && !allowSystemKey ? undefined : key;
  } catch (error) {
    if (isBYOKError(error) && error.code === 'NO_KEY_AVAILABLE') return undefined;
    throw error;
  }
}
