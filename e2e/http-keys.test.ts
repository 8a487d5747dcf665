import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  anthropicKey,
  type CallResult,
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

/** A user with a token and a helper that stores one OpenAI key for them. */
async function user() {
  const id = uid();
  const token = await tokenFor(id);
  return {
    id,
    token,
    async addKey(extra: Record<string, unknown> = {}) {
      const apiKey = openaiKey();
      const res = await fx.call('POST', '/api/keys', {
        token,
        body: { provider: 'openai', keyData: { apiKey }, ...extra },
      });
      expect(res.status).toBe(201);
      return { apiKey, key: res.json.key };
    },
  };
}

describe('POST /api/keys.happy', () => {
  it('stores a key and answers 201 with a masked key, never the secret', async () => {
    const alice = await user();
    const apiKey = openaiKey();
    const res = await fx.call('POST', '/api/keys', {
      token: alice.token,
      body: {
        provider: 'openai',
        keyData: { apiKey, organization: 'org-1' },
        alias: 'Main',
        environment: 'staging',
        priority: 5,
      },
      headers: { 'user-agent': 'vitest-agent', 'x-request-id': 'req-test-123' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('req-test-123');
    expect(res.json.key).toMatchObject({
      id: expect.stringMatching(/^key_/),
      provider: 'openai',
      environment: 'staging',
      alias: 'Main',
      priority: 5,
      status: 'active',
      isActive: true,
      userId: alice.id,
      workspaceId: null,
      keyHint: `sk-proj-…${apiKey.slice(-4)}`,
      fingerprint: expect.stringMatching(/^fp_/),
      createdBy: alice.id,
    });
    expect(Date.parse(res.json.key.createdAt)).not.toBeNaN();
    expect(res.text).not.toContain(apiKey);
    expect(res.text).not.toContain(apiKey.slice(8, -4));
    // The plaintext is really stored (server side only).
    const active = await fx.system.manager.getActiveKey(alice.id, 'openai', 'staging');
    expect(active?.keyData.apiKey).toBe(apiKey);
  });

  it('records the request context in the audit entry', async () => {
    const alice = await user();
    const res = await fx.call('POST', '/api/keys', {
      token: alice.token,
      body: { provider: 'anthropic', keyData: { apiKey: anthropicKey() } },
      headers: { 'user-agent': 'ctx-agent/1.0', 'x-request-id': 'req-ctx-1' },
    });
    expect(res.status).toBe(201);
    const [entry] = await fx.system.audit.list({ owner: { type: 'user', id: alice.id }, limit: 1 });
    expect(entry).toMatchObject({
      action: 'key.created',
      actor: { type: 'user', id: alice.id },
      targetId: res.json.key.id,
      context: { requestId: 'req-ctx-1', userAgent: 'ctx-agent/1.0' },
    });
  });
});

describe('POST /api/keys.error', () => {
  it.each([
    ['no provider', { keyData: { apiKey: 'sk-proj-abcdefgh' } }, 'INVALID_INPUT'],
    ['unknown provider', { provider: 'acme', keyData: { apiKey: 'x' } }, 'UNKNOWN_PROVIDER'],
    ['keyData not an object', { provider: 'openai', keyData: 'sk-proj-abcdefgh' }, 'INVALID_INPUT'],
    [
      'unknown top-level field',
      { provider: 'openai', keyData: { apiKey: 'sk-proj-abcdefgh' }, userId: 'x' },
      'INVALID_INPUT',
    ],
    [
      'unknown credential field',
      { provider: 'openai', keyData: { apiKey: 'sk-proj-abcdefgh', extra: 'x' } },
      'INVALID_INPUT',
    ],
    ['wrong key format', { provider: 'openai', keyData: { apiKey: 'not-a-key' } }, 'INVALID_KEY_FORMAT'],
    [
      'bad environment',
      { provider: 'openai', keyData: { apiKey: 'sk-proj-abcdefgh' }, environment: 'qa' },
      'INVALID_INPUT',
    ],
    [
      'priority not an integer',
      { provider: 'openai', keyData: { apiKey: 'sk-proj-abcdefgh' }, priority: 1.5 },
      'INVALID_INPUT',
    ],
    [
      'alias too long',
      { provider: 'openai', keyData: { apiKey: 'sk-proj-abcdefgh' }, alias: 'a'.repeat(101) },
      'INVALID_INPUT',
    ],
    ['an array', [], 'INVALID_INPUT'],
  ])('refuses %s with 400 and stores nothing', async (_name, body, code) => {
    const alice = await user();
    const res = await fx.call('POST', '/api/keys', { token: alice.token, body });
    expectError(res, 400, code);
    expect(await fx.system.manager.listKeys(alice.id)).toEqual([]);
  });

  it('names fields, never values, in its messages', async () => {
    const alice = await user();
    const secret = openaiKey();
    const res = await fx.call('POST', '/api/keys', {
      token: alice.token,
      body: { provider: 'openai', keyData: { apiKey: secret, [secret]: 'x' } },
    });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(secret);
  });
});

describe('POST /api/keys.security', () => {
  it('ignores X-BYOK-User-Id for a user token: the key is the caller’s', async () => {
    const alice = await user();
    const bob = await user();
    const res = await fx.call('POST', '/api/keys', {
      token: alice.token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
      headers: { 'x-byok-user-id': bob.id },
    });
    expect(res.status).toBe(201);
    expect(res.json.key.userId).toBe(alice.id);
    expect(await fx.system.manager.listKeys(bob.id)).toEqual([]);
  });

  it('lets the service token act for the user it names, and audits it as the service', async () => {
    const carol = uid();
    const res = await fx.call('POST', '/api/keys', {
      token: ADMIN_TOKEN,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
      headers: { 'x-byok-user-id': carol },
    });
    expect(res.status).toBe(201);
    expect(res.json.key).toMatchObject({ userId: carol, createdBy: `service:${carol}` });
    const [entry] = await fx.system.audit.list({ owner: { type: 'user', id: carol }, limit: 1 });
    expect(entry?.actor).toEqual({ type: 'service', id: 'service', onBehalfOf: carol });
  });

  it('records a JWT whose subject looks like the service as a user, never as the service', async () => {
    const impostor = `service:${uid()}`;
    const res = await fx.call('POST', '/api/keys', {
      token: await tokenFor(impostor),
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    expect(res.status).toBe(201);
    const [entry] = await fx.system.audit.list({ owner: { type: 'user', id: impostor }, limit: 1 });
    expect(entry?.actor).toEqual({ type: 'user', id: impostor });
    // The API shows the structured actor, so the two can be told apart by anyone reading the trail.
    const listed = await fx.call('GET', '/api/audit?limit=1', { token: await tokenFor(impostor) });
    expect(listed.json.entries[0].actor).toEqual({ type: 'user', id: impostor });
    const viaService = await fx.call('GET', '/api/audit?limit=1000', { token: ADMIN_TOKEN });
    const services = viaService.json.entries.filter(
      (e: { actor: { type: string } }) => e.actor.type === 'service',
    );
    expect(services.every((e: { actor: { id: string } }) => e.actor.id === 'service')).toBe(true);
    expect(
      services.some((e: { actor: { onBehalfOf?: string } }) => e.actor.onBehalfOf === impostor.slice(8)),
    ).toBe(false);
  });

  it('refuses the service token without a user for user routes, and a malformed user id', async () => {
    const none = await fx.call('POST', '/api/keys', {
      token: ADMIN_TOKEN,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    expectError(none, 400, 'INVALID_INPUT');
    const spaced = await fx.call('GET', '/api/keys', {
      token: ADMIN_TOKEN,
      headers: { 'x-byok-user-id': 'a b' },
    });
    expectError(spaced, 400, 'INVALID_INPUT');
  });

  it('never writes the secret to the logs', async () => {
    const alice = await user();
    const { apiKey } = await alice.addKey();
    expect(fx.logs.join('\n')).not.toContain(apiKey);
  });
});

describe('GET /api/keys.happy', () => {
  it('lists the caller’s keys, filtered by provider, environment and status', async () => {
    const alice = await user();
    const a = await alice.addKey();
    const b = await alice.addKey({ environment: 'development' });
    await fx.call('POST', `/api/keys/${b.key.id}/revoke`, { token: alice.token });
    const all = await fx.call('GET', '/api/keys', { token: alice.token });
    expect(all.status).toBe(200);
    expect(all.json.keys.map((k: { id: string }) => k.id).sort()).toEqual([a.key.id, b.key.id].sort());
    const dev = await fx.call('GET', '/api/keys?environment=development', { token: alice.token });
    expect(dev.json.keys.map((k: { id: string }) => k.id)).toEqual([b.key.id]);
    const active = await fx.call('GET', '/api/keys?status=active&provider=openai', { token: alice.token });
    expect(active.json.keys.map((k: { id: string }) => k.id)).toEqual([a.key.id]);
    expect(all.text).not.toContain(a.apiKey);
  });
});

describe('GET /api/keys.error', () => {
  it.each([
    ['?status=gone', 'INVALID_INPUT'],
    ['?provider=acme', 'UNKNOWN_PROVIDER'],
    ['?environment=qa', 'INVALID_INPUT'],
    ['?owner=someone', 'INVALID_INPUT'],
  ])('refuses %s', async (query, code) => {
    const alice = await user();
    expectError(await fx.call('GET', `/api/keys${query}`, { token: alice.token }), 400, code);
  });
});

describe('GET /api/keys.security', () => {
  it('shows only the caller’s keys', async () => {
    const alice = await user();
    const mallory = await user();
    await alice.addKey();
    const res = await fx.call('GET', '/api/keys', { token: mallory.token });
    expect(res.json.keys).toEqual([]);
  });
});

describe('GET /api/keys/:id.happy', () => {
  it('answers one key, masked', async () => {
    const alice = await user();
    const { key, apiKey } = await alice.addKey({ alias: 'one' });
    const res = await fx.call('GET', `/api/keys/${key.id}`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.json.key).toEqual(key);
    expect(res.text).not.toContain(apiKey);
  });
});

describe('GET /api/keys/:id.error', () => {
  it('answers 404 KEY_NOT_FOUND for an unknown id', async () => {
    const alice = await user();
    const res = await fx.call('GET', '/api/keys/key_doesnotexist0000000', { token: alice.token });
    expectError(res, 404, 'KEY_NOT_FOUND');
    expect(res.json.error.message).toBe('Key key_doesnotexist0000000 not found');
  });
});

describe('GET /api/keys/:id.security', () => {
  it('answers another user’s key exactly like a missing one', async () => {
    const alice = await user();
    const mallory = await user();
    const { key } = await alice.addKey();
    const theirs = await fx.call('GET', `/api/keys/${key.id}`, { token: mallory.token });
    const missing = await fx.call('GET', '/api/keys/key_zzzzzzzzzzzzzzzzzzzz', { token: mallory.token });
    expect(theirs.status).toBe(missing.status);
    const normalize = (res: CallResult, id: string) =>
      JSON.stringify({ ...res.json.error, requestId: 'r' }).replaceAll(id, 'ID');
    expect(normalize(theirs, key.id)).toBe(normalize(missing, 'key_zzzzzzzzzzzzzzzzzzzz'));
  });
});

describe('PATCH /api/keys/:id.happy', () => {
  it('changes alias, description and priority, disables and enables, and replaces the secret', async () => {
    const alice = await user();
    const { key } = await alice.addKey();
    const renamed = await fx.call('PATCH', `/api/keys/${key.id}`, {
      token: alice.token,
      body: { alias: 'Renamed', description: 'd', priority: 3 },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json.key).toMatchObject({
      alias: 'Renamed',
      description: 'd',
      priority: 3,
      fingerprint: key.fingerprint,
    });
    const disabled = await fx.call('PATCH', `/api/keys/${key.id}`, {
      token: alice.token,
      body: { enabled: false },
    });
    expect(disabled.json.key).toMatchObject({ status: 'disabled', isActive: false });
    expect(await fx.system.manager.getActiveKey(alice.id, 'openai')).toBeNull();
    const enabled = await fx.call('PATCH', `/api/keys/${key.id}`, {
      token: alice.token,
      body: { enabled: true },
    });
    expect(enabled.json.key.status).toBe('active');
    const newSecret = openaiKey();
    const replaced = await fx.call('PATCH', `/api/keys/${key.id}`, {
      token: alice.token,
      body: { keyData: { apiKey: newSecret } },
    });
    expect(replaced.json.key.fingerprint).not.toBe(key.fingerprint);
    expect(replaced.json.key.keyHint).toBe(`sk-proj-…${newSecret.slice(-4)}`);
    expect(replaced.text).not.toContain(newSecret);
    expect((await fx.system.manager.getActiveKey(alice.id, 'openai'))?.keyData.apiKey).toBe(newSecret);
    const cleared = await fx.call('PATCH', `/api/keys/${key.id}`, {
      token: alice.token,
      body: { alias: null },
    });
    expect(cleared.json.key.alias).toBeNull();
  });
});

describe('PATCH /api/keys/:id.error', () => {
  it('refuses an empty patch, unknown fields and a bad secret with 400', async () => {
    const alice = await user();
    const { key } = await alice.addKey({ alias: 'keep' });
    expectError(
      await fx.call('PATCH', `/api/keys/${key.id}`, { token: alice.token, body: {} }),
      400,
      'INVALID_INPUT',
    );
    expectError(
      await fx.call('PATCH', `/api/keys/${key.id}`, { token: alice.token, body: { status: 'active' } }),
      400,
      'INVALID_INPUT',
    );
    expectError(
      await fx.call('PATCH', `/api/keys/${key.id}`, {
        token: alice.token,
        body: { keyData: { apiKey: 'nope' } },
      }),
      400,
      'INVALID_KEY_FORMAT',
    );
    const after = await fx.call('GET', `/api/keys/${key.id}`, { token: alice.token });
    expect(after.json.key).toMatchObject({ alias: 'keep', fingerprint: key.fingerprint });
  });

  it('answers 409 for enabling a revoked key and 404 for an unknown one', async () => {
    const alice = await user();
    const { key } = await alice.addKey();
    await fx.call('POST', `/api/keys/${key.id}/revoke`, { token: alice.token });
    expectError(
      await fx.call('PATCH', `/api/keys/${key.id}`, { token: alice.token, body: { enabled: true } }),
      409,
      'CONFLICT',
    );
    expectError(
      await fx.call('PATCH', '/api/keys/key_nothere', { token: alice.token, body: { alias: 'x' } }),
      404,
      'KEY_NOT_FOUND',
    );
  });
});

describe('PATCH /api/keys/:id.security', () => {
  it('cannot change another user’s key; the key is untouched', async () => {
    const alice = await user();
    const mallory = await user();
    const { key } = await alice.addKey({ alias: 'mine' });
    const res = await fx.call('PATCH', `/api/keys/${key.id}`, {
      token: mallory.token,
      body: { alias: 'pwned' },
    });
    expectError(res, 404, 'KEY_NOT_FOUND');
    expect((await fx.system.manager.getKeyDetails(key.id))?.alias).toBe('mine');
  });
});

describe('POST /api/keys/:id/revoke.happy', () => {
  it('revokes with no body or with a reason; the key is never served again', async () => {
    const alice = await user();
    const a = await alice.addKey();
    const res = await fx.call('POST', `/api/keys/${a.key.id}/revoke`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.json.key).toMatchObject({ status: 'revoked', isActive: false, revokedAt: expect.any(String) });
    expect(await fx.system.manager.getActiveKey(alice.id, 'openai')).toBeNull();
    const b = await alice.addKey();
    const withReason = await fx.call('POST', `/api/keys/${b.key.id}/revoke`, {
      token: alice.token,
      body: { reason: 'leaked' },
    });
    expect(withReason.status).toBe(200);
    const [entry] = await fx.system.audit.list({ targetId: b.key.id, limit: 1 });
    expect(entry).toMatchObject({ action: 'key.revoked', details: { reason: 'leaked' } });
  });
});

describe('POST /api/keys/:id/revoke.error', () => {
  it('answers 404 for an unknown key and 400 for unknown body fields', async () => {
    const alice = await user();
    expectError(
      await fx.call('POST', '/api/keys/key_unknown/revoke', { token: alice.token }),
      404,
      'KEY_NOT_FOUND',
    );
    const { key } = await alice.addKey();
    expectError(
      await fx.call('POST', `/api/keys/${key.id}/revoke`, { token: alice.token, body: { force: true } }),
      400,
      'INVALID_INPUT',
    );
    expect((await fx.system.manager.getKeyDetails(key.id))?.status).toBe('active');
  });
});

describe('POST /api/keys/:id/revoke.security', () => {
  it('cannot revoke another user’s key', async () => {
    const alice = await user();
    const mallory = await user();
    const { key } = await alice.addKey();
    expectError(
      await fx.call('POST', `/api/keys/${key.id}/revoke`, { token: mallory.token }),
      404,
      'KEY_NOT_FOUND',
    );
    expect((await fx.system.manager.getKeyDetails(key.id))?.status).toBe('active');
  });
});

describe('DELETE /api/keys/:id.happy', () => {
  it('deletes with 204 and an empty body; then the key is gone', async () => {
    const alice = await user();
    const { key } = await alice.addKey();
    const res = await fx.call('DELETE', `/api/keys/${key.id}`, { token: alice.token });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await fx.call('GET', `/api/keys/${key.id}`, { token: alice.token }), 404, 'KEY_NOT_FOUND');
  });
});

describe('DELETE /api/keys/:id.error', () => {
  it('answers 404 the second time', async () => {
    const alice = await user();
    const { key } = await alice.addKey();
    expect((await fx.call('DELETE', `/api/keys/${key.id}`, { token: alice.token })).status).toBe(204);
    expectError(await fx.call('DELETE', `/api/keys/${key.id}`, { token: alice.token }), 404, 'KEY_NOT_FOUND');
  });
});

describe('DELETE /api/keys/:id.security', () => {
  it('cannot delete another user’s key', async () => {
    const alice = await user();
    const mallory = await user();
    const { key } = await alice.addKey();
    expectError(
      await fx.call('DELETE', `/api/keys/${key.id}`, { token: mallory.token }),
      404,
      'KEY_NOT_FOUND',
    );
    expect(await fx.system.manager.getKeyDetails(key.id)).not.toBeNull();
  });
});
