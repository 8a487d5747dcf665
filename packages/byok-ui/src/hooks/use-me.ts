import type { Me } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** Who the token belongs to, and their workspaces. */
export function useMe(): Resource<Me> {
  const { client, userId, revision } = useBYOK();
  // Re-read after writes too: a workspace created or left changes the list.
  return useResource(() => client.me(), `me:${userId ?? ''}`, revision);
}
