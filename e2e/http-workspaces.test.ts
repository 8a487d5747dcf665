import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anthropicKey,
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

/** A workspace owned by a new user, with an admin and a member. */
async function team() {
  const owner = await user();
  const admin = await user();
  const member = await user();
  const outsider = await user();
  const created = await fx.call('POST', '/api/workspaces', { token: owner.token, body: { name: 'Team' } });
  expect(created.status).toBe(201);
  const id: string = created.json.workspace.id;
  for (const [who, role] of [
    [admin, 'admin'],
    [member, 'member'],
  ] as const) {
    const res = await fx.call('POST', `/api/workspaces/${id}/members`, {
      token: owner.token,
      body: { userId: who.id, role },
    });
    expect(res.status).toBe(200);
  }
  const addKey = async (token = owner.token) => {
    const apiKey = anthropicKey();
    const res = await fx.call('POST', `/api/workspaces/${id}/ai-providers`, {
      token,
      body: { provider: 'anthropic', keyData: { apiKey }, alias: 'team key' },
    });
    expect(res.status).toBe(201);
    return { apiKey, key: res.json.key };
  };
  return { id, owner, admin, member, outsider, addKey };
}

const notFoundLike = (
  a: { json: { error: Record<string, string> } },
  b: { json: { error: Record<string, string> } },
  idA: string,
  idB: string,
) =>
  expect(JSON.stringify({ ...a.json.error, requestId: '' }).replace(idA, 'ID')).toBe(
    JSON.stringify({ ...b.json.error, requestId: '' }).replace(idB, 'ID'),
  );

describe('POST /api/workspaces.happy', () => {
  it('creates a workspace with the caller as owner', async () => {
    const alice = await user();
    const res = await fx.call('POST', '/api/workspaces', { token: alice.token, body: { name: '  Acme  ' } });
    expect(res.status).toBe(201);
    expect(res.json.workspace).toMatchObject({
      id: expect.stringMatching(/^ws_/),
      name: 'Acme',
      role: 'owner',
      createdBy: alice.id,
    });
  });
});

describe('POST /api/workspaces.error', () => {
  it.each([[{}], [{ name: '' }], [{ name: 'x'.repeat(101) }], [{ name: 'ok', owner: 'x' }]])(
    'refuses %j',
    async (body) => {
      const alice = await user();
      expectError(
        await fx.call('POST', '/api/workspaces', { token: alice.token, body }),
        400,
        'INVALID_INPUT',
      );
      expect((await fx.call('GET', '/api/workspaces', { token: alice.token })).json.workspaces).toEqual([]);
    },
  );
});

describe('POST /api/workspaces.security', () => {
  it('needs a user: the service token alone cannot create one', async () => {
    const { ADMIN_TOKEN } = await import('../apps/byok-server/test/helpers.js');
    expectError(
      await fx.call('POST', '/api/workspaces', { token: ADMIN_TOKEN, body: { name: 'x' } }),
      400,
      'INVALID_INPUT',
    );
  });
});

describe('GET /api/workspaces.happy', () => {
  it('lists the caller’s workspaces with their role', async () => {
    const t = await team();
    const res = await fx.call('GET', '/api/workspaces', { token: t.member.token });
    expect(res.json.workspaces).toEqual([
      expect.objectContaining({ id: t.id, name: 'Team', role: 'member' }),
    ]);
  });
});

describe('GET /api/workspaces.security', () => {
  it('does not list workspaces the caller is not in', async () => {
    const t = await team();
    const res = await fx.call('GET', '/api/workspaces', { token: t.outsider.token });
    expect(res.status).toBe(200);
    expect(res.json.workspaces).toEqual([]);
  });
});

describe('GET /api/workspaces/:id/members.happy', () => {
  it('lists members for any member', async () => {
    const t = await team();
    const res = await fx.call('GET', `/api/workspaces/${t.id}/members`, { token: t.member.token });
    expect(res.status).toBe(200);
    expect(res.json.members.map((m: { userId: string; role: string }) => [m.userId, m.role]).sort()).toEqual(
      [
        [t.owner.id, 'owner'],
        [t.admin.id, 'admin'],
        [t.member.id, 'member'],
      ].sort(),
    );
  });
});

describe('GET /api/workspaces/:id/members.error', () => {
  it('answers 404 for a workspace that does not exist', async () => {
    const alice = await user();
    expectError(
      await fx.call('GET', '/api/workspaces/ws_nope/members', { token: alice.token }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('GET /api/workspaces/:id/members.security', () => {
  it('answers a non-member exactly as if the workspace did not exist', async () => {
    const t = await team();
    const theirs = await fx.call('GET', `/api/workspaces/${t.id}/members`, { token: t.outsider.token });
    const missing = await fx.call('GET', '/api/workspaces/ws_missing000000000000/members', {
      token: t.outsider.token,
    });
    expectError(theirs, 404, 'NOT_FOUND');
    expect(theirs.status).toBe(missing.status);
    notFoundLike(theirs, missing, t.id, 'ws_missing000000000000');
  });
});

describe('POST /api/workspaces/:id/members.happy', () => {
  it('lets admins add members and change a member’s role; owners grant owner', async () => {
    const t = await team();
    const newbie = await user();
    const added = await fx.call('POST', `/api/workspaces/${t.id}/members`, {
      token: t.admin.token,
      body: { userId: newbie.id, role: 'member' },
    });
    expect(added.status).toBe(200);
    expect(added.json.member).toMatchObject({
      userId: newbie.id,
      role: 'member',
      addedAt: expect.any(String),
    });
    const promoted = await fx.call('POST', `/api/workspaces/${t.id}/members`, {
      token: t.admin.token,
      body: { userId: newbie.id, role: 'admin' },
    });
    expect(promoted.json.member.role).toBe('admin');
    const owner2 = await fx.call('POST', `/api/workspaces/${t.id}/members`, {
      token: t.owner.token,
      body: { userId: newbie.id, role: 'owner' },
    });
    expect(owner2.json.member.role).toBe('owner');
  });
});

describe('POST /api/workspaces/:id/members.error', () => {
  it('refuses a bad role or user id, and demoting the last owner', async () => {
    const t = await team();
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/members`, {
        token: t.owner.token,
        body: { userId: 'x', role: 'god' },
      }),
      400,
      'INVALID_INPUT',
    );
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/members`, {
        token: t.owner.token,
        body: { userId: 'a b', role: 'member' },
      }),
      400,
      'INVALID_INPUT',
    );
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/members`, {
        token: t.owner.token,
        body: { userId: t.owner.id, role: 'member' },
      }),
      409,
      'CONFLICT',
    );
  });
});

describe('POST /api/workspaces/:id/members.security', () => {
  it('refuses members (403), admins granting owner (403) and outsiders (404)', async () => {
    const t = await team();
    const target = uid();
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/members`, {
        token: t.member.token,
        body: { userId: target, role: 'member' },
      }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/members`, {
        token: t.admin.token,
        body: { userId: target, role: 'owner' },
      }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/members`, {
        token: t.admin.token,
        body: { userId: t.owner.id, role: 'member' },
      }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/members`, {
        token: t.outsider.token,
        body: { userId: target, role: 'member' },
      }),
      404,
      'NOT_FOUND',
    );
    const members = await fx.system.manager.workspaces.listMembers(t.id);
    expect(members.map((m) => m.userId)).not.toContain(target);
  });
});

describe('DELETE /api/workspaces/:id/members/:userId.happy', () => {
  it('lets an admin remove a member and a member leave', async () => {
    const t = await team();
    expect(
      (await fx.call('DELETE', `/api/workspaces/${t.id}/members/${t.member.id}`, { token: t.admin.token }))
        .status,
    ).toBe(204);
    expect(
      (await fx.call('DELETE', `/api/workspaces/${t.id}/members/${t.admin.id}`, { token: t.admin.token }))
        .status,
    ).toBe(204);
    const left = await fx.system.manager.workspaces.listMembers(t.id);
    expect(left.map((m) => m.userId)).toEqual([t.owner.id]);
  });
});

describe('DELETE /api/workspaces/:id/members/:userId.error', () => {
  it('refuses removing the last owner (409) and an unknown member (404)', async () => {
    const t = await team();
    expectError(
      await fx.call('DELETE', `/api/workspaces/${t.id}/members/${t.owner.id}`, { token: t.owner.token }),
      409,
      'CONFLICT',
    );
    expectError(
      await fx.call('DELETE', `/api/workspaces/${t.id}/members/nobody`, { token: t.owner.token }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('DELETE /api/workspaces/:id/members/:userId.security', () => {
  it('refuses members removing others, admins removing owners, outsiders', async () => {
    const t = await team();
    expectError(
      await fx.call('DELETE', `/api/workspaces/${t.id}/members/${t.admin.id}`, { token: t.member.token }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('DELETE', `/api/workspaces/${t.id}/members/${t.owner.id}`, { token: t.admin.token }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('DELETE', `/api/workspaces/${t.id}/members/${t.member.id}`, { token: t.outsider.token }),
      404,
      'NOT_FOUND',
    );
    expect(await fx.system.manager.workspaces.listMembers(t.id)).toHaveLength(3);
  });
});

describe('POST /api/workspaces/:id/ai-providers.happy', () => {
  it('lets owners and admins store workspace keys, masked', async () => {
    const t = await team();
    const byOwner = await t.addKey();
    const byAdmin = await t.addKey(t.admin.token);
    expect(byOwner.key).toMatchObject({
      workspaceId: t.id,
      userId: null,
      provider: 'anthropic',
      createdBy: t.owner.id,
    });
    expect(byAdmin.key.createdBy).toBe(t.admin.id);
    expect(JSON.stringify(byOwner.key)).not.toContain(byOwner.apiKey);
    expect((await fx.system.manager.getActiveKey({ workspaceId: t.id }, 'anthropic'))?.keyData.apiKey).toBe(
      byOwner.apiKey,
    );
  });
});

describe('POST /api/workspaces/:id/ai-providers.error', () => {
  it('refuses bad input with 400 and stores nothing', async () => {
    const t = await team();
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/ai-providers`, {
        token: t.owner.token,
        body: { provider: 'acme', keyData: {} },
      }),
      400,
      'UNKNOWN_PROVIDER',
    );
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/ai-providers`, {
        token: t.owner.token,
        body: { provider: 'anthropic', keyData: { apiKey: 'sk-proj-notanthropic' } },
      }),
      400,
      'INVALID_KEY_FORMAT',
    );
    expect(await fx.system.manager.listKeys({ workspaceId: t.id })).toEqual([]);
  });
});

describe('POST /api/workspaces/:id/ai-providers.security', () => {
  it('refuses members (403) and outsiders (404); nothing is stored', async () => {
    const t = await team();
    const body = { provider: 'openai', keyData: { apiKey: openaiKey() } };
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/ai-providers`, { token: t.member.token, body }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('POST', `/api/workspaces/${t.id}/ai-providers`, { token: t.outsider.token, body }),
      404,
      'NOT_FOUND',
    );
    expect(await fx.system.manager.listKeys({ workspaceId: t.id })).toEqual([]);
  });
});

describe('GET /api/workspaces/:id/ai-providers.happy', () => {
  it('lists the workspace’s keys for every member', async () => {
    const t = await team();
    const { key } = await t.addKey();
    const res = await fx.call('GET', `/api/workspaces/${t.id}/ai-providers?provider=anthropic`, {
      token: t.member.token,
    });
    expect(res.status).toBe(200);
    expect(res.json.keys.map((k: { id: string }) => k.id)).toEqual([key.id]);
  });
});

describe('GET /api/workspaces/:id/ai-providers.error', () => {
  it('refuses a bad filter', async () => {
    const t = await team();
    expectError(
      await fx.call('GET', `/api/workspaces/${t.id}/ai-providers?status=nope`, { token: t.member.token }),
      400,
      'INVALID_INPUT',
    );
  });
});

describe('GET /api/workspaces/:id/ai-providers.security', () => {
  it('answers an outsider like a missing workspace, and never lists user keys', async () => {
    const t = await team();
    await t.addKey();
    await fx.call('POST', '/api/keys', {
      token: t.owner.token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    const theirs = await fx.call('GET', `/api/workspaces/${t.id}/ai-providers`, { token: t.outsider.token });
    const missing = await fx.call('GET', '/api/workspaces/ws_missing000000000000/ai-providers', {
      token: t.outsider.token,
    });
    notFoundLike(theirs, missing, t.id, 'ws_missing000000000000');
    const mine = await fx.call('GET', `/api/workspaces/${t.id}/ai-providers`, { token: t.owner.token });
    expect(mine.json.keys.every((k: { workspaceId: string }) => k.workspaceId === t.id)).toBe(true);
  });
});

describe('GET /api/workspaces/:id/ai-providers/:keyId.happy', () => {
  it('answers one workspace key to a member', async () => {
    const t = await team();
    const { key } = await t.addKey();
    const res = await fx.call('GET', `/api/workspaces/${t.id}/ai-providers/${key.id}`, {
      token: t.member.token,
    });
    expect(res.json.key).toEqual(key);
  });
});

describe('GET /api/workspaces/:id/ai-providers/:keyId.error', () => {
  it('answers 404 for an unknown key', async () => {
    const t = await team();
    expectError(
      await fx.call('GET', `/api/workspaces/${t.id}/ai-providers/key_nope`, { token: t.member.token }),
      404,
      'KEY_NOT_FOUND',
    );
  });
});

describe('GET /api/workspaces/:id/ai-providers/:keyId.security', () => {
  it('does not serve another workspace’s key or a user key through a workspace', async () => {
    const a = await team();
    const b = await team();
    const { key } = await a.addKey();
    expectError(
      await fx.call('GET', `/api/workspaces/${b.id}/ai-providers/${key.id}`, { token: b.owner.token }),
      404,
      'KEY_NOT_FOUND',
    );
    const userKey = await fx.call('POST', '/api/keys', {
      token: b.owner.token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    expectError(
      await fx.call('GET', `/api/workspaces/${b.id}/ai-providers/${userKey.json.key.id}`, {
        token: b.owner.token,
      }),
      404,
      'KEY_NOT_FOUND',
    );
    // …nor a workspace key through /api/keys.
    expectError(await fx.call('GET', `/api/keys/${key.id}`, { token: a.owner.token }), 404, 'KEY_NOT_FOUND');
  });
});

describe('PATCH /api/workspaces/:id/ai-providers/:keyId.happy', () => {
  it('lets an admin disable and rename a workspace key', async () => {
    const t = await team();
    const { key } = await t.addKey();
    const res = await fx.call('PATCH', `/api/workspaces/${t.id}/ai-providers/${key.id}`, {
      token: t.admin.token,
      body: { enabled: false, alias: 'paused' },
    });
    expect(res.status).toBe(200);
    expect(res.json.key).toMatchObject({ status: 'disabled', alias: 'paused' });
  });
});

describe('PATCH /api/workspaces/:id/ai-providers/:keyId.error', () => {
  it('refuses an empty patch', async () => {
    const t = await team();
    const { key } = await t.addKey();
    expectError(
      await fx.call('PATCH', `/api/workspaces/${t.id}/ai-providers/${key.id}`, {
        token: t.admin.token,
        body: {},
      }),
      400,
      'INVALID_INPUT',
    );
  });
});

describe('PATCH /api/workspaces/:id/ai-providers/:keyId.security', () => {
  it('refuses members (403) and outsiders (404); the key is unchanged', async () => {
    const t = await team();
    const { key } = await t.addKey();
    const body = { alias: 'pwned' };
    expectError(
      await fx.call('PATCH', `/api/workspaces/${t.id}/ai-providers/${key.id}`, {
        token: t.member.token,
        body,
      }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('PATCH', `/api/workspaces/${t.id}/ai-providers/${key.id}`, {
        token: t.outsider.token,
        body,
      }),
      404,
      'NOT_FOUND',
    );
    expect((await fx.system.manager.getKeyDetails(key.id))?.alias).toBe('team key');
  });
});

describe('POST /api/workspaces/:id/ai-providers/:keyId/revoke.happy', () => {
  it('revokes a workspace key', async () => {
    const t = await team();
    const { key } = await t.addKey();
    const res = await fx.call('POST', `/api/workspaces/${t.id}/ai-providers/${key.id}/revoke`, {
      token: t.owner.token,
    });
    expect(res.json.key.status).toBe('revoked');
    expect(await fx.system.manager.getActiveKey({ workspaceId: t.id }, 'anthropic')).toBeNull();
  });
});

describe('DELETE /api/workspaces/:id/ai-providers/:keyId.happy', () => {
  it('deletes a workspace key', async () => {
    const t = await team();
    const { key } = await t.addKey();
    expect(
      (await fx.call('DELETE', `/api/workspaces/${t.id}/ai-providers/${key.id}`, { token: t.admin.token }))
        .status,
    ).toBe(204);
    expect(await fx.system.manager.getKeyDetails(key.id)).toBeNull();
  });
});

describe('DELETE /api/workspaces/:id/ai-providers/:keyId.error', () => {
  it('answers 404 for an unknown key', async () => {
    const t = await team();
    expectError(
      await fx.call('DELETE', `/api/workspaces/${t.id}/ai-providers/key_nope`, { token: t.owner.token }),
      404,
      'KEY_NOT_FOUND',
    );
  });
});

describe('DELETE /api/workspaces/:id/ai-providers/:keyId.security', () => {
  it('refuses members and outsiders', async () => {
    const t = await team();
    const { key } = await t.addKey();
    expectError(
      await fx.call('DELETE', `/api/workspaces/${t.id}/ai-providers/${key.id}`, { token: t.member.token }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('DELETE', `/api/workspaces/${t.id}/ai-providers/${key.id}`, { token: t.outsider.token }),
      404,
      'NOT_FOUND',
    );
    expect(await fx.system.manager.getKeyDetails(key.id)).not.toBeNull();
  });
});
