/** `GET /api/usage/analytics` and `POST /api/usage`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpFixture,
  expectError,
  type HttpFixture,
  openaiKey,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

let fx: HttpFixture;
beforeAll(async () => {
  fx = await createHttpFixture({ rateLimit: { writesPerMinute: 100_000 } });
});
afterAll(async () => {
  await fx.close();
});

async function user() {
  const id = uid();
  const token = await tokenFor(id);
  const key = await fx.call('POST', '/api/keys', {
    token,
    body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
  });
  return { id, token, keyId: key.json.key.id as string };
}

const usageRows = async () => {
  const { rows } = await fx.system.database.db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM byok.key_usage',
  );
  return Number(rows[0]?.n);
};

describe('POST /api/usage.happy', () => {
  it('records usage of the caller’s key, priced from the table, and answers 201', async () => {
    const alice = await user();
    const res = await fx.call('POST', '/api/usage', {
      token: alice.token,
      body: {
        keyId: alice.keyId,
        provider: 'openai',
        model: 'gpt-6.1-sol',
        inputTokens: 1200,
        cachedTokens: 200,
        outputTokens: 300,
        latencyMs: 420,
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.usage).toEqual({ id: expect.any(String), costUsd: expect.any(Number), priced: true });
    expect(res.json.usage.costUsd).toBeGreaterThan(0);
  });

  it('records an unknown model as unpriced (cost null), and a given cost as is', async () => {
    const alice = await user();
    const unpriced = await fx.call('POST', '/api/usage', {
      token: alice.token,
      body: { keyId: alice.keyId, provider: 'openai', model: 'no-such-model', inputTokens: 10 },
    });
    expect(unpriced.json.usage).toMatchObject({ costUsd: null, priced: false });
    const given = await fx.call('POST', '/api/usage', {
      token: alice.token,
      body: { keyId: alice.keyId, provider: 'openai', costUsd: 0.25, at: new Date().toISOString() },
    });
    expect(given.json.usage).toMatchObject({ costUsd: 0.25, priced: true });
  });

  it('records usage of a workspace key for any member with ?workspaceId=', async () => {
    const owner = await user();
    const member = await user();
    const ws = await fx.call('POST', '/api/workspaces', { token: owner.token, body: { name: 'w' } });
    const workspaceId = ws.json.workspace.id;
    await fx.call('POST', `/api/workspaces/${workspaceId}/members`, {
      token: owner.token,
      body: { userId: member.id, role: 'member' },
    });
    const key = await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers`, {
      token: owner.token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    const res = await fx.call('POST', `/api/usage?workspaceId=${workspaceId}`, {
      token: member.token,
      body: { keyId: key.json.key.id, provider: 'openai', requests: 3 },
    });
    expect(res.status, res.text).toBe(201);
    const analytics = await fx.call('GET', `/api/usage/analytics?workspaceId=${workspaceId}&timeRange=24h`, {
      token: member.token,
    });
    expect(analytics.json.totals.requests).toBe(3);
    expect(analytics.json.owner).toEqual({ type: 'workspace', id: workspaceId });
  });
});

describe('POST /api/usage by key id alone', () => {
  it('takes the provider and owner from the key; a given provider must match it', async () => {
    const alice = await user();
    const res = await fx.call('POST', '/api/usage', {
      token: alice.token,
      body: {
        keyId: alice.keyId,
        model: 'gpt-6-luna',
        requests: 2,
        inputTokens: 1000,
        outputTokens: 100,
        success: true,
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.usage).toMatchObject({ priced: true });
    expect(res.json.usage.costUsd).toBeGreaterThan(0);
    const { rows } = await fx.system.database.db.query<{ provider: string; owner_id: string }>(
      'SELECT provider, owner_id FROM byok.key_usage WHERE id = $1',
      [res.json.usage.id],
    );
    expect(rows[0]).toEqual({ provider: 'openai', owner_id: alice.id });
  });

  it('says a missing keyId is missing (required), and an unknown key or provider is unknown', async () => {
    const alice = await user();
    const before = await usageRows();
    const missing = await fx.call('POST', '/api/usage', {
      token: alice.token,
      body: { model: 'gpt-6-luna' },
    });
    expectError(missing, 400, 'INVALID_INPUT');
    expect(missing.json.error.message).toMatch(/keyId: required/);
    expect(missing.json.error.message).not.toMatch(/unknown/i);
    expectError(
      await fx.call('POST', '/api/usage', { token: alice.token, body: { keyId: 'key_unknown00000' } }),
      404,
      'KEY_NOT_FOUND',
    );
    expectError(
      await fx.call('POST', '/api/usage', {
        token: alice.token,
        body: { keyId: alice.keyId, provider: 'acme' },
      }),
      400,
      'UNKNOWN_PROVIDER',
    );
    expect(await usageRows()).toBe(before);
  });

  it('records audio seconds and shows voice minutes beside tokens in the analytics', async () => {
    const alice = await user();
    const res = await fx.call('POST', '/api/usage', {
      token: alice.token,
      body: { keyId: alice.keyId, model: 'gpt-6-luna', inputTokens: 10, audioSeconds: 90 },
    });
    expect(res.status, res.text).toBe(201);
    const analytics = await fx.call(
      'GET',
      '/api/usage/analytics?timeRange=24h&groupBy=hour&metrics=tokens,minutes',
      {
        token: alice.token,
      },
    );
    expect(analytics.status, analytics.text).toBe(200);
    expect(analytics.json.metrics).toEqual(['tokens', 'minutes']);
    expect(analytics.json.totals).toMatchObject({
      requests: 1,
      inputTokens: 10,
      audioSeconds: 90,
      minutes: 1.5,
    });
    expect(analytics.json.series.some((b: { minutes: number }) => b.minutes === 1.5)).toBe(true);
  });
});

describe('POST /api/usage.error', () => {
  it.each([
    ['no keyId', { provider: 'openai' }, 'INVALID_INPUT'],
    ['an owner field', { provider: 'openai', keyId: 'key_x', userId: 'someone' }, 'INVALID_INPUT'],
    ['negative tokens', { provider: 'openai', keyId: 'key_x', inputTokens: -1 }, 'INVALID_INPUT'],
    ['an unknown provider', { provider: 'acme', keyId: 'key_x' }, 'UNKNOWN_PROVIDER'],
    ['a bad date', { provider: 'openai', keyId: 'key_x', at: 'yesterday' }, 'INVALID_INPUT'],
  ])('refuses %s with 400 and stores nothing', async (_name, body, code) => {
    const alice = await user();
    const before = await usageRows();
    expectError(await fx.call('POST', '/api/usage', { token: alice.token, body }), 400, code);
    expect(await usageRows()).toBe(before);
  });

  it('refuses cached tokens above input tokens, and a provider other than the key’s', async () => {
    const alice = await user();
    expectError(
      await fx.call('POST', '/api/usage', {
        token: alice.token,
        body: { keyId: alice.keyId, provider: 'openai', inputTokens: 1, cachedTokens: 2 },
      }),
      400,
      'INVALID_INPUT',
    );
    expectError(
      await fx.call('POST', '/api/usage', {
        token: alice.token,
        body: { keyId: alice.keyId, provider: 'anthropic' },
      }),
      400,
      'INVALID_INPUT',
    );
  });
});

describe('POST /api/usage.security', () => {
  it('answers another user’s key exactly like a missing one, and stores nothing', async () => {
    const alice = await user();
    const mallory = await user();
    const before = await usageRows();
    const theirs = await fx.call('POST', '/api/usage', {
      token: mallory.token,
      body: { keyId: alice.keyId, provider: 'openai', requests: 1000 },
    });
    const missing = await fx.call('POST', '/api/usage', {
      token: mallory.token,
      body: { keyId: 'key_missing000000', provider: 'openai', requests: 1000 },
    });
    expectError(theirs, 404, 'KEY_NOT_FOUND');
    expect(theirs.json.error.message.replace(alice.keyId, 'K')).toBe(
      missing.json.error.message.replace('key_missing000000', 'K'),
    );
    expect(await usageRows()).toBe(before);
  });

  it('refuses a workspace key without ?workspaceId= (it is not the caller’s own)', async () => {
    const owner = await user();
    const ws = await fx.call('POST', '/api/workspaces', { token: owner.token, body: { name: 'w' } });
    const key = await fx.call('POST', `/api/workspaces/${ws.json.workspace.id}/ai-providers`, {
      token: owner.token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    expectError(
      await fx.call('POST', '/api/usage', {
        token: owner.token,
        body: { keyId: key.json.key.id, provider: 'openai' },
      }),
      404,
      'KEY_NOT_FOUND',
    );
  });
});

describe('GET /api/usage/analytics.happy', () => {
  it('adds up the caller’s usage by day, provider and key; unpriced requests are counted apart', async () => {
    const alice = await user();
    const day = 86_400_000;
    for (let i = 0; i < 3; i++) {
      await fx.system.manager.recordUsage({
        keyId: alice.keyId,
        provider: 'openai',
        model: 'gpt-6-luna',
        requests: 2,
        inputTokens: 1000,
        outputTokens: 100,
        at: new Date(Date.now() - i * day - 60_000),
      });
    }
    await fx.system.manager.recordUsage({
      keyId: alice.keyId,
      provider: 'openai',
      model: 'mystery',
      inputTokens: 10,
      at: new Date(Date.now() - 60_000),
    });
    const res = await fx.call('GET', '/api/usage/analytics?timeRange=7d&groupBy=day', { token: alice.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      owner: { type: 'user', id: alice.id },
      groupBy: 'day',
      providers: null,
      totals: { requests: 7, inputTokens: 3010, outputTokens: 300, unpricedRequests: 1 },
    });
    expect(res.json.totals.costUsd).toBeGreaterThan(0);
    expect(res.json.series.length).toBeGreaterThanOrEqual(7);
    expect(res.json.byProvider).toEqual([expect.objectContaining({ provider: 'openai', requests: 7 })]);
    expect(res.json.byKey).toEqual([expect.objectContaining({ keyId: alice.keyId, requests: 7 })]);
  });

  it('filters by provider list and accepts from/to and groupBy=provider', async () => {
    const alice = await user();
    await fx.system.manager.recordUsage({ keyId: alice.keyId, provider: 'openai', requests: 4 });
    const none = await fx.call('GET', '/api/usage/analytics?providers=anthropic,deepgram', {
      token: alice.token,
    });
    expect(none.json.totals.requests).toBe(0);
    expect(none.json.providers).toEqual(['anthropic', 'deepgram']);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const ranged = await fx.call(
      'GET',
      `/api/usage/analytics?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=provider`,
      { token: alice.token },
    );
    expect(ranged.status, ranged.text).toBe(200);
    expect(ranged.json.series).toEqual([expect.objectContaining({ bucket: 'openai', requests: 4 })]);
  });
});

describe('GET /api/usage/analytics.error', () => {
  it.each([
    ['timeRange=1y', 'INVALID_INPUT'],
    ['groupBy=minute', 'INVALID_INPUT'],
    ['providers=openai,acme', 'UNKNOWN_PROVIDER'],
    ['providers=OPENAI;drop', 'INVALID_INPUT'],
    ['from=2026-01-01T00:00:00Z', 'INVALID_INPUT'],
    ['timeRange=7d&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', 'INVALID_INPUT'],
    ['userId=someone-else', 'INVALID_INPUT'],
  ])('refuses %s with 400', async (query, code) => {
    const alice = await user();
    expectError(await fx.call('GET', `/api/usage/analytics?${query}`, { token: alice.token }), 400, code);
  });
});

describe('GET /api/usage/analytics.security', () => {
  it('shows only the caller’s usage, and a workspace’s only to its members', async () => {
    const alice = await user();
    const mallory = await user();
    await fx.system.manager.recordUsage({ keyId: alice.keyId, provider: 'openai', requests: 9 });
    const mine = await fx.call('GET', '/api/usage/analytics?timeRange=24h', { token: mallory.token });
    expect(mine.json.totals.requests).toBe(0);
    const ws = await fx.call('POST', '/api/workspaces', { token: alice.token, body: { name: 'w' } });
    const theirs = await fx.call('GET', `/api/usage/analytics?workspaceId=${ws.json.workspace.id}`, {
      token: mallory.token,
    });
    const missing = await fx.call('GET', '/api/usage/analytics?workspaceId=ws_missing0000', {
      token: mallory.token,
    });
    expectError(theirs, 404, 'NOT_FOUND');
    expect(theirs.json.error.message.replace(ws.json.workspace.id, 'W')).toBe(
      missing.json.error.message.replace('ws_missing0000', 'W'),
    );
  });
});
