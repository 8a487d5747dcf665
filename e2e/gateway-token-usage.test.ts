/**
 * Usage by gateway token: after requests through the gateway (in front of the fake providers), the
 * token's entry in the library's list and in `GET /api/gateway-tokens` (list and get) shows the
 * exact requests and cost of this month, and `…/{id}/usage` the same by day and by model; another
 * owner sees neither the token nor its figures.
 */
import { createBYOKHttpHandler } from '@stack-2025/byok-core/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, JWT_SECRET, tokenFor } from '../apps/byok-server/test/helpers.js';
import { type GatewayWorld, openaiKey, startGatewayWorld, uid, usageOf } from './gateway-support.js';

let world: GatewayWorld;
let api: (method: string, path: string, token: string) => ReturnType<typeof call>;

beforeAll(async () => {
  world = await startGatewayWorld();
  const handler = createBYOKHttpHandler({
    system: world.system,
    auth: { jwtSecret: JWT_SECRET, adminToken: ADMIN_TOKEN },
    metrics: { collectDefaultMetrics: false },
  });
  api = (method, path, token) => call(handler, method, path, { token });
});
afterAll(async () => {
  await world?.close();
});

const chat = (token: string, stream = false) =>
  fetch(`${world.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ model: 'gpt-6-luna', messages: [{ role: 'user', content: 'hi' }], stream }),
  });

describe('gateway token usage', () => {
  it('lists each token with its exact requests and cost this month; another owner sees none of it', async () => {
    const manager = world.system.manager;
    const alice = uid('alice');
    const secret = openaiKey();
    const keyId = await manager.addKey({ userId: alice, provider: 'openai', keyData: { apiKey: secret } });
    const used = await manager.createGatewayToken({ userId: alice, name: 'used', monthlyBudgetUsd: 0.001 });
    const idle = await manager.createGatewayToken({ userId: alice, name: 'idle' });
    for (const stream of [false, true, false]) {
      const response = await chat(used.token, stream);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-byok-key-id')).toBe(keyId);
      await response.text();
    }
    // A request that fails upstream counts as a request, at no cost.
    world.fake.setBehavior(secret, 'invalid');
    const failed = await chat(used.token);
    expect(failed.status).toBe(401);
    await failed.text();

    const rows = await usageOf(world.system, used.id);
    expect(rows.map((r) => r.success)).toEqual([true, true, true, false]);
    const each = world.chatCostUsd;
    expect(each).toBeGreaterThan(0);
    const month = new Date().toISOString().slice(0, 7);
    const usage = {
      month,
      requests: 4,
      costUsd: Number((3 * each).toFixed(8)),
      budgetRemainingUsd: Number((0.001 - 3 * each).toFixed(8)),
    };
    const none = { month, requests: 0, costUsd: 0, budgetRemainingUsd: null };

    const listed = await manager.listGatewayTokens(alice);
    expect(listed.map((t) => [t.id, t.usage])).toEqual([
      [used.id, usage],
      [idle.id, none],
    ]);
    expect((await manager.getGatewayToken(used.id, alice)).usage).toEqual(usage);

    const aliceJwt = await tokenFor(alice);
    const list = await api('GET', '/api/gateway-tokens', aliceJwt);
    expect(list.status, list.text).toBe(200);
    expect(list.json.gatewayTokens.map((t: { id: string; usage: unknown }) => [t.id, t.usage])).toEqual([
      [used.id, usage],
      [idle.id, none],
    ]);
    const one = await api('GET', `/api/gateway-tokens/${used.id}`, aliceJwt);
    expect(one.status, one.text).toBe(200);
    expect(one.json.gatewayToken.usage).toEqual(usage);

    // By day and by model, over a rolling window: the same figures, from the raw rows.
    const sum = (column: 'input_tokens' | 'output_tokens') => rows.reduce((n, r) => n + Number(r[column]), 0);
    const figures = {
      requests: 4,
      errors: 1,
      inputTokens: sum('input_tokens'),
      outputTokens: sum('output_tokens'),
      costUsd: usage.costUsd,
      unpricedRequests: 0,
    };
    expect(figures.inputTokens).toBeGreaterThan(0);
    const report = await api('GET', `/api/gateway-tokens/${used.id}/usage?timeRange=7d`, aliceJwt);
    expect(report.status, report.text).toBe(200);
    expect(report.json).toEqual({
      tokenId: used.id,
      timeRange: { from: expect.any(String), to: expect.any(String) },
      totals: figures,
      byDay: [{ day: new Date().toISOString().slice(0, 10), ...figures }],
      byModel: [{ provider: 'openai', model: rows[0]?.model, ...figures }],
    });
    const { from, to } = report.json.timeRange;
    expect(Date.parse(to) - Date.parse(from)).toBe(7 * 86_400_000);
    const idleReport = await manager.getGatewayTokenUsage(idle.id, alice, '24h');
    expect([idleReport.totals, idleReport.byDay, idleReport.byModel]).toEqual([
      { ...figures, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
      [],
      [],
    ]);

    const mallory = uid('mallory');
    await manager.createGatewayToken({ userId: mallory, name: 'theirs' });
    const theirs = await api('GET', '/api/gateway-tokens', await tokenFor(mallory));
    expect(theirs.status).toBe(200);
    expect(theirs.json.gatewayTokens.map((t: { name: string; usage: unknown }) => [t.name, t.usage])).toEqual(
      [['theirs', none]],
    );
    const peek = await api('GET', `/api/gateway-tokens/${used.id}`, await tokenFor(mallory));
    expect(peek.status).toBe(404);
    expect(peek.text).not.toContain(String(usage.costUsd));
    expect((await manager.listGatewayTokens(mallory)).map((t) => t.id)).not.toContain(used.id);
    const peekUsage = await api('GET', `/api/gateway-tokens/${used.id}/usage`, await tokenFor(mallory));
    expect(peekUsage.status).toBe(404);
    await expect(manager.getGatewayTokenUsage(used.id, mallory)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
