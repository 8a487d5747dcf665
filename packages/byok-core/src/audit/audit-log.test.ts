import { describe, expect, it } from 'vitest';
import { auditSuiteHooks, emptyAuditLog } from '../../test/audit.js';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { toDatabase } from '../store/database.js';
import { AuditLog } from './audit-log.js';

const apiKey = () => `sk-proj-${Math.random().toString(36).slice(2)}abcdefgh`;

describe.each(databaseBackends)('audit chain on $name', (backend) => {
  let client: unknown;
  let manager: BYOKManager;
  const db = () => toDatabase(client);

  auditSuiteHooks(backend, (opened) => {
    ({ client, manager } = opened);
  });

  async function busyOwners(): Promise<string[]> {
    const owners = [uniqueId(), uniqueId()];
    for (const userId of owners) {
      const keyId = await manager.addKey({
        userId,
        provider: 'openai',
        keyData: { apiKey: apiKey() },
        alias: 'a',
      });
      await manager.updateKey(keyId, { alias: 'b' });
      await manager.updateKey(keyId, { enabled: false });
    }
    return owners;
  }

  it('verifies an untouched log, one chain per owner', async () => {
    await busyOwners();
    expect(await manager.audit.verifyChain()).toEqual({ ok: true, checked: 6 });
    const { rows } = await db().query<{ chains: number }>(
      'SELECT count(DISTINCT chain)::int AS chains FROM byok.audit_log',
    );
    expect(rows[0]?.chains).toBe(2);
  });

  it('records actor, action, target and request context, never a secret', async () => {
    const userId = uniqueId();
    const secret = apiKey();
    const keyId = await manager.addKey(
      { userId, provider: 'openai', keyData: { apiKey: secret } },
      { actor: 'admin_1', requestId: 'req_1', ip: '127.0.0.1', userAgent: 'vitest' },
    );
    const [entry] = await manager.audit.list({ owner: { type: 'user', id: userId } });
    expect(entry).toMatchObject({
      actor: { type: 'user', id: 'admin_1' },
      action: 'key.created',
      targetType: 'key',
      targetId: keyId,
      context: { requestId: 'req_1', ip: '127.0.0.1', userAgent: 'vitest' },
    });
    expect(JSON.stringify(entry)).not.toContain(secret);
  });

  it('catches an edited entry', async () => {
    await busyOwners();
    const { rows } = await db().query<{ id: string }>(
      'SELECT id::text FROM byok.audit_log ORDER BY id LIMIT 1 OFFSET 1',
    );
    await db().query(`UPDATE byok.audit_log SET actor = 'someone-else' WHERE id = $1`, [rows[0]?.id]);
    expect(await manager.audit.verifyChain()).toMatchObject({ ok: false, firstBadId: rows[0]?.id });
  });

  it('catches a deleted entry, in the middle or at the end', async () => {
    await busyOwners();
    const { rows } = await db().query<{ id: string; chain: string }>(
      'SELECT id::text, chain FROM byok.audit_log ORDER BY id',
    );
    await db().query('DELETE FROM byok.audit_log WHERE id = $1', [rows[1]?.id]);
    expect((await manager.audit.verifyChain()).ok).toBe(false);
    await emptyAuditLog(db());
    await busyOwners();
    await db().query('DELETE FROM byok.audit_log WHERE id = (SELECT max(id) FROM byok.audit_log)');
    expect(await manager.audit.verifyChain()).toMatchObject({ ok: false });
  });

  it('catches an inserted entry, even one that copies a neighbour', async () => {
    await busyOwners();
    await db().query(
      `INSERT INTO byok.audit_log (chain, seq, prev_hash, hash, actor, action, target_type, target_id, owner_type, owner_id, context, details, created_at)
       SELECT chain, seq + 100, hash, hash, actor, 'key.deleted', target_type, target_id, owner_type, owner_id, context, details, created_at
         FROM byok.audit_log ORDER BY id LIMIT 1`,
    );
    expect((await manager.audit.verifyChain()).ok).toBe(false);
  });

  it('purges entries past retention in batches and still verifies what is kept', async () => {
    const past = new Date(Date.now() - 3000 * 86_400_000);
    const old = new AuditLog(db(), { keys: manager.context.encryption, clock: () => past });
    const owners = [uniqueId(), uniqueId()];
    for (const id of owners) {
      await old.record({ action: 'key.updated', targetType: 'key', owner: { type: 'user', id } });
    }
    await busyOwners();
    for (const id of owners) {
      await manager.addKey({ userId: id, provider: 'openai', keyData: { apiKey: apiKey() } });
    }
    const purged = await manager.audit.purgeExpired({ batchSize: 1 });
    expect(purged).toBe(2);
    expect(await manager.audit.verifyChain()).toEqual({ ok: true, checked: 8 });
  });

  it('serialises concurrent writers to one owner into one unbroken chain', async () => {
    const userId = uniqueId();
    await Promise.all(
      Array.from({ length: 12 }, () =>
        manager.addKey({ userId, provider: 'openai', keyData: { apiKey: apiKey() } }),
      ),
    );
    expect(await manager.audit.verifyChain()).toEqual({ ok: true, checked: 12 });
  });

  it('registers concurrent first writers of different owners into one sealed chain count', async () => {
    const owners = Array.from({ length: 12 }, () => uniqueId());
    await Promise.all(
      owners.map((userId) => manager.addKey({ userId, provider: 'openai', keyData: { apiKey: apiKey() } })),
    );
    const result = await manager.audit.verify();
    expect(result).toMatchObject({ ok: true, checked: 12, chains: 12 });
    const { rows } = await db().query<{ chains: string }>('SELECT chains::text FROM byok.audit_state');
    expect(rows[0]?.chains).toBe('12');
  });
});
