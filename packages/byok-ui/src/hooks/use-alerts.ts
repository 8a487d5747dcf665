import type { UsageAlert } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** The usage alerts of the current scope (the user's own, or the selected workspace's). */
export function useAlerts(): Resource<UsageAlert[]> {
  const { client, workspaceId, userId, revision } = useBYOK();
  return useResource(
    () => client.listAlerts({ workspaceId }),
    `alerts:${userId ?? ''}:${workspaceId ?? ''}`,
    revision,
  );
}
