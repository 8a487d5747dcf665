/**
 * The tamper table: what someone with write access to the database, but without the master key,
 * can do to the audit log, and that `verify` finds each of it. The attacker here knows the format
 * (rows, heads, state, SHA-256 links) and recomputes whatever they can; only the key is missing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { auditSuiteHooks, emptyAuditLog } from '../../test/audit.js';
import {
  capturingLogger,
  databaseBackends,
  OTHER_MASTER_KEY,
  TEST_MASTER_KEY,
  uniqueId,
} from '../../test/backends.js';
import { Keyring } from '../crypto/keyring.js';
import { BYOKManager } from '../manager/byok-manager.js';
import { toDatabase } from '../store/database.js';
import { AuditSigner } from './audit-keys.js';
import { AuditLog } from './audit-log.js';
import {
  type AuditRow,
  entryPayload,
  type HeadRow,
  headPayload,
  headState,
  legacyHash,
} from './audit-rows.js';
import type { AuditProblem, AuditVerification } from './types.js';

const apiKey = () => `sk-proj-${Math.random().toString(36).slice(2)}abcdefgh`;

const reasons = (result: AuditVerification) => [...new Set(result.problems.map((p) => p.reason))].sort();
const seqsOf = (problems: AuditProblem[], chain: string, reason: string) =>
  problems.filter((p) => p.chain === chain && p.reason === reason).map((p) => p.seq);

describe.each(databaseBackends)('audit tamper table on $name', (backend) => {
  let client: unknown;
  let manager: BYOKManager;
  const db = () => toDatabase(client);

  auditSuiteHooks(backend, (opened) => {
    ({ client, manager } = opened);
  });
  beforeEach(() => manager.audit.prepare());

  /** Three owners with four entries each; returns their chain names. */
  async function populate(owners = 3, updates = 3): Promise<string[]> {
    const chains: string[] = [];
    for (let i = 0; i < owners; i += 1) {
      const userId = uniqueId();
      const keyId = await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: apiKey() } });
      for (let u = 0; u < updates; u += 1) await manager.updateKey(keyId, { alias: `alias-${u}` });
      chains.push(`user:${userId}`);
    }
    return chains;
  }

  async function rows(chain: string): Promise<AuditRow[]> {
    return (
      await db().query<AuditRow>(
        'SELECT l.*, l.id::text AS id, l.seq::text AS seq FROM byok.audit_log l WHERE l.chain = $1 ORDER BY l.seq',
        [chain],
      )
    ).rows;
  }

  /**
   * The attacker's rewrite: `edit` changes the rows after the first, every one of them is linked
   * again with plain SHA-256, and the head takes the last hash. Returns the rows as they were read.
   */
  async function relinkEdited(chain: string, edit: (row: AuditRow) => void): Promise<AuditRow[]> {
    const entries = await rows(chain);
    let prev = entries[0]?.hash as string;
    for (const row of entries.slice(1)) {
      edit(row);
      const hash = legacyHash(prev, row);
      await db().query('UPDATE byok.audit_log SET details = $2, prev_hash = $3, hash = $4 WHERE id = $1', [
        row.id,
        JSON.stringify(row.details),
        prev,
        hash,
      ]);
      prev = hash;
    }
    await db().query('UPDATE byok.audit_chain_heads SET hash = $2 WHERE chain = $1', [chain, prev]);
    return entries;
  }

  it('verifies an untouched log', async () => {
    await populate();
    const result = await manager.audit.verify();
    expect(result).toMatchObject({ ok: true, checked: 12, chains: 3, problems: [], legacyEntries: 0 });
  });

  it('finds an edited row whose later hashes were recomputed with plain SHA-256, and lists every entry after it', async () => {
    const [alice] = await populate();
    const chain = alice as string;
    const entries = await relinkEdited(chain, (row) => {
      if (row.seq === '2') row.details = { ...row.details, alias: 'rewritten' };
    });

    const result = await manager.audit.verify();
    expect(result.ok).toBe(false);
    expect(seqsOf(result.problems, chain, 'entry-mac')).toEqual([2, 3, 4]);
    expect(seqsOf(result.problems, chain, 'head-seal')).toHaveLength(1);
    // Nothing reported for the chains nobody touched.
    expect(result.problems.every((p) => p.chain === chain)).toBe(true);
    // The compatibility API names the first bad entry.
    expect(await manager.audit.verifyChain()).toMatchObject({ ok: false, firstBadId: entries[1]?.id });
  });

  it('finds an edit whose MACs were recomputed with the code but another master key', async () => {
    const [alice] = await populate(1);
    const chain = alice as string;
    const forger = new AuditSigner({ keyring: await Keyring.create(OTHER_MASTER_KEY) });
    const real = manager.context.encryption.activeFingerprint as string;
    const entries = (
      await db().query<AuditRow>('SELECT * FROM byok.audit_log WHERE chain = $1 ORDER BY seq', [chain])
    ).rows;
    let prev = entries[0]?.hash as string;
    for (const row of entries.slice(1)) {
      row.details = { ...row.details, alias: 'forged' };
      row.mac_key = real;
      row.prev_hash = prev;
      row.hash = forger.mac(entryPayload(prev, row));
      await db().query('UPDATE byok.audit_log SET details = $2, prev_hash = $3, hash = $4 WHERE id = $1', [
        row.id,
        JSON.stringify(row.details),
        row.prev_hash,
        row.hash,
      ]);
      prev = row.hash;
    }
    const { rows: heads } = await db().query<HeadRow>(
      'SELECT * FROM byok.audit_chain_heads WHERE chain = $1',
      [chain],
    );
    const head = { ...headState(heads[0] as HeadRow), hash: prev };
    await db().query('UPDATE byok.audit_chain_heads SET hash = $2, seal = $3 WHERE chain = $1', [
      chain,
      prev,
      forger.mac(headPayload(head)),
    ]);
    const result = await manager.audit.verify();
    expect(seqsOf(result.problems, chain, 'entry-mac')).toEqual([2, 3, 4]);
    expect(reasons(result)).toEqual(['entry-mac', 'head-seal']);
  });

  // Rows cut from one end, and the head moved to the second entry so the cut looks like the chain's end.
  it.each([
    {
      cut: 'newest rows deleted and the head rewound to match',
      deleted: 'seq > 2',
      moved: 'seq = 2, hash = $2',
    },
    {
      cut: 'oldest rows deleted and the anchor moved over them',
      deleted: 'seq <= 2',
      moved: 'anchor_seq = 2, anchor_hash = $2',
    },
  ])('finds the $cut', async ({ deleted, moved }) => {
    const [alice] = await populate();
    const chain = alice as string;
    const entries = await rows(chain);
    await db().query(`DELETE FROM byok.audit_log WHERE chain = $1 AND ${deleted}`, [chain]);
    await db().query(`UPDATE byok.audit_chain_heads SET ${moved} WHERE chain = $1`, [
      chain,
      entries[1]?.hash,
    ]);
    const result = await manager.audit.verify();
    expect(result.problems).toEqual([expect.objectContaining({ reason: 'head-seal', chain })]);
  });

  it('finds the newest rows deleted while the head is left alone', async () => {
    const [alice] = await populate();
    const chain = alice as string;
    await db().query('DELETE FROM byok.audit_log WHERE chain = $1 AND seq > 2', [chain]);
    const result = await manager.audit.verify();
    expect(result.problems).toEqual([
      expect.objectContaining({ reason: 'missing', chain, seq: 3, toSeq: 4 }),
    ]);
  });

  it('finds a row deleted from the middle', async () => {
    const [alice] = await populate();
    const chain = alice as string;
    await db().query('DELETE FROM byok.audit_log WHERE chain = $1 AND seq = 2', [chain]);
    const result = await manager.audit.verify();
    expect(result.problems.map((p) => [p.reason, p.seq])).toEqual([
      ['missing', 2],
      ['entry-mac', 3],
    ]);
  });

  it('finds a whole chain deleted with its head', async () => {
    const [, bob] = await populate();
    await db().query('DELETE FROM byok.audit_log WHERE chain = $1', [bob]);
    await db().query('DELETE FROM byok.audit_chain_heads WHERE chain = $1', [bob]);
    const result = await manager.audit.verify();
    expect(reasons(result)).toEqual(['state-mismatch']);
  });

  it('finds a forged entry appended to another user’s chain, head moved along', async () => {
    const [, bob] = await populate();
    const chain = bob as string;
    const last = (await rows(chain)).at(-1) as AuditRow;
    const forged: AuditRow = { ...last, seq: '5', action: 'key.deleted', details: { by: 'bob himself' } };
    const hash = legacyHash(last.hash, forged);
    await db().query(
      `INSERT INTO byok.audit_log (chain, seq, prev_hash, hash, mac_key, actor, actor_type, action, target_type, target_id, owner_type, owner_id, context, details, created_at)
       SELECT chain, 5, $2, $3, mac_key, actor, actor_type, 'key.deleted', target_type, target_id, owner_type, owner_id, context, $4, created_at
         FROM byok.audit_log WHERE id = $1`,
      [last.id, last.hash, hash, JSON.stringify(forged.details)],
    );
    await db().query('UPDATE byok.audit_chain_heads SET seq = 5, hash = $2 WHERE chain = $1', [chain, hash]);
    const result = await manager.audit.verify();
    expect(result.problems.map((p) => [p.reason, p.chain, p.seq ?? null])).toEqual([
      ['head-seal', chain, null],
      ['entry-mac', chain, 5],
    ]);
  });

  it('finds a forged chain for a user who never had one (head and entry copied from another)', async () => {
    const [alice] = await populate(1);
    const source = alice as string;
    const carol = `user:${uniqueId()}`;
    await db().query(
      `INSERT INTO byok.audit_chain_heads (chain, seq, hash, anchor_seq, anchor_hash, legacy_seq, seal, seal_key)
       SELECT $2, seq, hash, anchor_seq, anchor_hash, legacy_seq, seal, seal_key FROM byok.audit_chain_heads WHERE chain = $1`,
      [source, carol],
    );
    await db().query(
      `INSERT INTO byok.audit_log (chain, seq, prev_hash, hash, mac_key, actor, actor_type, action, target_type, target_id, owner_type, owner_id, context, details, created_at)
       SELECT $2, seq, prev_hash, hash, mac_key, split_part($2, ':', 2), actor_type, action, target_type, target_id, owner_type, split_part($2, ':', 2), context, details, created_at
         FROM byok.audit_log WHERE chain = $1`,
      [source, carol],
    );
    const result = await manager.audit.verify();
    expect(reasons(result)).toEqual(['entry-mac', 'head-seal', 'state-mismatch']);
    expect(seqsOf(result.problems, carol, 'entry-mac')).toEqual([1, 2, 3, 4]);
  });

  it('finds an entry inserted before the anchor', async () => {
    const [alice] = await populate();
    const chain = alice as string;
    await manager.audit.purgeExpired({
      now: new Date(Date.now() + manager.audit.retentionDays * 86_400_000 + 60_000),
    });
    await manager.addKey({ userId: chain.slice(5), provider: 'openai', keyData: { apiKey: apiKey() } });
    await db().query(
      `INSERT INTO byok.audit_log (chain, seq, prev_hash, hash, actor, action, target_type, owner_type, owner_id, created_at)
       VALUES ($1, 2, 'x', 'y', 'mallory', 'key.created', 'key', 'user', $2, now())`,
      [chain, chain.slice(5)],
    );
    const result = await manager.audit.verify();
    expect(result.problems).toEqual([expect.objectContaining({ reason: 'unexpected-entry', chain, seq: 2 })]);
  });

  it('purges by retention legitimately and still verifies; an entry back-dated to expire is kept and reported', async () => {
    const past = new Date(Date.now() - 400 * 86_400_000);
    const old = new AuditLog(db(), { keys: manager.context.encryption, clock: () => past });
    const owner = { type: 'user' as const, id: uniqueId() };
    for (let i = 0; i < 3; i += 1) {
      await old.record({ action: 'key.updated', targetType: 'key', owner, details: { i } });
    }
    const [alice] = await populate(2, 1);
    const chain = alice as string;
    await manager.addKey({ userId: owner.id, provider: 'openai', keyData: { apiKey: apiKey() } });
    // Back-dating alice's newest entry does not make the purge delete it.
    await db().query(
      "UPDATE byok.audit_log SET created_at = now() - interval '500 days' WHERE chain = $1 AND seq = 2",
      [chain],
    );
    const retention = new AuditLog(db(), { keys: manager.context.encryption, retentionDays: 30 });
    expect(await retention.purgeExpired({ batchSize: 2 })).toBe(3);

    const result = await manager.audit.verify();
    expect(result.problems.map((p) => [p.reason, p.chain, p.seq])).toEqual([['entry-mac', chain, 2]]);
    const { rows: heads } = await db().query<{ anchor_seq: string }>(
      'SELECT anchor_seq::text FROM byok.audit_chain_heads WHERE chain = $1',
      [`user:${owner.id}`],
    );
    expect(heads[0]?.anchor_seq).toBe('3');
    // Put alice's date back: then everything verifies, the purged chain included.
    await emptyAuditLog(db());
    await manager.audit.prepare();
    for (let i = 0; i < 3; i += 1) {
      await old.record({ action: 'key.updated', targetType: 'key', owner, details: { i } });
    }
    await populate(1, 1);
    expect(await retention.purgeExpired({ batchSize: 1 })).toBe(3);
    expect(await manager.audit.verify()).toMatchObject({ ok: true, checked: 2, chains: 2 });
  });

  describe('with a checkpoint kept outside the database', () => {
    it('finds every chain truncated and the log rewritten consistently from an old copy', async () => {
      const chains = await populate(2, 1);
      // The attacker copies the three tables as they are now (heads, seals and state included) …
      const snapshot = {
        log: (await db().query('SELECT * FROM byok.audit_log ORDER BY id')).rows,
        heads: (await db().query('SELECT * FROM byok.audit_chain_heads')).rows,
        state: (await db().query('SELECT * FROM byok.audit_state')).rows,
      };
      // … later entries are written and the operator takes a checkpoint …
      const more = await populate(1, 1);
      for (const chain of chains) {
        await manager.updateKey((await manager.listKeys(chain.slice(5)))[0]?.id as string, { alias: 'late' });
      }
      const checkpoint = await manager.audit.createCheckpoint();
      expect(checkpoint.chains).toBe(3);
      // … then the attacker puts the old copy back: every seal in it is genuine.
      await emptyAuditLog(db());
      const restore = async (table: string, rowsToPut: Record<string, unknown>[]) => {
        for (const row of rowsToPut) {
          const cols = Object.keys(row);
          await db().query(
            `INSERT INTO byok.${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
            cols.map((c) => {
              const v = row[c];
              return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
            }),
          );
        }
      };
      await restore('audit_log', snapshot.log);
      await restore('audit_chain_heads', snapshot.heads);
      await restore('audit_state', snapshot.state);

      // Without the checkpoint the rewind cannot be seen: the copy is internally consistent.
      expect((await manager.audit.verify()).ok).toBe(true);
      const result = await manager.audit.verify({ checkpoint });
      expect(result.ok).toBe(false);
      const byReason = (reason: string) =>
        result.problems.filter((p) => p.reason === reason).map((p) => p.chain);
      expect(byReason('checkpoint-rewound').sort()).toEqual([...chains].sort());
      expect(byReason('checkpoint-chain-missing')).toEqual(more);

      // Truncating everything is found the same way.
      await emptyAuditLog(db());
      const emptied = await manager.audit.verify({ checkpoint });
      expect(emptied.problems.map((p) => p.reason)).toEqual(Array(3).fill('checkpoint-chain-missing'));
    });

    it('finds a chain whose entry at the checkpointed position was replaced', async () => {
      const [alice] = await populate(2, 1);
      const chain = alice as string;
      const checkpoint = await manager.audit.createCheckpoint();
      const head = checkpoint.heads.find((h) => h.chain === chain);
      const tampered = {
        ...checkpoint,
        heads: checkpoint.heads.map((h) => (h === head ? { ...h, hash: 'f'.repeat(64) } : h)),
      };
      // An edited checkpoint is refused as a whole …
      const refused = await manager.audit.verify({ checkpoint: tampered });
      expect(refused.problems.map((p) => p.reason)).toEqual(['checkpoint-invalid']);
      // … an authentic one passes while nothing changed.
      expect(await manager.audit.verify({ checkpoint })).toMatchObject({
        ok: true,
        checkpointAt: checkpoint.createdAt,
      });
    });

    it('refuses to take a checkpoint over a head that fails its seal', async () => {
      const [alice] = await populate(1, 1);
      await db().query('UPDATE byok.audit_chain_heads SET seq = seq + 1 WHERE chain = $1', [alice]);
      await expect(manager.audit.createCheckpoint()).rejects.toMatchObject({ code: 'AUDIT_LOG_TAMPERED' });
    });
  });

  describe('rows written before MACs (legacy SHA-256 chains)', () => {
    /** Writes a chain the way the pre-0005 code did, and leaves the database as it left it. */
    async function legacyChain(length: number): Promise<string> {
      const userId = uniqueId();
      const chain = `user:${userId}`;
      let prev = '0'.repeat(64);
      for (let seq = 1; seq <= length; seq += 1) {
        const row = {
          chain,
          seq: String(seq),
          actor: userId,
          action: 'key.updated',
          target_type: 'key',
          target_id: `key_${seq}`,
          owner_type: 'user',
          owner_id: userId,
          context: {},
          details: { n: seq },
          created_at: new Date(Date.now() - (length - seq) * 1000),
        } as unknown as AuditRow;
        const hash = legacyHash(prev, row);
        await db().query(
          `INSERT INTO byok.audit_log (chain, seq, prev_hash, hash, actor, action, target_type, target_id, owner_type, owner_id, context, details, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            chain,
            seq,
            prev,
            hash,
            userId,
            row.action,
            'key',
            row.target_id,
            'user',
            userId,
            '{}',
            JSON.stringify(row.details),
            row.created_at,
          ],
        );
        prev = hash;
      }
      await db().query(
        `INSERT INTO byok.audit_chain_heads (chain, seq, hash, anchor_seq, anchor_hash) VALUES ($1, $2, $3, 0, $4)`,
        [chain, length, prev, '0'.repeat(64)],
      );
      return chain;
    }

    beforeEach(async () => {
      await emptyAuditLog(db());
    });

    it('seals legacy heads once at start-up, keeps verifying them, and chains new entries after them', async () => {
      const chain = await legacyChain(3);
      await manager.audit.prepare();
      const { rows: heads } = await db().query<{ legacy_seq: string; seal: string | null }>(
        'SELECT legacy_seq::text, seal FROM byok.audit_chain_heads WHERE chain = $1',
        [chain],
      );
      expect(heads[0]?.legacy_seq).toBe('3');
      expect(heads[0]?.seal).toMatch(/^[0-9a-f]{64}$/);
      await manager.addKey({ userId: chain.slice(5), provider: 'openai', keyData: { apiKey: apiKey() } });
      expect(await manager.audit.verify()).toMatchObject({ ok: true, checked: 4, legacyEntries: 3 });
      const [entry] = await manager.audit.list({ owner: { type: 'user', id: chain.slice(5) }, limit: 4 });
      expect(entry?.actor).toEqual({ type: 'user', id: chain.slice(5) });
    });

    it('finds a legacy row rewritten after the upgrade, SHA-256 links recomputed', async () => {
      const chain = await legacyChain(3);
      await manager.audit.prepare();
      await relinkEdited(chain, (row) => {
        row.details = { n: 99 };
      });
      expect(reasons(await manager.audit.verify())).toEqual(['head-seal']);
    });

    it('does not bless a head whose seal was stripped once the log is sealed', async () => {
      const chain = await legacyChain(2);
      await manager.audit.prepare();
      await populate(1, 1);
      await db().query('UPDATE byok.audit_chain_heads SET seal = NULL, legacy_seq = NULL WHERE chain = $1', [
        chain,
      ]);
      await db().query('DELETE FROM byok.audit_state');
      await manager.audit.prepare();
      expect(reasons(await manager.audit.verify())).toEqual(['head-unsealed', 'state-rebuilt']);
    });
  });

  describe('master-key rotation', () => {
    it('verifies entries by the fingerprint of the key that sealed them while that key is held', async () => {
      const [alice] = await populate(1, 1);
      const rotated = new BYOKManager({
        encryptionKey: OTHER_MASTER_KEY,
        decryptionKeys: [TEST_MASTER_KEY],
        database: { client },
        logger: capturingLogger().logger,
      });
      await rotated.ready();
      await rotated.updateKey((await rotated.listKeys((alice as string).slice(5)))[0]?.id as string, {
        alias: 'after rotation',
      });
      const { rows: keys } = await db().query<{ mac_key: string }>(
        'SELECT DISTINCT mac_key FROM byok.audit_log WHERE chain = $1',
        [alice],
      );
      expect(keys).toHaveLength(2);
      expect(await rotated.audit.verify()).toMatchObject({ ok: true, checked: 3 });
      // Without the old key, what it sealed is reported as unverifiable, never as intact.
      const newOnly = new AuditLog(db(), { keys: { keyring: await Keyring.create(OTHER_MASTER_KEY) } });
      const result = await newOnly.verify();
      expect(result.ok).toBe(false);
      expect(reasons(result)).toEqual(['unknown-key']);

      // Re-sealing (what the rotation does once every data key is rewrapped) lets the old key go;
      // a chain that does not verify is not re-sealed, so its tampering stays visible.
      const [bob] = await populate(1, 1);
      await db().query("UPDATE byok.audit_log SET details = '{}' WHERE chain = $1 AND seq = 2", [bob]);
      const report = await rotated.audit.reseal();
      expect(report).toMatchObject({ failed: [bob] });
      expect(report.chains).toBeGreaterThanOrEqual(1);
      const after = await newOnly.verify();
      expect(after.problems.filter((p) => p.chain !== bob && p.reason !== 'unknown-key')).toEqual([]);
      expect(after.problems.filter((p) => p.chain === alice)).toEqual([]);
      expect(after.problems.filter((p) => p.chain === bob).length).toBeGreaterThan(0);
      const withBoth = await rotated.audit.verify();
      expect(withBoth.problems.map((p) => [p.reason, p.chain, p.seq])).toEqual([['entry-mac', bob, 2]]);
      await rotated.close();
    });
  });
});
