import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { BYOKSystem } from '../../create-byok.js';
import { listProviders } from '../../providers/index.js';
import { requireWorkspaceRole } from '../guards.js';
import { AuditListResponse, AuditQuery, MeResponse, ProviderListResponse } from '../schemas.js';
import { credentialFields, serializeAuditEntry } from '../serialize.js';
import type { HttpEnv } from '../types.js';
import { errorResponses, json, serviceSecurity } from './common.js';

/** `/me`, `/providers` and `/audit`. */
export function registerAccountRoutes(app: OpenAPIHono<HttpEnv>, system: BYOKSystem, basePath: string): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/me`,
      tags: ['Account'],
      security: serviceSecurity,
      summary: 'Who you are and your workspaces',
      responses: { 200: json(MeResponse, 'The caller'), ...errorResponses(401) },
    }),
    async (c) => {
      const { userId, isServiceToken } = c.get('principal');
      const workspaces = userId ? await system.manager.workspaces.listForUser(userId) : [];
      return c.json(
        {
          userId,
          isServiceToken,
          workspaces: workspaces.map((w) => ({ id: w.id, name: w.name, role: w.role ?? 'member' })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/providers`,
      tags: ['Account'],
      security: serviceSecurity,
      summary: 'Supported providers and their credential fields',
      responses: {
        200: json(ProviderListResponse, 'The providers enabled on this server'),
        ...errorResponses(401),
      },
    }),
    (c) => {
      const enabled = system.enabledProviders;
      const providers = listProviders()
        .filter((p) => !enabled || enabled.includes(p.id))
        .map((p) => ({
          id: p.id,
          displayName: p.displayName,
          category: p.category,
          credentialFields: credentialFields(p),
        }));
      return c.json({ providers }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/audit`,
      tags: ['Audit'],
      security: serviceSecurity,
      summary: 'Audit entries, newest first',
      description:
        'Your own entries; a workspace’s with `workspaceId` (admins and owners); everything for the service token acting for nobody.',
      request: { query: AuditQuery },
      responses: {
        200: json(AuditListResponse, 'One page of entries'),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { limit = 100, before, workspaceId } = c.req.valid('query');
      const { userId } = c.get('principal');
      let owner: { type: 'user' | 'workspace'; id: string } | undefined;
      if (workspaceId) {
        if (userId !== null) await requireWorkspaceRole(system, c, workspaceId, 'admin');
        owner = { type: 'workspace', id: workspaceId };
      } else if (userId !== null) {
        owner = { type: 'user', id: userId };
      }
      const entries = await system.audit.list({
        ...(owner ? { owner } : {}),
        limit,
        ...(before ? { beforeId: before } : {}),
      });
      const nextBefore = entries.length === limit ? (entries.at(-1)?.id ?? null) : null;
      return c.json({ entries: entries.map(serializeAuditEntry), nextBefore }, 200);
    },
  );
}
