import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { BYOKSystem } from '../../create-byok.js';
import { BYOKError } from '../../errors/index.js';
import { callContext, hasRole, requireUser, requireWorkspaceRole } from '../guards.js';
import { forbidden, notFound } from '../problem.js';
import {
  AddMemberBody,
  CreateWorkspaceBody,
  MemberListResponse,
  MemberResponse,
  WorkspaceListResponse,
  WorkspaceMemberParams,
  WorkspaceParams,
  WorkspaceResponse,
} from '../schemas.js';
import { serializeMember, serializeWorkspace } from '../serialize.js';
import type { HttpEnv } from '../types.js';
import { errorResponses, json, jsonBody, security } from './common.js';

/** Workspaces and their members. Members see; admins manage members; only owners touch owners. */
export function registerWorkspaceRoutes(
  app: OpenAPIHono<HttpEnv>,
  system: BYOKSystem,
  basePath: string,
): void {
  const workspaces = system.manager.workspaces;
  const tags = ['Workspaces'];

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/workspaces`,
      tags,
      security,
      summary: 'Create a workspace (you become its owner)',
      request: { body: jsonBody(CreateWorkspaceBody) },
      responses: {
        201: json(WorkspaceResponse, 'The new workspace'),
        ...errorResponses(400, 401, 413, 415, 429),
      },
    }),
    async (c) => {
      const userId = requireUser(c);
      const workspace = await workspaces.createWorkspace(
        { name: c.req.valid('json').name, ownerUserId: userId },
        callContext(c),
      );
      return c.json({ workspace: serializeWorkspace(workspace, 'owner') }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/workspaces`,
      tags,
      security,
      summary: 'List your workspaces',
      responses: {
        200: json(WorkspaceListResponse, 'Workspaces you are a member of'),
        ...errorResponses(401),
      },
    }),
    async (c) => {
      const list = await workspaces.listForUser(requireUser(c));
      return c.json({ workspaces: list.map((w) => serializeWorkspace(w, w.role ?? 'member')) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/workspaces/{id}/members`,
      tags,
      security,
      summary: 'List a workspace’s members',
      request: { params: WorkspaceParams },
      responses: { 200: json(MemberListResponse, 'The members'), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await requireWorkspaceRole(system, c, id, 'member');
      return c.json({ members: (await workspaces.listMembers(id)).map(serializeMember) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/workspaces/{id}/members`,
      tags,
      security,
      summary: 'Add a member, or change a member’s role',
      description: 'Admins add and change admins and members; only owners grant or take away `owner`.',
      request: { params: WorkspaceParams, body: jsonBody(AddMemberBody) },
      responses: {
        200: json(MemberResponse, 'The member as stored'),
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { userId, role } = c.req.valid('json');
      const caller = await requireWorkspaceRole(system, c, id, 'admin');
      const current = await workspaces.getRole(id, userId);
      if ((role === 'owner' || current === 'owner') && !hasRole(caller.role, 'owner')) {
        throw forbidden('Only workspace owners can grant or change the owner role');
      }
      if (current === 'owner' && role !== 'owner') {
        const owners = (await workspaces.listMembers(id)).filter((m) => m.role === 'owner');
        if (owners.length <= 1)
          throw new BYOKError('CONFLICT', 'The last owner of a workspace cannot be demoted');
      }
      await workspaces.addMember(id, userId, role, callContext(c));
      const member = (await workspaces.listMembers(id)).find((m) => m.userId === userId);
      if (!member) throw notFound(`User ${userId} is not a member of workspace ${id}`);
      return c.json({ member: serializeMember(member) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${basePath}/workspaces/{id}/members/{userId}`,
      tags,
      security,
      summary: 'Remove a member (or leave)',
      description: 'Admins remove admins and members, owners anyone; every member may remove themselves.',
      request: { params: WorkspaceMemberParams },
      responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      const self = requireUser(c) === userId;
      const caller = await requireWorkspaceRole(system, c, id, self ? 'member' : 'admin');
      if (!self && (await workspaces.getRole(id, userId)) === 'owner' && !hasRole(caller.role, 'owner')) {
        throw forbidden('Only workspace owners can remove an owner');
      }
      await workspaces.removeMember(id, userId, callContext(c));
      return c.body(null, 204);
    },
  );
}
