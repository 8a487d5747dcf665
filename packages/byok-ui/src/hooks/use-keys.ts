import { useMemo } from 'react';
import type { Key, ListKeysFilter } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** The keys of the current scope (the user's own, or the selected workspace's). Secrets never included. */
export function useKeys(filter: ListKeysFilter = {}): Resource<Key[]> {
  const { client, workspaceId, userId, revision } = useBYOK();
  const { provider, environment, status } = filter;
  const key = `keys:${userId ?? ''}:${workspaceId ?? ''}:${provider ?? ''}:${environment ?? ''}:${status ?? ''}`;
  const query = useMemo(() => {
    const q: ListKeysFilter = {};
    if (provider) q.provider = provider;
    if (environment) q.environment = environment;
    if (status) q.status = status;
    return q;
  }, [provider, environment, status]);
  return useResource(() => client.listKeys(query, { workspaceId }), key, revision);
}
