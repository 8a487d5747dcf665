import type { GatewayToken } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** The gateway tokens of the current scope; their settings and hints only, never a token. */
export function useGatewayTokens(): Resource<GatewayToken[]> {
  const { client, workspaceId, userId, revision } = useBYOK();
  return useResource(
    () => client.listGatewayTokens({ workspaceId }),
    `gateway-tokens:${userId ?? ''}:${workspaceId ?? ''}`,
    revision,
  );
}
