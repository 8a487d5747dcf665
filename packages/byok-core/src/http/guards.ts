import type { Context } from 'hono';
import type { RequestContext } from '../audit/index.js';
import type { BYOKSystem } from '../create-byok.js';
import type { OwnerSelector } from '../keys/types.js';
import type { WorkspaceRole } from '../owners/workspace-service.js';
import { forbidden, invalid, notFound } from './problem.js';
import type { HttpEnv } from './types.js';

const RANK: Record<WorkspaceRole, number> = { member: 1, admin: 2, owner: 3 };

/** The acting user's id; the service token must name one in `X-BYOK-User-Id` for user routes. */
export function requireUser(c: Context<HttpEnv>): string {
  const { userId } = c.get('principal');
  if (userId === null) throw invalid('X-BYOK-User-Id is required when calling with the service token');
  return userId;
}

/** The audit context of this request: who, which request, from where. */
export function callContext(c: Context<HttpEnv>): RequestContext {
  return c.get('requestContext');
}

/** Same answer for a workspace that does not exist and one the caller is not a member of. */
export const workspaceNotFound = (workspaceId: string) => notFound(`Workspace ${workspaceId} not found`);

/**
 * The caller's role in a workspace, at least `minimum`. A non-member gets exactly the "not found"
 * of a missing workspace; a member without the role gets 403 (they already know it exists).
 */
export async function requireWorkspaceRole(
  system: BYOKSystem,
  c: Context<HttpEnv>,
  workspaceId: string,
  minimum: WorkspaceRole,
  forbiddenMessage?: string,
): Promise<{ userId: string; role: WorkspaceRole }> {
  const userId = requireUser(c);
  const role = await system.manager.workspaces.getRole(workspaceId, userId);
  if (!role) throw workspaceNotFound(workspaceId);
  if (RANK[role] < RANK[minimum]) {
    throw forbidden(
      forbiddenMessage ??
        (minimum === 'owner'
          ? 'Only workspace owners can do this'
          : 'Only workspace admins and owners can manage keys and members'),
    );
  }
  return { userId, role };
}

export const hasRole = (role: WorkspaceRole, minimum: WorkspaceRole): boolean => RANK[role] >= RANK[minimum];

/**
 * Whose resources a request is about: the caller's own, or — with `?workspaceId=` — a workspace's,
 * when the caller has at least `minimum` there (a non-member gets the "not found" of a missing one).
 */
export async function ownerScope(
  system: BYOKSystem,
  c: Context<HttpEnv>,
  workspaceId: string | undefined,
  minimum: WorkspaceRole,
  forbiddenMessage?: string,
): Promise<OwnerSelector> {
  if (workspaceId === undefined) return { userId: requireUser(c) };
  await requireWorkspaceRole(system, c, workspaceId, minimum, forbiddenMessage);
  return { workspaceId };
}
