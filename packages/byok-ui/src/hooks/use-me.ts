import type { Me } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** Who the token belongs to, and their workspaces. */
export function useMe(): Resource<Me> {
  const { client, userId } = useBYOK();
  return useResource(() => client.me(), `me:${userId ?? ''}`);
}
