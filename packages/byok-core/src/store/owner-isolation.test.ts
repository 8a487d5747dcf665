import { describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/backends.js';
import { seedOwner, useMigrated } from '../../test/database.js';
import type { Owner } from '../crypto/index.js';
import { newId } from '../ids/index.js';
import { Environment } from '../providers/types.js';
import { type GatewayTokensStore, gatewayTokensStore } from './gateway-tokens-store.js';
import { type KeysStore, keysStore } from './keys-store.js';
import type { Database } from './types.js';
import { type WorkspacesStore, workspacesStore } from './workspaces-store.js';

/**
 * Every method of an owned store is either a by-owner call — listed in `cases`, where owner B
 * calling with owner A's row id must neither see nor change it, while owner A reaches it — or
 * listed in `exempt` with the reason it takes no owner. A method added to a store without either
 * fails the "classified" test, so a new by-id method cannot skip the owner filter unnoticed.
 */
/** `reached`: whether the call saw or changed the row. */
interface IsolationCase {
  run(db: Database, id: string, as: Owner, target: Owner): Promise<unknown>;
  reached(result: unknown, id: string): boolean;
}

interface IsolationSuite<S> {
  name: string;
  store: S;
  /** Creates a fresh row of owner A; returns its id and owner. */
  seed(db: Database): Promise<{ id: string; owner: Owner; other: Owner }>;
  /** Everything stored about the row, to prove a refused call changed nothing. */
  snapshot(db: Database, id: string): Promise<unknown>;
  cases: Partial<Record<keyof S, IsolationCase>>;
  exempt: Partial<Record<keyof S, string>>;
}

const found = (result: unknown) => result !== null && result !== undefined && result !== false;
const listsId = (result: unknown, id: string) =>
  Array.isArray(result) && result.some((row) => (row as { id?: string }).id === id);

async function seedOwners(db: Database): Promise<{ a: Owner; b: Owner }> {
  return { a: await seedOwner(db), b: await seedOwner(db) };
}

const keysSuite: IsolationSuite<KeysStore> = {
  name: 'keys',
  store: keysStore,
  async seed(db) {
    const { a, b } = await seedOwners(db);
    const id = newId('key');
    await keysStore.insert(db, {
      id,
      owner: a,
      provider: 'openai',
      environment: Environment.PRODUCTION,
      alias: 'a',
      description: null,
      ciphertext: 'ck1:test-ciphertext',
      keyHint: 'sk-…abcd',
      keyFingerprint: 'fp_test',
      priority: 0,
      createdBy: a.id,
    });
    return { id, owner: a, other: b };
  },
  async snapshot(db, id) {
    return (await db.query('SELECT * FROM byok.keys WHERE id = $1', [id])).rows;
  },
  cases: {
    find: { run: (db, id, as) => keysStore.find(db, id, as), reached: found },
    findWithDataKey: {
      run: (db, id, as) => keysStore.findWithDataKey(db, id, as, { forUpdate: false }),
      reached: found,
    },
    update: { run: (db, id, as) => keysStore.update(db, id, as, { alias: 'changed' }), reached: found },
    revoke: { run: (db, id, as) => keysStore.revoke(db, id, as), reached: found },
    delete: { run: (db, id, as) => keysStore.delete(db, id, as), reached: found },
    replaceCiphertext: {
      run: (db, id, as) => keysStore.replaceCiphertext(db, id, as, 'ck1:test-ciphertext', 'ck1:replaced'),
      reached: found,
    },
    list: { run: (db, _id, as) => keysStore.list(db, as), reached: listsId },
    activeCandidates: {
      run: (db, _id, as) => keysStore.activeCandidates(db, as, 'openai', 'production'),
      reached: listsId,
    },
    listNotRevoked: { run: (db, _id, as) => keysStore.listNotRevoked(db, as), reached: listsId },
    countHeld: { run: (db, _id, as) => keysStore.countHeld(db, as), reached: (n) => Number(n) > 0 },
    markCompromised: {
      run: (db, _id, as) => keysStore.markCompromised(db, newId('inc'), ['active'], [as]),
      reached: listsId,
    },
  },
  exempt: {
    insert: 'creates a row for the owner it is given',
    countLegacy: 'system-wide count for rotation, returns no row',
    anyLegacy: 'system-wide flag for rotation, returns no row',
    lockLegacyBatch: 'system-wide master-key rotation',
    identities: 'system-wide: cache ids of rows a rotation rewrote',
  },
};

const gatewaySuite: IsolationSuite<GatewayTokensStore> = {
  name: 'gateway tokens',
  store: gatewayTokensStore,
  async seed(db) {
    const { a, b } = await seedOwners(db);
    const id = newId('gt');
    await gatewayTokensStore.insert(db, {
      id,
      owner: a,
      tokenHash: `hash-${id}`,
      hint: 'byok_…abcd',
      createdBy: a.id,
      name: 'token',
      allowedProviders: null,
      allowedModels: null,
      environment: Environment.PRODUCTION,
      expiresAt: null,
      monthlyBudgetUsd: null,
      requestsPerMinute: null,
      allowSystemKeys: false,
    });
    return { id, owner: a, other: b };
  },
  async snapshot(db, id) {
    return (await db.query('SELECT * FROM byok.gateway_tokens WHERE id = $1', [id])).rows;
  },
  cases: {
    find: { run: (db, id, as) => gatewayTokensStore.find(db, id, as), reached: found },
    update: {
      run: (db, id, as) =>
        gatewayTokensStore.update(db, id, as, {
          name: 'changed',
          allowedProviders: null,
          allowedModels: null,
          environment: Environment.PRODUCTION,
          expiresAt: null,
          monthlyBudgetUsd: 1,
          requestsPerMinute: 1,
          allowSystemKeys: true,
        }),
      reached: found,
    },
    revoke: { run: (db, id, as) => gatewayTokensStore.revoke(db, id, as), reached: found },
    delete: { run: (db, id, as) => gatewayTokensStore.delete(db, id, as), reached: found },
    findWithSpend: {
      run: (db, id, as) => gatewayTokensStore.findWithSpend(db, id, as, '2026-01-01'),
      reached: found,
    },
    list: { run: (db, _id, as) => gatewayTokensStore.list(db, as, '2026-01-01'), reached: listsId },
  },
  exempt: {
    insert: 'creates a row for the owner it is given',
    findByHash: 'identifies the caller by the secret they present; there is no owner yet',
    spend: 'keyed by a token the caller has already authenticated',
    usageSums: 'keyed by a token the service has already found for its owner',
  },
};

/** For workspaces the owner is the workspace: `id` is a member of workspace A. */
const workspaceSuite: IsolationSuite<WorkspacesStore> = {
  name: 'workspace members',
  store: workspacesStore,
  async seed(db) {
    const member = newId('usr');
    const a: Owner = { type: 'workspace', id: newId('ws') };
    const b: Owner = { type: 'workspace', id: newId('ws') };
    await workspacesStore.ensureUser(db, member);
    for (const ws of [a, b]) await workspacesStore.insert(db, { id: ws.id, name: ws.id, createdBy: member });
    await workspacesStore.upsertMember(db, a.id, member, 'owner');
    return { id: member, owner: a, other: b };
  },
  async snapshot(db, id) {
    return (
      await db.query('SELECT * FROM byok.workspace_members WHERE user_id = $1 ORDER BY workspace_id', [id])
    ).rows;
  },
  cases: {
    role: { run: (db, id, as) => workspacesStore.role(db, as.id, id), reached: found },
    listMembers: {
      run: (db, _id, as) => workspacesStore.listMembers(db, as.id),
      reached: (rows, id) =>
        Array.isArray(rows) && rows.some((r) => (r as { user_id: string }).user_id === id),
    },
    ownerIds: {
      run: (db, _id, as) => workspacesStore.ownerIds(db, as.id),
      reached: (ids, id) => Array.isArray(ids) && ids.includes(id),
    },
    memberCount: {
      run: (db, id, as) => workspacesStore.memberCount(db, as.id, id),
      reached: (result) => (result as { isMember: boolean }).isMember,
    },
    removeMember: { run: (db, id, as) => workspacesStore.removeMember(db, as.id, id), reached: found },
  },
  exempt: {
    ensureUser: 'creates a user row; holds nothing of an owner',
    lockOwner: 'locks the row of the owner it is given',
    exists: 'existence of the workspace it is given; the caller checks membership',
    insert: 'creates a workspace',
    countOwnedBy: 'keyed by the calling user',
    listForUser: 'keyed by the calling user: their own memberships',
    upsertMember:
      "writes a membership of the workspace it is given; the service checks the caller's role first",
  },
};

const suites = [keysSuite, gatewaySuite, workspaceSuite] as IsolationSuite<object>[];

describe('owner isolation: every method of an owned store is classified', () => {
  it.each(suites.map((suite) => [suite.name, suite] as const))('%s', (_name, suite) => {
    const methods = Object.keys(suite.store).sort();
    const classified = [...Object.keys(suite.cases), ...Object.keys(suite.exempt)].sort();
    expect(classified).toEqual(methods);
  });
});

describe.each(databaseBackends)('owner isolation on $name', (backend) => {
  let db: Database;
  useMigrated(backend, (opened) => {
    db = opened;
  });

  const table = suites.flatMap((suite) =>
    Object.entries(suite.cases).map(([method, c]) => [`${suite.name}.${method}`, suite, c] as const),
  );

  it.each(table)(
    '%s: another owner neither sees nor changes the row; its owner does',
    async (_n, suite, c) => {
      const check = c as IsolationCase;
      const { id, owner, other } = await suite.seed(db);
      const before = await suite.snapshot(db, id);
      expect(before).not.toEqual([]);
      const asOther = await check.run(db, id, other, owner);
      expect(check.reached(asOther, id)).toBe(false);
      expect(await suite.snapshot(db, id)).toEqual(before);
      const asOwner = await check.run(db, id, owner, owner);
      expect(check.reached(asOwner, id)).toBe(true);
    },
  );
});
