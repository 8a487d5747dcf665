import type { Workspace, WorkspaceMember } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** The workspaces the signed-in user belongs to, with their role in each. */
export function useWorkspaces(): Resource<Workspace[]> {
  const { client, userId, revision } = useBYOK();
  return useResource(() => client.listWorkspaces(), `workspaces:${userId ?? ''}`, revision);
}

/** The members of one workspace; nothing is loaded while `workspaceId` is undefined. */
export function useMembers(workspaceId: string | undefined): Resource<WorkspaceMember[]> {
  const { client, userId, revision } = useBYOK();
  return useResource(
    () => (workspaceId ? client.listMembers(workspaceId) : Promise.resolve([])),
    `members:${userId ?? ''}:${workspaceId ?? ''}`,
    revision,
  );
}
