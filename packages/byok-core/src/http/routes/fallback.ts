import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { BYOKSystem } from '../../create-byok.js';
import { Environment } from '../../providers/index.js';
import { callContext, ownerScope } from '../guards.js';
import {
  FallbackChainBody,
  FallbackChainParams,
  FallbackChainQuery,
  FallbackChainResponse,
} from '../schemas.js';
import { serializeChain } from '../serialize.js';
import type { HttpEnv } from '../types.js';
import { errorResponses, json, jsonBody, security } from './common.js';

/** `/fallback-chains/:provider`: which keys serve, in order, when the first one cannot. */
export function registerFallbackRoutes(
  app: OpenAPIHono<HttpEnv>,
  system: BYOKSystem,
  basePath: string,
): void {
  const tags = ['Fallback chains'];
  const path = `${basePath}/fallback-chains/{provider}`;

  app.openapi(
    createRoute({
      method: 'get',
      path,
      tags,
      security,
      summary: 'The fallback chain in force for a provider',
      description:
        'Yours, or a workspace’s with `workspaceId` (any member). Without a saved chain the defaults apply (`configured: false`).',
      request: { params: FallbackChainParams, query: FallbackChainQuery },
      responses: { 200: json(FallbackChainResponse, 'The chain'), ...errorResponses(400, 401, 404, 503) },
    }),
    async (c) => {
      const { provider } = c.req.valid('param');
      const { environment = Environment.PRODUCTION, workspaceId } = c.req.valid('query');
      const scope = await ownerScope(system, c, workspaceId, 'member');
      const chain = await system.fallback.getFallbackChain(scope, provider, environment);
      return c.json({ chain: serializeChain(chain) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path,
      tags,
      security,
      summary: 'Save the fallback chain for a provider',
      description:
        'Every key must be yours (or the workspace’s), of this provider and environment, and not revoked; anyone else’s key is "not found". A workspace’s chain needs an admin or owner.',
      request: {
        params: FallbackChainParams,
        query: FallbackChainQuery,
        body: jsonBody(FallbackChainBody),
      },
      responses: {
        200: json(FallbackChainResponse, 'The saved chain'),
        ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { provider } = c.req.valid('param');
      const { environment = Environment.PRODUCTION, workspaceId } = c.req.valid('query');
      const scope = await ownerScope(
        system,
        c,
        workspaceId,
        'admin',
        'Only workspace admins and owners can change fallback chains',
      );
      const chain = await system.fallback.configureFallbackChain(
        scope,
        provider,
        environment,
        c.req.valid('json'),
        callContext(c),
      );
      return c.json({ chain: serializeChain(chain) }, 200);
    },
  );
}
