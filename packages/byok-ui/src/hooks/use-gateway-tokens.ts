import type { GatewayTokenWithUsage } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** The gateway tokens of the current scope with this month's usage; settings and hints only, never a token. */
export function useGatewayTokens(): Resource<GatewayTokenWithUsage[]> {
  const { client, workspaceId, userId, revision } = useBYOK();
  return useResource(
    () => client.listGatewayTokens({ workspaceId }),
    `gateway-tokens:${userId ?? ''}:${workspaceId ?? ''}`,
    revision,
  );
}
