import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import { openManager } from '../../test/manager.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { resolveQuotas } from './quotas.js';

const openaiKey = (n: number) => `sk-proj-quota${String(n).padStart(4, '0')}${uniqueId().slice(-8)}abcdef`;

describe('resolveQuotas', () => {
  it('has sane defaults and refuses nonsense', () => {
    expect(resolveQuotas()).toEqual({
      maxKeysPerOwner: 100,
      maxWorkspacesPerUser: 50,
      maxMembersPerWorkspace: 200,
      maxKeysPerValidateAll: 100,
    });
    expect(resolveQuotas({ maxKeysPerOwner: 3 }).maxKeysPerOwner).toBe(3);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => resolveQuotas({ maxKeysPerOwner: bad })).toThrow(/maxKeysPerOwner/);
    }
  });
});

describe.each(databaseBackends)('quotas on $name', (backend) => {
  let close: () => Promise<void>;
  let manager: BYOKManager;

  beforeAll(async () => {
    ({ manager, close } = await openManager(backend, {
      quotas: {
        maxKeysPerOwner: 3,
        maxWorkspacesPerUser: 2,
        maxMembersPerWorkspace: 3,
        maxKeysPerValidateAll: 2,
      },
    }));
  });
  afterAll(() => close());

  const add = (owner: { userId?: string; workspaceId?: string }, n: number) =>
    manager.addKey({ ...owner, provider: 'openai', keyData: { apiKey: openaiKey(n) } });

  it('refuses a key past maxKeysPerOwner with QUOTA_EXCEEDED (403); a revoked key frees its slot', async () => {
    const userId = uniqueId();
    const ids = [await add({ userId }, 1), await add({ userId }, 2), await add({ userId }, 3)];
    const refused = add({ userId }, 4);
    await expect(refused).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      status: 403,
      details: { quota: 'maxKeysPerOwner', limit: 3 },
    });
    expect(await manager.listKeys(userId)).toHaveLength(3);
    // Another owner is not affected.
    await add({ userId: uniqueId() }, 5);
    await manager.revokeKey(ids[0] as string);
    await add({ userId }, 6);
    await expect(add({ userId }, 7)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
  });

  it('lets exactly one of many concurrent adds take the last slot', async () => {
    const userId = uniqueId();
    await add({ userId }, 1);
    await add({ userId }, 2);
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => add({ userId }, 10 + i)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(await manager.listKeys(userId)).toHaveLength(3);
  });

  it('counts a workspace’s keys on their own, race-safe too', async () => {
    const workspace = await manager.workspaces.createWorkspace({ name: 'q', ownerUserId: uniqueId() });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => add({ workspaceId: workspace.id }, 20 + i)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await manager.listKeys({ workspaceId: workspace.id })).toHaveLength(3);
  });

  it('refuses a workspace past maxWorkspacesPerUser, race-safe', async () => {
    const ownerUserId = uniqueId();
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => manager.workspaces.createWorkspace({ name: `w${i}`, ownerUserId })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    await expect(manager.workspaces.createWorkspace({ name: 'more', ownerUserId })).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'maxWorkspacesPerUser', limit: 2 },
    });
    expect(await manager.workspaces.listForUser(ownerUserId)).toHaveLength(2);
  });

  it('refuses a member past maxMembersPerWorkspace; changing a member’s role still works', async () => {
    const owner = uniqueId();
    const workspace = await manager.workspaces.createWorkspace({ name: 'm', ownerUserId: owner });
    const [a, b, c] = [uniqueId(), uniqueId(), uniqueId()];
    await manager.workspaces.addMember(workspace.id, a, 'member');
    await manager.workspaces.addMember(workspace.id, b, 'member');
    await expect(manager.workspaces.addMember(workspace.id, c, 'member')).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'maxMembersPerWorkspace', limit: 3 },
    });
    await manager.workspaces.addMember(workspace.id, a, 'admin');
    expect((await manager.workspaces.listMembers(workspace.id)).map((m) => m.role).sort()).toEqual([
      'admin',
      'member',
      'owner',
    ]);
  });

  it('refuses validate-all past maxKeysPerValidateAll before calling any provider', async () => {
    const userId = uniqueId();
    const ids = [await add({ userId }, 1), await add({ userId }, 2), await add({ userId }, 3)];
    await expect(manager.validateAllKeys(userId)).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'maxKeysPerValidateAll', limit: 2 },
    });
    const { rows } = await manager.context.db.query<{ count: string }>(
      'SELECT count(*) AS count FROM byok.key_validations WHERE key_id = ANY($1)',
      [ids],
    );
    expect(Number(rows[0]?.count)).toBe(0);
  });
});
