import { describe, expect, it, vi } from 'vitest';
import { BYOKApiError, createBYOKClient } from './client.js';

type Handler = (request: Request) => Response | Promise<Response>;

function fakeFetch(handler: Handler) {
  const requests: Request[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(new URL(String(input), 'http://app.test'), init);
    requests.push(request.clone());
    return handler(request);
  });
  return { fetch: fn as unknown as typeof fetch, requests };
}

const ok = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createBYOKClient', () => {
  it('sends the bearer token from getToken (asked on every call) and JSON bodies', async () => {
    const { fetch, requests } = fakeFetch(() => ok({ key: { id: 'key_1' } }, 201));
    let n = 0;
    const client = createBYOKClient({ apiUrl: '/api/byok/', getToken: async () => `t${++n}`, fetch });
    await client.addKey({ provider: 'openai', keyData: { apiKey: 'sk-x' } });
    await client.addKey({ provider: 'openai', keyData: { apiKey: 'sk-y' } });
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer t1', 'Bearer t2']);
    expect(requests[0]?.url).toBe('http://app.test/api/byok/keys');
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.headers.get('content-type')).toBe('application/json');
    expect(await requests[0]?.json()).toEqual({ provider: 'openai', keyData: { apiKey: 'sk-x' } });
  });

  it('sends no Authorization header without a token (cookie sessions)', async () => {
    const { fetch, requests } = fakeFetch(() => ok({ userId: 'u', isServiceToken: false, workspaces: [] }));
    await createBYOKClient({ fetch }).me();
    expect(requests[0]?.headers.has('authorization')).toBe(false);
    expect(requests[0]?.url).toBe('http://app.test/api/me');
  });

  it('turns the API error shape into a BYOKApiError and tells onError', async () => {
    const { fetch } = fakeFetch(() =>
      ok({ error: { code: 'KEY_NOT_FOUND', message: 'Key key_9 not found', requestId: 'req_1' } }, 404),
    );
    const onError = vi.fn();
    const error = await createBYOKClient({ fetch, onError })
      .deleteKey('key_9')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BYOKApiError);
    expect(error).toMatchObject({
      status: 404,
      code: 'KEY_NOT_FOUND',
      message: 'Key key_9 not found',
      requestId: 'req_1',
    });
    expect((error as BYOKApiError).isMissingRoute).toBe(false);
    expect(onError).toHaveBeenCalledWith(error);
  });

  it('recognises a route the server does not have, and answers that are not JSON', async () => {
    const missing = fakeFetch(() =>
      ok(
        { error: { code: 'NOT_FOUND', message: 'No route for POST /api/keys/x/test', requestId: 'r' } },
        404,
      ),
    );
    const error = await createBYOKClient({ fetch: missing.fetch })
      .testKey('x')
      .catch((e: unknown) => e);
    expect((error as BYOKApiError).isMissingRoute).toBe(true);

    const html = fakeFetch(
      () =>
        new Response('<h1>Bad gateway</h1>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'x-request-id': 'req_9' },
        }),
    );
    await expect(createBYOKClient({ fetch: html.fetch }).me()).rejects.toMatchObject({
      status: 502,
      code: 'HTTP_502',
      requestId: 'req_9',
    });
  });

  it('reports a network failure without details of the request', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof globalThis.fetch;
    await expect(createBYOKClient({ fetch }).me()).rejects.toMatchObject({
      status: 0,
      code: 'NETWORK_ERROR',
    });
  });

  it('addresses a workspace’s keys under /workspaces/:id/ai-providers', async () => {
    const { fetch, requests } = fakeFetch((r) =>
      r.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : ok({ keys: [], key: {}, result: {}, results: [] }),
    );
    const client = createBYOKClient({ fetch });
    const scope = { workspaceId: 'ws 1' };
    await client.listKeys({ provider: 'openai', status: 'active' }, scope);
    await client.updateKey('key_1', { enabled: false }, scope);
    await client.deleteKey('key_1', scope);
    await client.testKey('key_1', scope);
    await client.validateAll(scope);
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`)).toEqual([
      'GET /api/workspaces/ws%201/ai-providers?provider=openai&status=active',
      'PATCH /api/workspaces/ws%201/ai-providers/key_1',
      'DELETE /api/workspaces/ws%201/ai-providers/key_1',
      'POST /api/workspaces/ws%201/ai-providers/key_1/test',
      'POST /api/workspaces/ws%201/ai-providers/validate-all',
    ]);
  });

  it('builds the usage, fallback and audit queries', async () => {
    const { fetch, requests } = fakeFetch(() => ok({ chain: null, entries: [], nextBefore: null }));
    const client = createBYOKClient({ fetch });
    await client.usageAnalytics(
      { timeRange: '30d', groupBy: 'day', providers: ['openai', 'anthropic'] },
      { workspaceId: 'ws_1' },
    );
    expect(await client.getFallbackChain('openai', 'staging')).toBeNull();
    expect(await client.audit({ limit: 20, before: '42' })).toEqual({ entries: [], nextBefore: null });
    expect(requests.map((r) => decodeURIComponent(new URL(r.url).search))).toEqual([
      '?timeRange=30d&groupBy=day&providers=openai,anthropic&workspaceId=ws_1',
      '?environment=staging',
      '?limit=20&before=42',
    ]);
  });

  it('reads a default (unsaved) fallback chain as none', async () => {
    const chain = {
      primaryKeyId: null,
      fallbackSequence: [],
      useSystemFallback: false,
      maxRetries: 3,
      retryDelayMs: 1000,
    };
    const unsaved = fakeFetch(() => ok({ chain: { ...chain, configured: false } }));
    expect(
      await createBYOKClient({ fetch: unsaved.fetch }).getFallbackChain('openai', 'production'),
    ).toBeNull();
    const saved = fakeFetch(() => ok({ chain: { ...chain, primaryKeyId: 'key_1', configured: true } }));
    expect(
      await createBYOKClient({ fetch: saved.fetch }).getFallbackChain('openai', 'production'),
    ).toMatchObject({
      primaryKeyId: 'key_1',
    });
  });

  it('accepts the provider list with `credentialFields` or `fields`', async () => {
    const field = { name: 'apiKey', label: 'API key', secret: true, required: true };
    const { fetch } = fakeFetch(() =>
      ok({
        providers: [
          { id: 'openai', displayName: 'OpenAI', category: 'ai', credentialFields: [field] },
          { id: 'deepgram', displayName: 'Deepgram', category: 'voice', fields: [field] },
        ],
      }),
    );
    const providers = await createBYOKClient({ fetch }).listProviders();
    expect(providers.map((p) => p.credentialFields)).toEqual([[field], [field]]);
  });

  it('tells a missing route from a missing resource by status and code, not by message', async () => {
    const answer = (status: number, code: string, message: string) =>
      fakeFetch(() => ok({ error: { code, message, requestId: 'r' } }, status));
    const missing = async (status: number, code: string, message: string) =>
      (
        (await createBYOKClient({ fetch: answer(status, code, message).fetch })
          .validateAll()
          .catch((e: unknown) => e)) as BYOKApiError
      ).isMissingRoute;
    expect(await missing(404, 'NOT_FOUND', 'Nothing here')).toBe(true);
    expect(await missing(405, 'METHOD_NOT_ALLOWED', 'POST is not allowed here')).toBe(true);
    expect(await missing(404, 'KEY_NOT_FOUND', 'No route for this key')).toBe(false);
    expect(await missing(400, 'INVALID_INPUT', 'No route')).toBe(false);
  });

  it('manages members, alerts and gateway tokens on their routes', async () => {
    const { fetch, requests } = fakeFetch((r) =>
      r.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : ok({
            members: [],
            member: { userId: 'user_2', role: 'admin' },
            alerts: [],
            alert: { id: 'alert_1' },
            signingSecret: 'whsec_once',
            gatewayTokens: [],
            gatewayToken: { id: 'gt_1' },
            id: 'gt_1',
            token: 'byok_gt_once',
          }),
    );
    const client = createBYOKClient({ fetch });
    const ws = { workspaceId: 'ws_1' };
    await client.listMembers('ws_1');
    expect(await client.setMember('ws_1', 'user_2', 'admin')).toEqual({ userId: 'user_2', role: 'admin' });
    await client.removeMember('ws_1', 'user 2');
    await client.listAlerts(ws);
    const alert = await client.createAlert(
      { alertType: 'cost', thresholdValue: 5, thresholdPeriod: 'monthly', notificationChannels: ['webhook'] },
      ws,
    );
    // The secret the server returns once travels with the alert to the page that shows it.
    expect(alert).toEqual({ id: 'alert_1', signingSecret: 'whsec_once' });
    await client.deleteAlert('alert_1');
    await client.listGatewayTokens();
    expect((await client.createGatewayToken({ name: 'app' }, ws)).token).toBe('byok_gt_once');
    await client.revokeGatewayToken('gt_1', ws);
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`)).toEqual([
      'GET /api/workspaces/ws_1/members',
      'POST /api/workspaces/ws_1/members',
      'DELETE /api/workspaces/ws_1/members/user%202',
      'GET /api/alerts?workspaceId=ws_1',
      'POST /api/alerts?workspaceId=ws_1',
      'DELETE /api/alerts/alert_1',
      'GET /api/gateway-tokens',
      'POST /api/gateway-tokens?workspaceId=ws_1',
      'POST /api/gateway-tokens/gt_1/revoke?workspaceId=ws_1',
    ]);
    expect(await requests[1]?.json()).toEqual({ userId: 'user_2', role: 'admin' });
  });
});
