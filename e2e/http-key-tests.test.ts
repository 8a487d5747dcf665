/**
 * Key tests over HTTP: `POST /api/keys/:id/test`, `POST /api/keys/validate-all`,
 * `POST /api/keys/test-credential` and the workspace forms (`…/ai-providers/:keyId/test`,
 * `…/ai-providers/validate-all`), against the local fake providers.
 */
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  anthropicKey,
  createHttpFixture,
  expectError,
  type HttpFixture,
  openaiKey,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

let fake: FakeProviders;
let fx: HttpFixture;

beforeAll(async () => {
  fake = await startFakeProviders();
  fx = await createHttpFixture({
    rateLimit: { writesPerMinute: 100_000 },
    systemOptions: {
      providers: {
        openai: { baseUrl: fake.baseUrls.openai },
        anthropic: { baseUrl: fake.baseUrls.anthropic },
      },
      validation: { timeout: 2000 },
    },
  });
});
afterAll(async () => {
  await fx.close();
  await fake.close();
});

async function user() {
  const id = uid();
  const token = await tokenFor(id);
  return {
    id,
    token,
    async addKey(apiKey = openaiKey(), provider = 'openai') {
      const res = await fx.call('POST', '/api/keys', { token, body: { provider, keyData: { apiKey } } });
      expect(res.status, res.text).toBe(201);
      return { apiKey, id: res.json.key.id as string };
    },
  };
}

const validations = async (keyId: string) => {
  const { rows } = await fx.system.database.db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM byok.key_validations WHERE key_id = $1',
    [keyId],
  );
  return Number(rows[0]?.n);
};

async function workspaceWith(role: 'member' | 'admin') {
  const owner = await user();
  const other = await user();
  const ws = await fx.call('POST', '/api/workspaces', { token: owner.token, body: { name: 'Team' } });
  const workspaceId = ws.json.workspace.id as string;
  await fx.call('POST', `/api/workspaces/${workspaceId}/members`, {
    token: owner.token,
    body: { userId: other.id, role },
  });
  const apiKey = openaiKey();
  const key = await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers`, {
    token: owner.token,
    body: { provider: 'openai', keyData: { apiKey } },
  });
  return { owner, other, workspaceId, keyId: key.json.key.id as string, apiKey };
}

describe('POST /api/keys/:id/test.happy', () => {
  it('tests the key with the provider and answers the result, never the secret', async () => {
    const alice = await user();
    const { apiKey, id } = await alice.addKey();
    fake.clear();
    const res = await fx.call('POST', `/api/keys/${id}/test`, { token: alice.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.result).toMatchObject({
      keyId: id,
      provider: 'openai',
      isValid: true,
      status: 'valid',
      healthScore: expect.any(Number),
      responseTime: expect.any(Number),
      testsRun: expect.arrayContaining(['authentication']),
      cooldownUntil: null,
    });
    expect(Date.parse(res.json.result.validatedAt)).not.toBeNaN();
    expect(res.text).not.toContain(apiKey);
    // The provider saw the key; the caller never does.
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(await validations(id)).toBe(1);
    const [entry] = await fx.system.audit.list({ owner: { type: 'user', id: alice.id }, limit: 1 });
    expect(entry).toMatchObject({
      action: 'key.tested',
      actor: { type: 'user', id: alice.id },
      targetId: id,
    });
    expect(JSON.stringify(entry)).not.toContain(apiKey);
  });

  it('accepts an empty body or {}', async () => {
    const alice = await user();
    const { id } = await alice.addKey();
    const res = await fx.call('POST', `/api/keys/${id}/test`, { token: alice.token, body: {} });
    expect(res.status).toBe(200);
  });
});

describe('POST /api/keys/:id/test.error', () => {
  it('reports a key the provider refuses as invalid (200 with isValid false) and marks it invalid', async () => {
    const alice = await user();
    const { id, apiKey } = await alice.addKey(`sk-proj-invalid${uid('x')}`);
    const res = await fx.call('POST', `/api/keys/${id}/test`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({
      isValid: false,
      status: 'invalid_key',
      errorCode: 'INVALID_KEY',
      errorMessage: expect.stringContaining('Provider validation failed'),
      statusCode: 401,
    });
    expect(res.text).not.toContain(apiKey);
    const key = await fx.call('GET', `/api/keys/${id}`, { token: alice.token });
    expect(key.json.key.status).toBe('invalid');
  });

  it('answers 404 for a revoked key, and 400 for a body', async () => {
    const alice = await user();
    const { id } = await alice.addKey();
    await fx.call('POST', `/api/keys/${id}/revoke`, { token: alice.token });
    expectError(await fx.call('POST', `/api/keys/${id}/test`, { token: alice.token }), 404, 'KEY_NOT_FOUND');
    const other = await alice.addKey();
    expectError(
      await fx.call('POST', `/api/keys/${other.id}/test`, { token: alice.token, body: { force: true } }),
      400,
      'INVALID_INPUT',
    );
  });

  it('counts as a write for the rate limit', async () => {
    const limited = await createHttpFixture({
      rateLimit: { writesPerMinute: 2 },
      systemOptions: { providers: { openai: { baseUrl: fake.baseUrls.openai } } },
    });
    try {
      const id = uid();
      const token = await tokenFor(id);
      const key = await limited.call('POST', '/api/keys', {
        token,
        body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
      });
      expect((await limited.call('POST', `/api/keys/${key.json.key.id}/test`, { token })).status).toBe(200);
      expectError(
        await limited.call('POST', `/api/keys/${key.json.key.id}/test`, { token }),
        429,
        'RATE_LIMITED',
      );
    } finally {
      await limited.close();
    }
  });
});

describe('POST /api/keys/:id/test.security', () => {
  it('answers another user exactly like a missing key, tests nothing and records nothing', async () => {
    const alice = await user();
    const mallory = await user();
    const { id } = await alice.addKey();
    fake.clear();
    const theirs = await fx.call('POST', `/api/keys/${id}/test`, { token: mallory.token });
    const missing = await fx.call('POST', '/api/keys/key_doesnotexist000/test', { token: mallory.token });
    expectError(theirs, 404, 'KEY_NOT_FOUND');
    expect(theirs.json.error.message.replace(id, 'K')).toBe(
      missing.json.error.message.replace('key_doesnotexist000', 'K'),
    );
    expect(fake.requests).toHaveLength(0);
    expect(await validations(id)).toBe(0);
  });

  it('never logs the secret', async () => {
    const alice = await user();
    const { id, apiKey } = await alice.addKey();
    await fx.call('POST', `/api/keys/${id}/test`, { token: alice.token });
    expect(fx.logs.join('')).not.toContain(apiKey);
  });
});

describe('POST /api/keys/validate-all.happy', () => {
  it('tests every key that is not revoked and answers one result each', async () => {
    const alice = await user();
    const good = await alice.addKey();
    const bad = await alice.addKey(`sk-ant-invalid${uid('x')}`, 'anthropic');
    const revoked = await alice.addKey();
    await fx.call('POST', `/api/keys/${revoked.id}/revoke`, { token: alice.token });
    const res = await fx.call('POST', '/api/keys/validate-all', { token: alice.token });
    expect(res.status, res.text).toBe(200);
    const byId = Object.fromEntries(res.json.results.map((r: { keyId: string }) => [r.keyId, r]));
    expect(Object.keys(byId).sort()).toEqual([good.id, bad.id].sort());
    expect(byId[good.id]).toMatchObject({ isValid: true, status: 'valid' });
    expect(byId[bad.id]).toMatchObject({ isValid: false, status: 'invalid_key', provider: 'anthropic' });
    expect(res.text).not.toContain(good.apiKey);
    expect(res.text).not.toContain(bad.apiKey);
  });

  it('answers an empty list for a user without keys', async () => {
    const bob = await user();
    const res = await fx.call('POST', '/api/keys/validate-all', { token: bob.token, body: {} });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ results: [] });
  });
});

describe('POST /api/keys/validate-all.security', () => {
  it('tests only the caller’s keys', async () => {
    const alice = await user();
    const mallory = await user();
    const { id } = await alice.addKey();
    const res = await fx.call('POST', '/api/keys/validate-all', { token: mallory.token });
    expect(res.json.results).toEqual([]);
    expect(await validations(id)).toBe(0);
  });
});

describe('POST /api/keys/test-credential.happy', () => {
  it('tests a credential that is not stored: stores nothing, never echoes it', async () => {
    const alice = await user();
    const apiKey = anthropicKey();
    fake.clear();
    const before = await fx.system.database.db.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM byok.keys) + (SELECT count(*) FROM byok.key_validations) + (SELECT count(*) FROM byok.audit_log) AS n',
    );
    const res = await fx.call('POST', '/api/keys/test-credential', {
      token: alice.token,
      body: { provider: 'anthropic', keyData: { apiKey } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.result).toMatchObject({
      keyId: null,
      provider: 'anthropic',
      isValid: true,
      status: 'valid',
    });
    expect(res.json.result).not.toHaveProperty('cooldownUntil');
    expect(res.text).not.toContain(apiKey);
    expect(fake.requests.at(-1)?.headers['x-api-key']).toBe(apiKey);
    const after = await fx.system.database.db.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM byok.keys) + (SELECT count(*) FROM byok.key_validations) + (SELECT count(*) FROM byok.audit_log) AS n',
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    expect(fx.logs.join('')).not.toContain(apiKey);
  });

  it('works for the service token acting for nobody', async () => {
    const res = await fx.call('POST', '/api/keys/test-credential', {
      token: ADMIN_TOKEN,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    expect(res.status).toBe(200);
  });
});

describe('POST /api/keys/test-credential.error', () => {
  it.each([
    ['an unknown provider', { provider: 'acme', keyData: { apiKey: 'x' } }, 400, 'UNKNOWN_PROVIDER'],
    ['a malformed key', { provider: 'openai', keyData: { apiKey: 'not a key' } }, 400, 'INVALID_KEY_FORMAT'],
    ['no keyData', { provider: 'openai' }, 400, 'INVALID_INPUT'],
    // Found by the HTTP fuzz (seed 736814438): a provider that String() cannot print was a 500.
    [
      'a provider that cannot be printed',
      { provider: { toString: 1 }, keyData: {} },
      400,
      'UNKNOWN_PROVIDER',
    ],
    [
      'an unknown field',
      { provider: 'openai', keyData: { apiKey: openaiKey() }, save: true },
      400,
      'INVALID_INPUT',
    ],
  ])('refuses %s before any request to the provider', async (_name, body, status, code) => {
    const alice = await user();
    fake.clear();
    const res = await fx.call('POST', '/api/keys/test-credential', { token: alice.token, body });
    expectError(res, status, code);
    expect(fake.requests).toHaveLength(0);
  });

  it('reports a refused credential as invalid without echoing it', async () => {
    const alice = await user();
    const apiKey = `sk-proj-revoked${uid('x')}`;
    const res = await fx.call('POST', '/api/keys/test-credential', {
      token: alice.token,
      body: { provider: 'openai', keyData: { apiKey } },
    });
    expect(res.status).toBe(200);
    expect(res.json.result.isValid).toBe(false);
    expect(res.text).not.toContain(apiKey);
  });
});

describe('POST /api/keys/test-credential.security', () => {
  it('never echoes a malformed secret in the error either', async () => {
    const alice = await user();
    const secret = `sk-proj-${uid('leak')} with space`;
    const res = await fx.call('POST', '/api/keys/test-credential', {
      token: alice.token,
      body: { provider: 'openai', keyData: { apiKey: secret, [secret]: secret } },
    });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain(secret.slice(8, 20));
  });
});

describe('POST /api/workspaces/:id/ai-providers/:keyId/test.happy', () => {
  it('lets owners, admins and members test a workspace key (the deployment guide’s verify step)', async () => {
    for (const role of ['member', 'admin'] as const) {
      const { owner, other, workspaceId, keyId, apiKey } = await workspaceWith(role);
      for (const who of [owner, other]) {
        const res = await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers/${keyId}/test`, {
          token: who.token,
        });
        expect(res.status, res.text).toBe(200);
        expect(res.json.result).toMatchObject({ keyId, isValid: true });
        expect(res.text).not.toContain(apiKey);
      }
    }
  });
});

describe('POST /api/workspaces/:id/ai-providers/:keyId/test.security', () => {
  it('answers a non-member 404 like a missing workspace, and a user key through a workspace 404', async () => {
    const { workspaceId, keyId, other } = await workspaceWith('member');
    const mallory = await user();
    const theirs = await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers/${keyId}/test`, {
      token: mallory.token,
    });
    expectError(theirs, 404, 'NOT_FOUND');
    // A member cannot reach a personal key of another user through the workspace.
    const personal = await (await user()).addKey();
    expectError(
      await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers/${personal.id}/test`, {
        token: other.token,
      }),
      404,
      'KEY_NOT_FOUND',
    );
    expect(await validations(personal.id)).toBe(0);
  });
});

describe('POST /api/workspaces/:id/ai-providers/validate-all.happy', () => {
  it('tests every key of the workspace, for any member', async () => {
    const { other, workspaceId, keyId } = await workspaceWith('member');
    const res = await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers/validate-all`, {
      token: other.token,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.results.map((r: { keyId: string }) => r.keyId)).toEqual([keyId]);
  });
});

describe('POST /api/workspaces/:id/ai-providers/validate-all.security', () => {
  it('answers a non-member 404 and tests nothing', async () => {
    const { workspaceId, keyId } = await workspaceWith('member');
    const mallory = await user();
    expectError(
      await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers/validate-all`, {
        token: mallory.token,
      }),
      404,
      'NOT_FOUND',
    );
    expect(await validations(keyId)).toBe(0);
  });
});
