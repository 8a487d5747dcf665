/**
 * The shared security suite: every API route, from one table, gets the same four checks —
 * no token → 401, expired token → 401, another owner's resource → 404 with the body of a missing
 * one, bad input → 400 with nothing stored (keys, workspaces, members, audit, validations, usage,
 * alerts, fallback chains).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anthropicKey,
  type CallResult,
  createHttpFixture,
  expectError,
  type HttpFixture,
  openaiKey,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

interface World {
  aliceToken: string;
  malloryToken: string;
  aliceKeyId: string;
  workspaceId: string;
  workspaceKeyId: string;
  memberId: string;
  alertId: string;
  gatewayTokenId: string;
}

interface RouteCase {
  route: string;
  method: string;
  /** Path for the owner's own resource (`w`), or for a missing one when `missing` is set. */
  path: (w: World, missing?: boolean) => string;
  /**
   * A valid body (for 401 checks, so the only thing wrong is the token). With `missing`, the body
   * of the same request about a resource that does not exist (for routes that name it in the body).
   */
  body?: (w: World, missing?: boolean) => unknown;
  /** Requests that must be refused with 400, sent by the owner. */
  bad?: (w: World) => { path?: string; body?: unknown }[];
  /** Whether the route names a resource another user can guess (→ the 404 check). */
  owned?: boolean;
}

const MISSING_KEY = 'key_missing0000000000000';
const MISSING_WS = 'ws_missing00000000000000';
const MISSING_ALERT = 'alert_missing00000000000';
const MISSING_GT = 'gt_missing0000000000000000';
const gatewayTokenBody = () => ({ name: 'app', monthlyBudgetUsd: 5, allowedModels: ['gpt-*'] });
const alertBody = () => ({
  alertType: 'cost',
  thresholdValue: 50,
  thresholdPeriod: 'monthly',
  notificationChannels: ['webhook'],
  webhookUrl: 'https://hooks.example.com/byok',
});
const keyBody = () => ({ provider: 'openai', keyData: { apiKey: openaiKey() } });

const ROUTES: RouteCase[] = [
  { route: 'GET /api/me', method: 'GET', path: () => '/api/me' },
  { route: 'GET /api/providers', method: 'GET', path: () => '/api/providers' },
  {
    route: 'GET /api/audit',
    method: 'GET',
    path: () => '/api/audit',
    bad: () => [
      { path: '/api/audit?limit=-1' },
      { path: '/api/audit?before=abc' },
      { path: '/api/audit?x=1' },
    ],
  },
  {
    route: 'POST /api/keys',
    method: 'POST',
    path: () => '/api/keys',
    body: keyBody,
    bad: () => [
      { body: {} },
      { body: { provider: 'nope', keyData: { apiKey: 'sk-x' } } },
      { body: { provider: 'openai', keyData: { apiKey: 'bad key' } } },
      { body: { ...keyBody(), workspaceId: 'ws_x' } },
      { body: { ...keyBody(), priority: 'high' } },
    ],
  },
  {
    route: 'GET /api/keys',
    method: 'GET',
    path: () => '/api/keys',
    bad: () => [{ path: '/api/keys?status=x' }, { path: '/api/keys?userId=other' }],
  },
  {
    route: 'GET /api/keys/:id',
    method: 'GET',
    path: (w, missing) => `/api/keys/${missing ? MISSING_KEY : w.aliceKeyId}`,
    owned: true,
  },
  {
    route: 'PATCH /api/keys/:id',
    method: 'PATCH',
    path: (w, missing) => `/api/keys/${missing ? MISSING_KEY : w.aliceKeyId}`,
    body: () => ({ alias: 'changed' }),
    bad: (w) => [
      { path: `/api/keys/${w.aliceKeyId}`, body: {} },
      { path: `/api/keys/${w.aliceKeyId}`, body: { alias: 5 } },
      { path: `/api/keys/${w.aliceKeyId}`, body: { owner: 'mallory' } },
      { path: `/api/keys/${w.aliceKeyId}`, body: { keyData: { apiKey: 'x' } } },
    ],
    owned: true,
  },
  {
    route: 'POST /api/keys/:id/revoke',
    method: 'POST',
    path: (w, missing) => `/api/keys/${missing ? MISSING_KEY : w.aliceKeyId}/revoke`,
    bad: (w) => [{ path: `/api/keys/${w.aliceKeyId}/revoke`, body: { now: true } }],
    owned: true,
  },
  {
    route: 'DELETE /api/keys/:id',
    method: 'DELETE',
    path: (w, missing) => `/api/keys/${missing ? MISSING_KEY : w.aliceKeyId}`,
    owned: true,
  },
  {
    route: 'POST /api/workspaces',
    method: 'POST',
    path: () => '/api/workspaces',
    body: () => ({ name: 'Team' }),
    bad: () => [{ body: { name: '' } }, { body: { name: 'x', id: 'ws_mine' } }, { body: [] }],
  },
  { route: 'GET /api/workspaces', method: 'GET', path: () => '/api/workspaces' },
  {
    route: 'GET /api/workspaces/:id/members',
    method: 'GET',
    path: (w, missing) => `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/members`,
    owned: true,
  },
  {
    route: 'POST /api/workspaces/:id/members',
    method: 'POST',
    path: (w, missing) => `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/members`,
    body: () => ({ userId: uid(), role: 'member' }),
    bad: () => [
      { body: { userId: uid(), role: 'superuser' } },
      { body: { userId: '', role: 'member' } },
      { body: { role: 'admin' } },
    ],
    owned: true,
  },
  {
    route: 'DELETE /api/workspaces/:id/members/:userId',
    method: 'DELETE',
    path: (w, missing) => `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/members/${w.memberId}`,
    owned: true,
  },
  {
    route: 'GET /api/workspaces/:id/ai-providers',
    method: 'GET',
    path: (w, missing) => `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/ai-providers`,
    bad: (w) => [{ path: `/api/workspaces/${w.workspaceId}/ai-providers?provider=acme` }],
    owned: true,
  },
  {
    route: 'POST /api/workspaces/:id/ai-providers',
    method: 'POST',
    path: (w, missing) => `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/ai-providers`,
    body: keyBody,
    bad: () => [
      { body: { provider: 'anthropic', keyData: { apiKey: 'sk-proj-not-anthropic' } } },
      { body: { keyData: {} } },
    ],
    owned: true,
  },
  {
    route: 'GET /api/workspaces/:id/ai-providers/:keyId',
    method: 'GET',
    path: (w, missing) =>
      `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/ai-providers/${w.workspaceKeyId}`,
    owned: true,
  },
  {
    route: 'PATCH /api/workspaces/:id/ai-providers/:keyId',
    method: 'PATCH',
    path: (w, missing) =>
      `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/ai-providers/${w.workspaceKeyId}`,
    body: () => ({ alias: 'x' }),
    bad: (w) => [
      { path: `/api/workspaces/${w.workspaceId}/ai-providers/${w.workspaceKeyId}`, body: { enabled: 'yes' } },
    ],
    owned: true,
  },
  {
    route: 'POST /api/workspaces/:id/ai-providers/:keyId/revoke',
    method: 'POST',
    path: (w, missing) =>
      `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/ai-providers/${w.workspaceKeyId}/revoke`,
    owned: true,
  },
  {
    route: 'DELETE /api/workspaces/:id/ai-providers/:keyId',
    method: 'DELETE',
    path: (w, missing) =>
      `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/ai-providers/${w.workspaceKeyId}`,
    owned: true,
  },
  {
    route: 'POST /api/keys/:id/test',
    method: 'POST',
    path: (w, missing) => `/api/keys/${missing ? MISSING_KEY : w.aliceKeyId}/test`,
    bad: (w) => [{ path: `/api/keys/${w.aliceKeyId}/test`, body: { force: true } }],
    owned: true,
  },
  {
    route: 'POST /api/keys/validate-all',
    method: 'POST',
    path: () => '/api/keys/validate-all',
    bad: () => [{ body: { keyIds: [] } }, { body: [] }],
  },
  {
    route: 'POST /api/keys/test-credential',
    method: 'POST',
    path: () => '/api/keys/test-credential',
    body: keyBody,
    bad: () => [
      { body: { provider: 'nope', keyData: { apiKey: 'sk-x' } } },
      { body: { provider: 'openai', keyData: { apiKey: 'bad key' } } },
      { body: { provider: 'openai' } },
      { body: { ...keyBody(), alias: 'x' } },
    ],
  },
  {
    route: 'POST /api/workspaces/:id/ai-providers/:keyId/test',
    method: 'POST',
    path: (w, missing) =>
      `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/ai-providers/${w.workspaceKeyId}/test`,
    bad: (w) => [
      { path: `/api/workspaces/${w.workspaceId}/ai-providers/${w.workspaceKeyId}/test`, body: { x: 1 } },
    ],
    owned: true,
  },
  {
    route: 'POST /api/workspaces/:id/ai-providers/validate-all',
    method: 'POST',
    path: (w, missing) => `/api/workspaces/${missing ? MISSING_WS : w.workspaceId}/ai-providers/validate-all`,
    bad: (w) => [{ path: `/api/workspaces/${w.workspaceId}/ai-providers/validate-all`, body: { x: 1 } }],
    owned: true,
  },
  {
    route: 'GET /api/usage/analytics',
    method: 'GET',
    path: (w, missing) => `/api/usage/analytics?workspaceId=${missing ? MISSING_WS : w.workspaceId}`,
    bad: () => [
      { path: '/api/usage/analytics?timeRange=1y' },
      { path: '/api/usage/analytics?providers=acme' },
      { path: '/api/usage/analytics?userId=other' },
    ],
    owned: true,
  },
  {
    route: 'POST /api/usage',
    method: 'POST',
    path: () => '/api/usage',
    body: (w, missing) => ({ keyId: missing ? MISSING_KEY : w.aliceKeyId, provider: 'openai', requests: 5 }),
    bad: (w) => [
      { body: {} },
      { body: { keyId: w.aliceKeyId, provider: 'openai', inputTokens: -1 } },
      { body: { keyId: w.aliceKeyId, provider: 'openai', userId: 'mallory' } },
      { body: { keyId: w.aliceKeyId, provider: 'acme' } },
    ],
    owned: true,
  },
  {
    route: 'GET /api/fallback-chains/:provider',
    method: 'GET',
    path: (w, missing) => `/api/fallback-chains/openai?workspaceId=${missing ? MISSING_WS : w.workspaceId}`,
    bad: () => [
      { path: '/api/fallback-chains/acme' },
      { path: '/api/fallback-chains/openai?environment=qa' },
    ],
    owned: true,
  },
  {
    route: 'PUT /api/fallback-chains/:provider',
    method: 'PUT',
    path: () => '/api/fallback-chains/openai',
    body: (w, missing) => ({ primaryKeyId: missing ? MISSING_KEY : w.aliceKeyId }),
    bad: (w) => [
      { body: { maxRetries: 11 } },
      { body: { primaryKeyId: w.aliceKeyId, fallbackSequence: [w.aliceKeyId] } },
      { body: { keys: [] } },
    ],
    owned: true,
  },
  {
    route: 'GET /api/alerts',
    method: 'GET',
    path: (w, missing) => `/api/alerts?workspaceId=${missing ? MISSING_WS : w.workspaceId}`,
    bad: () => [{ path: '/api/alerts?x=1' }],
    owned: true,
  },
  {
    route: 'POST /api/alerts',
    method: 'POST',
    path: (w, missing) => `/api/alerts?workspaceId=${missing ? MISSING_WS : w.workspaceId}`,
    body: alertBody,
    bad: () => [
      { path: '/api/alerts', body: { ...alertBody(), webhookUrl: 'ftp://example.com/x' } },
      { path: '/api/alerts', body: { ...alertBody(), webhookUrl: 'http://169.254.169.254/x' } },
      { path: '/api/alerts', body: { ...alertBody(), thresholdValue: -1 } },
      { path: '/api/alerts', body: { ...alertBody(), workspaceId: 'ws_x' } },
    ],
    owned: true,
  },
  {
    route: 'POST /api/alerts/:id/rotate-secret',
    method: 'POST',
    path: (w, missing) => `/api/alerts/${missing ? MISSING_ALERT : w.alertId}/rotate-secret`,
    bad: (w) => [{ path: `/api/alerts/${w.alertId}/rotate-secret?x=1` }],
    owned: true,
  },
  {
    route: 'DELETE /api/alerts/:id',
    method: 'DELETE',
    path: (w, missing) => `/api/alerts/${missing ? MISSING_ALERT : w.alertId}`,
    owned: true,
  },
  {
    route: 'POST /api/gateway-tokens',
    method: 'POST',
    path: () => '/api/gateway-tokens',
    body: gatewayTokenBody,
    bad: () => [
      { body: {} },
      { body: { name: 'x', allowedProviders: ['nope'] } },
      { body: { name: 'x', monthlyBudgetUsd: -1 } },
      { body: { name: 'x', requestsPerMinute: 0 } },
      { body: { name: 'x', allowedModels: ['bad model'] } },
      { body: { name: 'x', expiresAt: '2001-01-01T00:00:00Z' } },
      { body: { name: 'x', token: 'byok_gt_mine' } },
    ],
  },
  {
    route: 'GET /api/gateway-tokens',
    method: 'GET',
    path: () => '/api/gateway-tokens',
    bad: () => [{ path: '/api/gateway-tokens?x=1' }],
  },
  {
    route: 'GET /api/gateway-tokens/:id',
    method: 'GET',
    path: (w, missing) => `/api/gateway-tokens/${missing ? MISSING_GT : w.gatewayTokenId}`,
    owned: true,
  },
  {
    route: 'GET /api/gateway-tokens/:id/usage',
    method: 'GET',
    path: (w, missing) => `/api/gateway-tokens/${missing ? MISSING_GT : w.gatewayTokenId}/usage?timeRange=7d`,
    bad: (w) => [
      { path: `/api/gateway-tokens/${w.gatewayTokenId}/usage?timeRange=1y` },
      { path: `/api/gateway-tokens/${w.gatewayTokenId}/usage?x=1` },
    ],
    owned: true,
  },
  {
    route: 'PATCH /api/gateway-tokens/:id',
    method: 'PATCH',
    path: (w, missing) => `/api/gateway-tokens/${missing ? MISSING_GT : w.gatewayTokenId}`,
    body: () => ({ name: 'renamed' }),
    bad: (w) => [
      { path: `/api/gateway-tokens/${w.gatewayTokenId}`, body: {} },
      { path: `/api/gateway-tokens/${w.gatewayTokenId}`, body: { environment: 'staging' } },
      { path: `/api/gateway-tokens/${w.gatewayTokenId}`, body: { requestsPerMinute: 1.5 } },
    ],
    owned: true,
  },
  {
    route: 'POST /api/gateway-tokens/:id/revoke',
    method: 'POST',
    path: (w, missing) => `/api/gateway-tokens/${missing ? MISSING_GT : w.gatewayTokenId}/revoke`,
    owned: true,
  },
  {
    route: 'DELETE /api/gateway-tokens/:id',
    method: 'DELETE',
    path: (w, missing) => `/api/gateway-tokens/${missing ? MISSING_GT : w.gatewayTokenId}`,
    owned: true,
  },
];

let fx: HttpFixture;
let world: World;
let expiredToken: string;

async function counts() {
  const { rows } = await fx.system.database.db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM byok.keys)::text AS keys, (SELECT count(*) FROM byok.workspaces)::text AS workspaces,
            (SELECT count(*) FROM byok.workspace_members)::text AS members, (SELECT count(*) FROM byok.audit_log)::text AS audit,
            (SELECT string_agg(id || status || coalesce(alias, ''), ',' ORDER BY id) FROM byok.keys) AS key_state,
            (SELECT count(*) FROM byok.key_validations)::text AS validations, (SELECT count(*) FROM byok.key_usage)::text AS usage,
            (SELECT count(*) FROM byok.usage_alerts)::text AS alerts,
            (SELECT string_agg(id || status || name, ',' ORDER BY id) FROM byok.gateway_tokens) AS gateway_tokens,
            (SELECT string_agg(owner_id || provider || coalesce(primary_key_id, ''), ',') FROM byok.fallback_chains) AS chains`,
  );
  return rows[0];
}

beforeAll(async () => {
  // The write limit is tested on its own (http-platform); here it must not interfere.
  fx = await createHttpFixture({
    rateLimit: { writesPerMinute: 100_000, readsPerMinute: 100_000, authFailuresPerTokenPerMinute: 100_000 },
  });
  const alice = uid('alice');
  const aliceToken = await tokenFor(alice);
  const malloryToken = await tokenFor(uid('mallory'));
  expiredToken = await tokenFor(alice, { expiresAt: Math.floor(Date.now() / 1000) - 30 });
  const key = await fx.call('POST', '/api/keys', { token: aliceToken, body: keyBody() });
  const ws = await fx.call('POST', '/api/workspaces', { token: aliceToken, body: { name: 'Alice team' } });
  const workspaceId = ws.json.workspace.id;
  const memberId = uid('member');
  await fx.call('POST', `/api/workspaces/${workspaceId}/members`, {
    token: aliceToken,
    body: { userId: memberId, role: 'member' },
  });
  const wsKey = await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers`, {
    token: aliceToken,
    body: { provider: 'anthropic', keyData: { apiKey: anthropicKey() } },
  });
  const alert = await fx.call('POST', '/api/alerts', { token: aliceToken, body: alertBody() });
  const gatewayToken = await fx.call('POST', '/api/gateway-tokens', {
    token: aliceToken,
    body: gatewayTokenBody(),
  });
  world = {
    aliceToken,
    malloryToken,
    aliceKeyId: key.json.key.id,
    workspaceId,
    workspaceKeyId: wsKey.json.key.id,
    memberId,
    alertId: alert.json.alert.id,
    gatewayTokenId: gatewayToken.json.id,
  };
});
afterAll(async () => {
  await fx.close();
});

const send = (
  route: RouteCase,
  token: string | undefined,
  path?: string,
  body?: unknown,
  missing = false,
): Promise<CallResult> =>
  fx.call(route.method, path ?? route.path(world), {
    ...(token ? { token } : {}),
    ...(body !== undefined ? { body } : route.body ? { body: route.body(world, missing) } : {}),
  });

describe.each(ROUTES)('$route.security', (route) => {
  it('answers 401 without a token, and changes nothing', async () => {
    const before = await counts();
    const res = await send(route, undefined);
    expectError(res, 401, 'UNAUTHENTICATED');
    expect(await counts()).toEqual(before);
  });

  it('answers 401 to an expired token, and changes nothing', async () => {
    const before = await counts();
    const res = await send(route, expiredToken);
    expectError(res, 401, 'UNAUTHENTICATED');
    expect(res.json.error.message).toBe('Token expired');
    expect(await counts()).toEqual(before);
  });

  it.skipIf(!route.owned)(
    'answers another owner exactly like a missing resource, and changes nothing',
    async () => {
      const before = await counts();
      const theirs = await send(route, world.malloryToken);
      const missing = await send(route, world.malloryToken, route.path(world, true), undefined, true);
      expect(theirs.status).toBe(404);
      expect(missing.status).toBe(404);
      const normalize = (res: CallResult) =>
        JSON.stringify({ ...res.json.error, requestId: '' })
          .replaceAll(world.aliceKeyId, 'KEY')
          .replaceAll(MISSING_KEY, 'KEY')
          .replaceAll(world.workspaceId, 'WS')
          .replaceAll(MISSING_WS, 'WS')
          .replaceAll(world.alertId, 'ALERT')
          .replaceAll(MISSING_ALERT, 'ALERT')
          .replaceAll(world.gatewayTokenId, 'GT')
          .replaceAll(MISSING_GT, 'GT');
      expect(normalize(theirs)).toBe(normalize(missing));
      expect(theirs.headers.get('content-type')).toBe(missing.headers.get('content-type'));
      expect(await counts()).toEqual(before);
    },
  );

  it.skipIf(!route.bad)('answers 400 to bad input, and stores nothing', async () => {
    for (const bad of route.bad?.(world) ?? []) {
      const before = await counts();
      const res = await send(
        route,
        world.aliceToken,
        bad.path,
        bad.body ?? (route.method === 'GET' ? undefined : {}),
      );
      expect(res.status, `${route.route} ${JSON.stringify(bad)} → ${res.text}`).toBe(400);
      expect(['INVALID_INPUT', 'UNKNOWN_PROVIDER', 'INVALID_KEY_FORMAT']).toContain(res.json.error.code);
      expect(await counts()).toEqual(before);
    }
  });
});

describe('route table.security', () => {
  it('covers every API route of the OpenAPI document', () => {
    const document = fx.handler.openapi() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
    expect(ROUTES.map((r) => r.route).sort()).toEqual(documented.sort());
  });
});
