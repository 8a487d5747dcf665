import { describe, expect, it } from 'vitest';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import { seedOwner, useMigrated } from '../../test/database.js';
import type { Owner } from '../crypto/index.js';
import { newId } from '../ids/index.js';
import { Environment, ProviderType } from '../providers/types.js';
import { auditStore } from './audit-store.js';
import { dataKeysStore } from './data-keys-store.js';
import { envImportsStore } from './env-imports-store.js';
import { gatewayTokensStore, type TokenFields } from './gateway-tokens-store.js';
import { incidentsStore } from './incidents-store.js';
import { keyAccessStore } from './key-access-store.js';
import { keysStore, type NewKeyRow } from './keys-store.js';
import { ANY_OWNER } from './owner-filter.js';
import { statsStore } from './stats-store.js';
import { systemFlagsStore } from './system-flags-store.js';
import type { Database } from './types.js';
import { workspacesStore } from './workspaces-store.js';

/**
 * What each store promises, checked against every database back end: PGlite always, PostgreSQL
 * when TEST_DATABASE_URL is set. Leases have their own suite (scheduling/lease.test.ts), the owner
 * filter its own table (owner-isolation.test.ts), the migrator its own (migrator.test.ts).
 */
describe.each(databaseBackends)('stores on $name', (backend) => {
  let db: Database;
  useMigrated(backend, (opened) => {
    db = opened;
  });

  const newOwner = () => seedOwner(db);

  const keyRow = (owner: Owner, overrides: Partial<NewKeyRow> = {}): NewKeyRow => ({
    id: newId('key'),
    owner,
    provider: 'openai',
    environment: 'production',
    alias: null,
    description: null,
    ciphertext: 'ck1:value',
    keyHint: 'sk-…abcd',
    keyFingerprint: 'fp_x',
    priority: 0,
    createdBy: owner.id,
    ...overrides,
  });

  describe('keys', () => {
    it('inserts, finds, and lists in the order keys are tried', async () => {
      const owner = await newOwner();
      const late = keyRow(owner, { priority: 5 });
      const early = keyRow(owner, { priority: -1 });
      const other = keyRow(owner, { provider: 'anthropic' });
      for (const row of [late, early, other]) await keysStore.insert(db, row);
      expect((await keysStore.find(db, late.id, owner))?.priority).toBe(5);
      const withDek = await keysStore.findWithDataKey(db, late.id, owner);
      expect(withDek).toMatchObject({ id: late.id, wrapped_key: 'wrapped' });
      expect((await keysStore.activeCandidates(db, owner, 'openai', 'production')).map((r) => r.id)).toEqual([
        early.id,
        late.id,
      ]);
      expect((await keysStore.list(db, owner, { provider: 'anthropic' })).map((r) => r.id)).toEqual([
        other.id,
      ]);
      expect(await keysStore.countHeld(db, owner)).toBe(3);
      expect((await keysStore.listNotRevoked(db, owner)).map((r) => r.id)).toHaveLength(3);
      expect(await keysStore.find(db, 'x'.repeat(256), ANY_OWNER)).toBeNull();
    });

    it('updates only the columns given, revokes by erasing the ciphertext, deletes', async () => {
      const owner = await newOwner();
      const row = keyRow(owner, { alias: 'a', description: 'd' });
      await keysStore.insert(db, row);
      const updated = await keysStore.update(db, row.id, owner, { alias: 'b', cooldown_until: null });
      expect(updated).toMatchObject({ alias: 'b', description: 'd', status: 'active' });
      const revoked = await keysStore.revoke(db, row.id, owner);
      expect(revoked).toMatchObject({ status: 'revoked', ciphertext: 'revoked' });
      expect(revoked?.revoked_at).not.toBeNull();
      expect(await keysStore.countHeld(db, owner)).toBe(0);
      expect(await keysStore.listNotRevoked(db, owner)).toEqual([]);
      expect(await keysStore.delete(db, row.id, owner)).toBe(true);
      expect(await keysStore.delete(db, row.id, owner)).toBe(false);
      expect(await keysStore.find(db, row.id, owner)).toBeNull();
    });

    it('replaces a ciphertext only while it still holds the value read', async () => {
      const owner = await newOwner();
      const row = keyRow(owner, { ciphertext: 'legacy-a' });
      await keysStore.insert(db, row);
      expect(await keysStore.replaceCiphertext(db, row.id, owner, 'something-else', 'ck1:new')).toBe(false);
      expect(await keysStore.replaceCiphertext(db, row.id, owner, 'legacy-a', 'ck1:new')).toBe(true);
      expect((await keysStore.find(db, row.id, owner))?.ciphertext).toBe('ck1:new');
    });

    it('counts and batches legacy values, and marks keys compromised by owner', async () => {
      const owner = await newOwner();
      const legacy = keyRow(owner, { ciphertext: 'aXY=:dGFn:Y3Q=' });
      await keysStore.insert(db, legacy);
      expect(await keysStore.anyLegacy(db)).toBe(true);
      expect(await keysStore.countLegacy(db)).toBeGreaterThanOrEqual(1);
      const batch = await db.transaction((tx) => keysStore.lockLegacyBatch(tx, '', 10_000));
      expect(batch.map((r) => r.id)).toContain(legacy.id);
      expect(await keysStore.identities(db, [legacy.id, 'key_missing'])).toEqual([
        { id: legacy.id, owner_type: 'user', owner_id: owner.id, provider: 'openai' },
      ]);
      const marked = await keysStore.markCompromised(db, newId('inc'), ['active'], [owner]);
      expect(marked.map((r) => [r.id, r.status])).toEqual([[legacy.id, 'compromised']]);
      await keysStore.revoke(db, legacy.id, owner);
    });
  });

  describe('data keys and master keys', () => {
    it('keeps one DEK per owner: a second insert loses and reads the first', async () => {
      const owner: Owner = { type: 'user', id: newId('usr') };
      await workspacesStore.ensureUser(db, owner.id);
      const first = await dataKeysStore.insertIfAbsent(db, {
        id: newId('dek'),
        owner,
        wrappedKey: 'w1',
        masterFingerprint: 'fp-b',
      });
      const second = await dataKeysStore.insertIfAbsent(db, {
        id: newId('dek'),
        owner,
        wrappedKey: 'w2',
        masterFingerprint: 'fp-b',
      });
      expect(first?.wrapped_key).toBe('w1');
      expect(second).toBeNull();
      expect(await dataKeysStore.findForOwner(db, owner)).toEqual(first);
      expect(await dataKeysStore.findById(db, first?.data_key_id as string, owner)).toEqual(first);
      expect(
        await dataKeysStore.findById(db, first?.data_key_id as string, { type: 'workspace', id: owner.id }),
      ).toBeNull();
    });

    it('records, retires and counts master keys; rewraps in locked batches', async () => {
      await dataKeysStore.recordMasterKey(db, 'fp-a');
      await dataKeysStore.recordMasterKey(db, 'fp-b');
      expect(await dataKeysStore.fingerprintsInUse(db)).toEqual(expect.arrayContaining(['fp-a', 'fp-b']));
      const notB = await dataKeysStore.countNotWrappedBy(db, 'fp-b');
      const fromA = notB.find((row) => row.fingerprint === 'fp-a')?.count ?? 0;
      expect(fromA).toBeGreaterThan(0);
      await db.transaction(async (tx) => {
        const rows = await dataKeysStore.lockBatchNotWrappedBy(tx, 'fp-b', '', 100_000);
        expect(rows).toHaveLength(fromA);
        await dataKeysStore.setWrapped(
          tx,
          rows.map((row) => ({ id: row.id, wrapped: `${row.wrapped_key}+b` })),
          'fp-b',
        );
      });
      expect(await dataKeysStore.countNotWrappedBy(db, 'fp-b')).toEqual([]);
      await dataKeysStore.retireMasterKeysExcept(db, 'fp-b');
      expect(await dataKeysStore.fingerprintsInUse(db)).toEqual(['fp-b']);
      const masters = await statsStore.masterKeys(db);
      expect(masters.find((m) => m.fingerprint === 'fp-a')?.retired_at).not.toBeNull();
    });
  });

  describe('workspaces', () => {
    it('creates a workspace, adds, re-roles and removes members, counts owners', async () => {
      const user = newId('usr');
      const other = newId('usr');
      const ws = newId('ws');
      await workspacesStore.ensureUser(db, user);
      await workspacesStore.ensureUser(db, other);
      expect(await workspacesStore.exists(db, ws)).toBe(false);
      expect(await workspacesStore.insert(db, { id: ws, name: 'Team', createdBy: user })).toBeInstanceOf(
        Date,
      );
      expect(await workspacesStore.lockOwner(db, { type: 'workspace', id: ws })).toBe(true);
      await workspacesStore.upsertMember(db, ws, user, 'owner');
      await workspacesStore.upsertMember(db, ws, other, 'member');
      await workspacesStore.upsertMember(db, ws, other, 'admin');
      expect(await workspacesStore.role(db, ws, other)).toBe('admin');
      expect(await workspacesStore.countOwnedBy(db, user)).toBe(1);
      expect(await workspacesStore.ownerIds(db, ws)).toEqual([user]);
      expect(await workspacesStore.memberCount(db, ws, other)).toEqual({ count: 2, isMember: true });
      expect((await workspacesStore.listForUser(db, other)).map((w) => [w.id, w.role])).toEqual([
        [ws, 'admin'],
      ]);
      expect((await workspacesStore.listMembers(db, ws)).map((m) => m.user_id).sort()).toEqual(
        [user, other].sort(),
      );
      expect(await workspacesStore.removeMember(db, ws, other)).toBe(true);
      expect(await workspacesStore.removeMember(db, ws, other)).toBe(false);
      expect(await workspacesStore.memberCount(db, ws, other)).toEqual({ count: 1, isMember: false });
    });
  });

  describe('gateway tokens', () => {
    it('inserts, finds by hash, updates, revokes once, deletes with its spend', async () => {
      const owner = await newOwner();
      const id = newId('gt');
      const fields: TokenFields = {
        name: 't',
        allowedProviders: [ProviderType.OPENAI],
        allowedModels: null,
        environment: Environment.PRODUCTION,
        expiresAt: null,
        monthlyBudgetUsd: 5,
        requestsPerMinute: null,
        allowSystemKeys: false,
      };
      const inserted = await gatewayTokensStore.insert(db, {
        id,
        owner,
        tokenHash: `h-${id}`,
        hint: 'byok_…x',
        createdBy: owner.id,
        ...fields,
      });
      expect(inserted).toMatchObject({ id, status: 'active', hint: 'byok_…x' });
      expect((await gatewayTokensStore.findByHash(db, `h-${id}`))?.id).toBe(id);
      expect(await gatewayTokensStore.findByHash(db, 'h-none')).toBeUndefined();
      const updated = await gatewayTokensStore.update(db, id, owner, {
        ...fields,
        name: 'u',
        monthlyBudgetUsd: 7,
      });
      expect(updated).toMatchObject({ name: 'u' });
      expect(Number(updated?.monthly_budget_usd)).toBe(7);
      const revoked = await gatewayTokensStore.revoke(db, id, owner);
      const again = await gatewayTokensStore.revoke(db, id, owner);
      expect(revoked?.status).toBe('revoked');
      expect(new Date(again?.revoked_at as Date).getTime()).toBe(
        new Date(revoked?.revoked_at as Date).getTime(),
      );
      expect(await gatewayTokensStore.spend(db, id, '2026-01-01')).toBe(0);
      await db.query(
        'INSERT INTO byok.gateway_token_spend (token_id, month, requests, cost_usd) VALUES ($1, $2, 1, 0.25)',
        [id, '2026-01-01'],
      );
      expect(await gatewayTokensStore.spend(db, id, '2026-01-01')).toBe(0.25);
      await db.query(
        'INSERT INTO byok.gateway_token_spend (token_id, month, requests, cost_usd) VALUES ($1, $2, 3, 9)',
        [id, '2025-12-01'],
      );
      const spendOf = (row: { id: string; month_requests: unknown; month_cost_usd: unknown } | undefined) => [
        row?.id,
        Number(row?.month_requests),
        Number(row?.month_cost_usd),
      ];
      expect((await gatewayTokensStore.list(db, owner, '2026-01-01')).map(spendOf)).toEqual([[id, 1, 0.25]]);
      expect((await gatewayTokensStore.list(db, owner, '2026-02-01')).map(spendOf)).toEqual([[id, 0, 0]]);
      expect(spendOf(await gatewayTokensStore.findWithSpend(db, id, owner, '2025-12-01'))).toEqual([
        id,
        3,
        9,
      ]);
      expect(await gatewayTokensStore.delete(db, id, owner)).toBe(true);
      expect(await gatewayTokensStore.spend(db, id, '2026-01-01')).toBe(0);
      expect(await gatewayTokensStore.find(db, id, owner)).toBeUndefined();
    });
  });

  describe('flags, access counts, imports, incidents, stats', () => {
    it('sets a flag once', async () => {
      const name = uniqueId('flag');
      expect(await systemFlagsStore.has(db, name)).toBe(false);
      await systemFlagsStore.set(db, name);
      await systemFlagsStore.set(db, name);
      expect(await systemFlagsStore.has(db, name)).toBe(true);
    });

    it('adds hourly access counts, widening first and last use, and reports them for incidents', async () => {
      const owner = await newOwner();
      const row = keyRow(owner);
      await keysStore.insert(db, row);
      const hour = Date.UTC(2026, 0, 1, 10);
      await keyAccessStore.add(db, [
        { keyId: row.id, hour, count: 2, first: hour + 1000, last: hour + 2000 },
      ]);
      await keyAccessStore.add(db, [{ keyId: row.id, hour, count: 3, first: hour + 500, last: hour + 3000 }]);
      await keyAccessStore.add(db, []);
      const uses = await incidentsStore.keyUses(db, new Date(hour), new Date(hour + 3_600_000));
      const use = uses.find((u) => u.key_id === row.id);
      expect(Number(use?.access_count)).toBe(5);
      expect(new Date(use?.first_used_at as Date).getTime()).toBe(hour + 500);
      expect(new Date(use?.last_used_at as Date).getTime()).toBe(hour + 3000);
      expect(use).toMatchObject({ owner_type: 'user', owner_id: owner.id, provider: 'openai' });
    });

    it('records an import, its keys, and its rollback', async () => {
      const owner = await newOwner();
      const id = newId('imp');
      expect(await envImportsStore.status(db, id)).toBeNull();
      await envImportsStore.create(db, id, owner);
      await envImportsStore.recordKey(db, id, 'key_a');
      await envImportsStore.recordKey(db, id, 'key_b');
      expect(await envImportsStore.findOpen(db, id)).toEqual({
        owner_type: 'user',
        owner_id: owner.id,
        added_key_ids: ['key_a', 'key_b'],
      });
      expect(await envImportsStore.status(db, id)).toBe('open');
      await envImportsStore.markRolledBack(db, id);
      expect(await envImportsStore.status(db, id)).toBe('rolled-back');
      expect(await envImportsStore.findOpen(db, id)).toBeNull();
      const dropped = newId('imp');
      await envImportsStore.create(db, dropped, owner);
      await envImportsStore.delete(db, dropped);
      expect(await envImportsStore.status(db, dropped)).toBeNull();
    });

    it('stores an incident and counts keys for stats', async () => {
      await incidentsStore.insert(db, {
        id: newId('inc'),
        reason: 'test',
        scope: 'all',
        startedBy: 'system',
        masterFingerprint: null,
        keysMarked: 0,
        startedAt: new Date(),
      });
      await statsStore.ping(db);
      const totals = await statsStore.keyTotals(db);
      expect(totals.keysTotal).toBe(
        totals.keysActive +
          totals.keysInvalid +
          totals.keysDisabled +
          totals.keysRevoked +
          Number(
            (
              await db.query<{ n: string }>(
                "SELECT count(*)::text AS n FROM byok.keys WHERE status = 'compromised'",
              )
            ).rows[0]?.n,
          ),
      );
      const byProvider = await statsStore.keysByProvider(db);
      expect(Object.values(byProvider).reduce((a, b) => a + b, 0)).toBe(totals.keysTotal);
      expect(await statsStore.validationsLastDay(db)).toEqual({ total: 0, failures: 0, averageMs: 0 });
      expect(await statsStore.validationHealth(db, 60_000, 0.5)).toEqual([]);
      expect(await statsStore.waitingAlertNotifications(db)).toBe(0);
    });
  });

  describe('audit', () => {
    it('creates a chain head once, appends, advances, pages, anchors and purges', async () => {
      const chain = `test:${uniqueId('chain')}`;
      const seal = { seal: 's0', sealKey: 'k1' };
      expect(await auditStore.insertHead(db, chain, '0'.repeat(64), seal)).toBe(true);
      expect(await auditStore.insertHead(db, chain, '0'.repeat(64), seal)).toBe(false);
      const entry = (seq: number, prev: string) => ({
        id: '',
        chain,
        seq,
        prev_hash: prev,
        hash: `h${seq}`,
        mac_key: 'k1',
        actor: 'system',
        actor_type: 'system',
        actor_for: null,
        action: 'test.done',
        target_type: 'test',
        target_id: `t${seq}`,
        owner_type: null,
        owner_id: null,
        context: {},
        details: { n: seq },
        created_at: new Date(Date.UTC(2020, 0, seq)),
      });
      await db.transaction(async (tx) => {
        expect(Number((await auditStore.lockHead(tx, chain))?.seq)).toBe(0);
        await auditStore.insertEntry(tx, entry(1, '0'.repeat(64)));
        await auditStore.insertEntry(tx, entry(2, 'h1'));
        await auditStore.advanceHead(tx, chain, 2, 'h2', { seal: 's2', sealKey: 'k1' });
      });
      const head = (await auditStore.heads(db)).find((h) => h.chain === chain);
      expect(head).toMatchObject({ hash: 'h2', seal: 's2' });
      expect(Number(head?.seq)).toBe(2);
      const page = await auditStore.chainPage(db, chain, 0, 10);
      expect(page.map((r) => [Number(r.seq), r.details])).toEqual([
        [1, { n: 1 }],
        [2, { n: 2 }],
      ]);
      expect((await auditStore.list(db, { targetId: 't2', limit: 10 })).map((r) => r.hash)).toEqual(['h2']);
      expect(await auditStore.staleChains(db, 'k1')).not.toContain(chain);
      expect(await auditStore.staleChains(db, 'k2')).toContain(chain);
      await auditStore.rewriteEntries(
        db,
        [{ id: String(page[0]?.id), prev: '0'.repeat(64), hash: 'h1b' }],
        'k2',
      );
      expect((await auditStore.chainPage(db, chain, 0, 1))[0]).toMatchObject({ hash: 'h1b', mac_key: 'k2' });
      const expired = await auditStore.expired(db, new Date(Date.UTC(2020, 0, 2)), 10, []);
      expect(expired.filter((r) => r.chain === chain).map((r) => Number(r.seq))).toEqual([1]);
      expect(await auditStore.expired(db, new Date(Date.UTC(2020, 0, 2)), 10, [chain])).toEqual(
        expired.filter((r) => r.chain !== chain),
      );
      await auditStore.deleteEntries(db, [String(page[0]?.id)]);
      await auditStore.moveAnchor(db, chain, 1, 'h1b', { seal: 's3', sealKey: 'k2' });
      expect(await auditStore.chainPrefix(db, chain, 1)).toEqual([]);
      expect((await auditStore.chainPage(db, chain, 1, 10)).map((r) => Number(r.seq))).toEqual([2]);
      await db.query('DELETE FROM byok.audit_chain_heads WHERE chain = $1', [chain]);
      expect((await auditStore.orphans(db)).map((o) => o.chain)).toContain(chain);
      await db.query('DELETE FROM byok.audit_log WHERE chain = $1', [chain]);
    });

    it('creates the state row once, under its lock, and updates its count and seal', async () => {
      await db.transaction(async (tx) => {
        await auditStore.lockStateCreation(tx);
        if (!(await auditStore.state(tx))) {
          await auditStore.insertState(tx, {
            chains: 0,
            chainSet: 'x',
            rebuilt: false,
            seal: 's',
            sealKey: 'k',
          });
        }
      });
      await db.transaction(async (tx) => {
        const state = await auditStore.state(tx, { lock: true });
        expect(state).toBeDefined();
        await auditStore.updateStateChains(tx, {
          chains: Number(state?.chains) + 1,
          chainSet: 'y',
          seal: 's',
          sealKey: 'k',
        });
      });
      await auditStore.updateStateSeal(db, { seal: 's9', sealKey: 'k9' });
      expect(await auditStore.state(db)).toMatchObject({ chain_set: 'y', seal: 's9', seal_key: 'k9' });
      expect(typeof (await auditStore.anySealed(db))).toBe('boolean');
    });
  });
});
