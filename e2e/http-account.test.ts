import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  createHttpFixture,
  expectError,
  type HttpFixture,
  openaiKey,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

let fx: HttpFixture;
beforeAll(async () => {
  fx = await createHttpFixture();
});
afterAll(async () => {
  await fx.close();
});

async function user() {
  const id = uid();
  return { id, token: await tokenFor(id) };
}

describe('GET /api/me.happy', () => {
  it('answers the user and their workspaces with roles', async () => {
    const alice = await user();
    const ws = await fx.call('POST', '/api/workspaces', { token: alice.token, body: { name: 'Alpha' } });
    const res = await fx.call('GET', '/api/me', { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      userId: alice.id,
      isServiceToken: false,
      workspaces: [{ id: ws.json.workspace.id, name: 'Alpha', role: 'owner' }],
    });
  });

  it('answers the service token, with and without a user', async () => {
    expect((await fx.call('GET', '/api/me', { token: ADMIN_TOKEN })).json).toEqual({
      userId: null,
      isServiceToken: true,
      workspaces: [],
    });
    const bob = uid();
    const res = await fx.call('GET', '/api/me', { token: ADMIN_TOKEN, headers: { 'x-byok-user-id': bob } });
    expect(res.json).toMatchObject({ userId: bob, isServiceToken: true });
  });
});

describe('GET /api/me.error', () => {
  it('answers 401 for a token signed with another secret', async () => {
    const forged = await tokenFor('alice', { secret: 'another-secret-0123456789-0123456789-abcdef' });
    expectError(await fx.call('GET', '/api/me', { token: forged }), 401, 'UNAUTHENTICATED');
  });
});

describe('GET /api/me.security', () => {
  it('answers 401 with WWW-Authenticate for a missing, malformed or expired token', async () => {
    const none = await fx.call('GET', '/api/me');
    expectError(none, 401, 'UNAUTHENTICATED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expectError(
      await fx.call('GET', '/api/me', { headers: { authorization: 'Basic abc' } }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(await fx.call('GET', '/api/me', { token: 'not.a.jwt' }), 401, 'UNAUTHENTICATED');
    const expired = await tokenFor('alice', { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const res = await fx.call('GET', '/api/me', { token: expired });
    expectError(res, 401, 'UNAUTHENTICATED');
    expect(res.json.error.message).toBe('Token expired');
  });
});

describe('GET /api/providers.happy', () => {
  it('lists every provider with its credential fields, secrets marked', async () => {
    const alice = await user();
    const res = await fx.call('GET', '/api/providers', { token: alice.token });
    expect(res.status).toBe(200);
    const ids = res.json.providers.map((p: { id: string }) => p.id);
    expect(ids).toEqual([
      'openai',
      'anthropic',
      'gemini',
      'deepseek',
      'openrouter',
      'deepgram',
      'twilio',
      'mistral',
      'groq',
      'xai',
    ]);
    // Labels come from the provider definitions (the dashboard shows these).
    expect(res.json.providers.find((p: { id: string }) => p.id === 'xai')).toMatchObject({
      displayName: 'xAI (Grok)',
      category: 'ai',
    });
    const openai = res.json.providers[0];
    expect(openai).toMatchObject({ displayName: 'OpenAI', category: 'ai' });
    expect(openai.credentialFields).toContainEqual({
      name: 'apiKey',
      label: 'API key',
      secret: true,
      required: true,
    });
    expect(openai.credentialFields).toContainEqual(
      expect.objectContaining({ name: 'organization', secret: false, required: false }),
    );
    const twilio = res.json.providers.find((p: { id: string }) => p.id === 'twilio');
    expect(twilio.category).toBe('telephony');
    expect(twilio.credentialFields).toContainEqual(
      expect.objectContaining({ name: 'accountSid', required: true, secret: false }),
    );
    expect(twilio.credentialFields).toContainEqual(
      expect.objectContaining({ name: 'authToken', secret: true }),
    );
  });
});

describe('GET /api/providers.error', () => {
  it('answers 404 NOT_FOUND for a route that does not exist', async () => {
    const alice = await user();
    expectError(await fx.call('GET', '/api/providers/openai', { token: alice.token }), 404, 'NOT_FOUND');
  });
});

describe('GET /api/providers.security', () => {
  it('needs a token', async () => {
    expectError(await fx.call('GET', '/api/providers'), 401, 'UNAUTHENTICATED');
  });
});

describe('GET /api/audit.happy', () => {
  it('pages through the caller’s own entries, newest first', async () => {
    const alice = await user();
    for (let i = 0; i < 3; i++) {
      await fx.call('POST', '/api/keys', {
        token: alice.token,
        body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
      });
    }
    const first = await fx.call('GET', '/api/audit?limit=2', { token: alice.token });
    expect(first.status).toBe(200);
    expect(first.json.entries).toHaveLength(2);
    expect(first.json.entries[0]).toMatchObject({
      action: 'key.created',
      actor: { type: 'user', id: alice.id },
      owner: { type: 'user', id: alice.id },
      createdAt: expect.any(String),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(first.json.nextBefore).toBe(first.json.entries[1].id);
    const second = await fx.call('GET', `/api/audit?limit=2&before=${first.json.nextBefore}`, {
      token: alice.token,
    });
    expect(second.json.entries).toHaveLength(1);
    expect(second.json.nextBefore).toBeNull();
  });

  it('shows a workspace’s entries to its admins, and everything to the service token', async () => {
    const alice = await user();
    const ws = await fx.call('POST', '/api/workspaces', { token: alice.token, body: { name: 'Audited' } });
    const wsId = ws.json.workspace.id;
    const res = await fx.call('GET', `/api/audit?workspaceId=${wsId}`, { token: alice.token });
    expect(res.json.entries.map((e: { action: string }) => e.action)).toEqual(['workspace.created']);
    const all = await fx.call('GET', '/api/audit?limit=1000', { token: ADMIN_TOKEN });
    const owners = new Set(all.json.entries.map((e: { owner: { id: string } | null }) => e.owner?.id));
    expect(owners.has(alice.id) || owners.has(wsId)).toBe(true);
    expect(owners.size).toBeGreaterThan(1);
  });
});

describe('GET /api/audit.error', () => {
  it.each(['?limit=0', '?limit=5000', '?limit=abc', '?before=xyz', '?owner=x'])(
    'refuses %s',
    async (query) => {
      const alice = await user();
      expectError(await fx.call('GET', `/api/audit${query}`, { token: alice.token }), 400, 'INVALID_INPUT');
    },
  );
});

describe('GET /api/audit.security', () => {
  it('never shows another user’s entries; a workspace’s only to its admins', async () => {
    const alice = await user();
    const mallory = await user();
    await fx.call('POST', '/api/keys', {
      token: alice.token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    const ws = await fx.call('POST', '/api/workspaces', { token: alice.token, body: { name: 'Private' } });
    const wsId = ws.json.workspace.id;
    const mine = await fx.call('GET', '/api/audit', { token: mallory.token });
    expect(mine.json.entries).toEqual([]);
    expectError(
      await fx.call('GET', `/api/audit?workspaceId=${wsId}`, { token: mallory.token }),
      404,
      'NOT_FOUND',
    );
    await fx.call('POST', `/api/workspaces/${wsId}/members`, {
      token: alice.token,
      body: { userId: mallory.id, role: 'member' },
    });
    expectError(
      await fx.call('GET', `/api/audit?workspaceId=${wsId}`, { token: mallory.token }),
      403,
      'FORBIDDEN',
    );
  });
});
