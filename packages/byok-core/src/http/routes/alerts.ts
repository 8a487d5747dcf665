import { isIP } from 'node:net';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { BYOKSystem } from '../../create-byok.js';
import { callContext, ownerScope } from '../guards.js';
import { invalid } from '../problem.js';
import {
  AlertParams,
  CreateAlertBody,
  ScopeQuery,
  UsageAlertListResponse,
  UsageAlertResponse,
} from '../schemas.js';
import { serializeAlert } from '../serialize.js';
import type { HttpEnv } from '../types.js';
import { errorResponses, json, jsonBody, security } from './common.js';

const MANAGE = 'Only workspace admins and owners can manage usage alerts';

/** IPv4 ranges a webhook must not point into: this host, private networks, link-local (cloud metadata). */
function privateIPv4(address: string): boolean {
  const [a = -1, b = -1] = address.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

/**
 * Whether a webhook host names this machine or a private network by itself (a literal address or
 * `localhost`). A name that merely resolves to one is not caught here: put an egress proxy in front
 * of the service when users are not trusted.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return privateIPv4(host);
  if (isIP(host) === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
    if (mapped) return privateIPv4(mapped);
    return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}

/** `/alerts`: usage alerts of the caller, or of a workspace (admins and owners). */
export function registerAlertRoutes(
  app: OpenAPIHono<HttpEnv>,
  system: BYOKSystem,
  basePath: string,
  options: { allowPrivateWebhookHosts?: boolean } = {},
): void {
  const tags = ['Usage alerts'];

  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/alerts`,
      tags,
      security,
      summary: 'List usage alerts',
      description: 'Yours, or a workspace’s with `workspaceId` (admins and owners: they hold webhook URLs).',
      request: { query: ScopeQuery },
      responses: {
        200: json(UsageAlertListResponse, 'The alerts, oldest first'),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      const alerts = await system.database.listUsageAlerts(scope);
      return c.json({ alerts: alerts.map(serializeAlert) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/alerts`,
      tags,
      security,
      summary: 'Create a usage alert',
      description:
        'Fires once per period when the period’s total reaches the threshold. A webhook URL must be http(s); one pointing at this machine or a private network is refused unless the server allows it.',
      request: { query: ScopeQuery, body: jsonBody(CreateAlertBody) },
      responses: {
        201: json(UsageAlertResponse, 'The new alert'),
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.webhookUrl && !options.allowPrivateWebhookHosts) {
        if (isPrivateHost(new URL(body.webhookUrl).hostname)) {
          throw invalid(
            'Invalid request body: webhookUrl: must not point at this machine or a private network',
          );
        }
      }
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      // An e-mail alert without an address goes to the caller's address (the token's `email` claim), when known.
      const callerEmail = c.get('principal').email;
      const email =
        body.email ?? (body.notificationChannels.includes('email') && callerEmail ? callerEmail : undefined);
      const alert = await system.database.createUsageAlert(
        { ...body, ...(email ? { email } : {}), ...scope },
        callContext(c),
      );
      return c.json({ alert: serializeAlert(alert) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${basePath}/alerts/{id}`,
      tags,
      security,
      summary: 'Delete a usage alert',
      request: { params: AlertParams, query: ScopeQuery },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      await system.database.deleteUsageAlert(c.req.valid('param').id, scope, callContext(c));
      return c.body(null, 204);
    },
  );
}
