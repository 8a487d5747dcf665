import { setTimeout as sleep } from 'node:timers/promises';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { BYOKSystem } from '../../create-byok.js';
import { BYOKError } from '../../errors/index.js';
import {
  DestinationRefusedError,
  type HostResolver,
  resolveDestination,
  systemResolver,
} from '../../outbound/index.js';
import { callContext, ownerScope } from '../guards.js';
import { invalid } from '../problem.js';
import {
  AlertParams,
  CreateAlertBody,
  CreatedUsageAlertResponse,
  RotatedAlertSecretResponse,
  ScopeQuery,
  UsageAlertListResponse,
} from '../schemas.js';
import { serializeAlert } from '../serialize.js';
import type { HttpEnv } from '../types.js';
import { errorResponses, json, jsonBody, security } from './common.js';

const LOOKUP_TIMEOUT_MS = 2000;
const MANAGE = 'Only workspace admins and owners can manage usage alerts';

/**
 * Refuses a webhook URL whose host is not a public internet host: a literal address or `localhost`
 * name at once, a name by resolving it (every address). A name that does not resolve (yet) is
 * accepted: delivery resolves it again, checks every address and connects only to a checked one.
 */
async function checkWebhookHost(url: string, resolve: HostResolver = systemResolver): Promise<void> {
  // A slow resolver must not hold the request: after 2 s the name counts as "not resolved yet".
  const bounded: HostResolver = (host) =>
    Promise.race([
      resolve(host),
      sleep(LOOKUP_TIMEOUT_MS, undefined, { ref: false }).then(() => {
        throw new BYOKError('INTERNAL_ERROR', 'lookup timed out');
      }),
    ]);
  try {
    await resolveDestination(new URL(url).hostname, { allowPrivate: false, resolve: bounded });
  } catch (error) {
    if (error instanceof DestinationRefusedError) {
      throw invalid('Invalid request body: webhookUrl: must not point at this machine or a private network');
    }
  }
}

/** `/alerts`: usage alerts of the caller, or of a workspace (admins and owners). */
export function registerAlertRoutes(
  app: OpenAPIHono<HttpEnv>,
  system: BYOKSystem,
  basePath: string,
  options: { allowPrivateWebhookHosts?: boolean; resolveHost?: HostResolver } = {},
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
        'Fires once per period when the period’s total reaches the threshold. A webhook URL must be http(s); one pointing at this machine or a private network is refused unless the server allows it. The response carries the alert’s webhook signing secret (`signingSecret`), shown this once: every delivery is signed with it in the `BYOK-Signature` header (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`).',
      request: { query: ScopeQuery, body: jsonBody(CreateAlertBody) },
      responses: {
        201: json(CreatedUsageAlertResponse, 'The new alert and its signing secret (shown once)'),
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.webhookUrl && !options.allowPrivateWebhookHosts) {
        await checkWebhookHost(body.webhookUrl, options.resolveHost);
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
      c.header('cache-control', 'no-store');
      return c.json({ alert: serializeAlert(alert), signingSecret: alert.signingSecret }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/alerts/{id}/rotate-secret`,
      tags,
      security,
      summary: 'Rotate a usage alert’s webhook signing secret',
      description:
        'Replaces the alert’s signing secret with a new one, returned this once. Deliveries from now on (retries included) are signed with the new secret only; the old one stops verifying at once. Audited as `alert.signing_secret_rotated`.',
      request: { params: AlertParams, query: ScopeQuery },
      responses: {
        200: json(RotatedAlertSecretResponse, 'The alert and its new signing secret (shown once)'),
        ...errorResponses(400, 401, 403, 404, 429, 503),
      },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      const { alert, signingSecret } = await system.database.rotateUsageAlertSecret(
        c.req.valid('param').id,
        scope,
        callContext(c),
      );
      c.header('cache-control', 'no-store');
      return c.json({ alert: serializeAlert(alert), signingSecret }, 200);
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
