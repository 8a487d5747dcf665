import type { EnvironmentName, FallbackChain, ProviderId } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** The fallback chain of one provider and environment; null when none is configured. */
export function useFallbackChain(
  provider: ProviderId,
  environment: EnvironmentName,
): Resource<FallbackChain | null> {
  const { client, workspaceId, userId, revision } = useBYOK();
  return useResource(
    () => client.getFallbackChain(provider, environment, { workspaceId }),
    `chain:${userId ?? ''}:${workspaceId ?? ''}:${provider}:${environment}`,
    revision,
  );
}
