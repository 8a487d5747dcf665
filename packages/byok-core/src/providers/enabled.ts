import { BYOKError } from '../errors/index.js';

/**
 * Refuses a provider the deployment did not enable (`enabledProviders`); undefined enables all.
 * Called by every entry point that stores or serves a key, so no path around it hands one out.
 */
export function assertProviderEnabled(
  enabledProviders: readonly string[] | undefined,
  provider: string,
): void {
  if (enabledProviders === undefined || enabledProviders.includes(provider)) return;
  throw new BYOKError(
    'PROVIDER_NOT_ENABLED',
    `Provider ${provider} is not enabled in this deployment (enabled: ${enabledProviders.join(', ') || 'none'})`,
    { details: { provider, enabledProviders: [...enabledProviders] } },
  );
}
