import { ownerRef } from '../crypto/index.js';
import { BYOKError, encryptionNotConfigured } from '../errors/index.js';
import { auditStore } from '../store/audit-store.js';
import type { Database, SqlClient } from '../store/types.js';
import { toAuditActor } from './actor.js';
import { type AuditKeySource, AuditSigner, addToChainSet, EMPTY_CHAIN_SET } from './audit-keys.js';
import {
  type AuditRow,
  entryPayload,
  GENESIS_HASH,
  type HeadRow,
  type HeadState,
  headPayload,
  headState,
  legacyHash,
  statePayload,
  toEntry,
} from './audit-rows.js';
import { checkpointPayload, verifyAudit } from './audit-verify.js';
import type {
  AuditCheckpoint,
  AuditEntry,
  AuditEntryInput,
  AuditVerification,
  ChainVerification,
} from './types.js';

const PAGE = 1000;

export interface AuditLogOptions {
  retentionDays?: number;
  /**
   * The master keys: the audit key is derived from the active one (HKDF, label `byok/audit-mac/v1`)
   * and never stored. Without it the log can be listed and exported, not written or verified.
   */
  keys?: AuditKeySource;
  /** Time source for `createdAt` (tests write entries "in the past" this way, sealed like any other). */
  clock?: () => Date;
}

const lockHead = (tx: SqlClient, chain: string): Promise<HeadRow | undefined> =>
  auditStore.lockHead(tx, chain);

/**
 * The append-only audit trail, tamper-evident against anyone who can write to the database but
 * does not hold the master key:
 * - one chain per owner (writers to different owners never wait on each other); each entry's MAC
 *   covers its content, its position (chain, seq) and the MAC before it;
 * - each chain head (newest seq and MAC, retention anchor, legacy boundary) is sealed by a MAC;
 * - one sealed state row counts the chains and digests their names (a deleted chain is found);
 * - `createCheckpoint()` seals every head into a file kept outside the database, against which
 *   `verify({ checkpoint })` finds history rewound or replaced behind it.
 * Rows written before MACs (SHA-256 links) are kept; the first start with the master key seals
 * each chain's head at its current end (its legacy boundary), which pins those rows from then on.
 */
export class AuditLog {
  readonly #db: Database;
  readonly #keys: AuditKeySource | undefined;
  readonly #clock: () => Date;
  readonly retentionDays: number;

  constructor(db: Database, options: AuditLogOptions = {}) {
    this.#db = db;
    this.#keys = options.keys;
    this.#clock = options.clock ?? (() => new Date());
    this.retentionDays = options.retentionDays ?? 2555;
  }

  #signer(): AuditSigner {
    if (!this.#keys) throw encryptionNotConfigured();
    const signer = new AuditSigner(this.#keys);
    void signer.activeKeyId; // throws ENCRYPTION_NOT_CONFIGURED before anything is written
    return signer;
  }

  /**
   * Creates the sealed state on first use. On a database written before MACs, seals every existing
   * chain head at its current end (its legacy boundary) in the same transaction. Idempotent; safe
   * when several instances start at once.
   */
  async prepare(): Promise<void> {
    const signer = this.#signer();
    await this.#db.transaction((tx) => this.#ensureState(tx, signer));
  }

  async #ensureState(tx: SqlClient, signer: AuditSigner): Promise<void> {
    if (await auditStore.state(tx)) return;
    // An advisory lock, not a table lock: it serialises only the transactions that found no state
    // row, and so cannot deadlock with writers that lock the state row to count a new chain.
    await auditStore.lockStateCreation(tx);
    if (await auditStore.state(tx)) return;
    const heads = await auditStore.heads(tx, { lock: true });
    // Sealed data without a state row means the row was deleted: rebuild it, but say so for ever
    // (verify reports it), and never bless unsealed heads found next to sealed data.
    const rebuilt = await auditStore.anySealed(tx);
    if (!rebuilt && heads.length > 0) {
      const sealed = heads.map((row) => {
        const head: HeadState = { ...headState(row), legacySeq: Number(row.seq) };
        return { chain: head.chain, legacySeq: head.legacySeq, seal: signer.mac(headPayload(head)) };
      });
      await auditStore.sealLegacyHeads(tx, sealed, signer.activeKeyId);
    }
    const state = {
      chains: heads.length,
      chainSet: heads.reduce((acc, head) => addToChainSet(acc, head.chain), EMPTY_CHAIN_SET),
      rebuilt,
    };
    await auditStore.insertState(tx, {
      ...state,
      seal: signer.mac(statePayload(state)),
      sealKey: signer.activeKeyId,
    });
  }

  /** A new chain: its sealed empty head, and one more chain in the sealed state (locked only now). */
  async #register(tx: SqlClient, chain: string, signer: AuditSigner): Promise<void> {
    await this.#ensureState(tx, signer);
    const head: HeadState = {
      chain,
      seq: 0,
      hash: GENESIS_HASH,
      anchorSeq: 0,
      anchorHash: GENESIS_HASH,
      legacySeq: 0,
    };
    const created = await auditStore.insertHead(tx, chain, GENESIS_HASH, {
      seal: signer.mac(headPayload(head)),
      sealKey: signer.activeKeyId,
    });
    if (!created) return; // another transaction created it first
    const current = await auditStore.state(tx, { lock: true });
    if (!current) throw new BYOKError('AUDIT_LOG_TAMPERED', 'audit state missing');
    const before = { chains: Number(current.chains), chainSet: current.chain_set, rebuilt: current.rebuilt };
    const after = { ...before, chains: before.chains + 1, chainSet: addToChainSet(before.chainSet, chain) };
    // A state that no longer matches its seal stays unsealed: resealing it would hide the tamper.
    const intact = signer.check(current.seal_key, statePayload(before), current.seal) === 'ok';
    await auditStore.updateStateChains(tx, {
      chains: after.chains,
      chainSet: after.chainSet,
      seal: intact ? signer.mac(statePayload(after)) : current.seal,
      sealKey: intact ? signer.activeKeyId : current.seal_key,
    });
  }

  /** Appends an entry inside the caller's transaction: it commits or rolls back with the change. */
  async append(tx: SqlClient, input: AuditEntryInput): Promise<void> {
    const signer = this.#signer();
    const chain = input.owner ? ownerRef(input.owner) : 'system';
    let headRow = await lockHead(tx, chain);
    if (!headRow) {
      await this.#register(tx, chain, signer);
      headRow = await lockHead(tx, chain);
    }
    if (!headRow) throw new BYOKError('AUDIT_LOG_TAMPERED', 'audit chain head missing');
    const head = headState(headRow);
    const headIntact = signer.check(headRow.seal_key, headPayload(head), headRow.seal) === 'ok';
    const actor = toAuditActor(input.context?.actor, { type: 'system', id: 'system' });
    const row: AuditRow = {
      id: '',
      chain,
      seq: head.seq + 1,
      prev_hash: head.hash,
      hash: '',
      mac_key: signer.activeKeyId,
      actor: actor.id,
      actor_type: actor.type,
      actor_for: actor.onBehalfOf ?? null,
      action: input.action,
      target_type: input.targetType,
      target_id: input.targetId ?? null,
      owner_type: input.owner?.type ?? null,
      owner_id: input.owner?.id ?? null,
      // Round-trip through JSON so that what is sealed equals what jsonb gives back.
      context: JSON.parse(
        JSON.stringify({
          requestId: input.context?.requestId,
          ip: input.context?.ip,
          userAgent: input.context?.userAgent,
        }),
      ),
      details: JSON.parse(JSON.stringify(input.details ?? {})),
      created_at: new Date(this.#clock().getTime()),
    };
    row.hash = signer.mac(entryPayload(head.hash, row));
    await auditStore.insertEntry(tx, row);
    const next: HeadState = { ...head, seq: Number(row.seq), hash: row.hash };
    // A head that does not match its seal keeps its broken seal, so that verify still reports it.
    await auditStore.advanceHead(
      tx,
      chain,
      next.seq,
      next.hash,
      headIntact
        ? { seal: signer.mac(headPayload(next)), sealKey: signer.activeKeyId }
        : { seal: headRow.seal, sealKey: headRow.seal_key },
    );
  }

  /** Appends an entry in a transaction of its own (for events with no other write). */
  record(input: AuditEntryInput): Promise<void> {
    return this.#db.transaction((tx) => this.append(tx, input));
  }

  /** Entries of one owner (or of everyone when `owner` is omitted), newest first. */
  async list(
    options: {
      owner?: { type: 'user' | 'workspace'; id: string };
      targetId?: string;
      limit?: number;
      beforeId?: string;
    } = {},
  ): Promise<AuditEntry[]> {
    const rows = await auditStore.list(this.#db, {
      owner: options.owner,
      targetId: options.targetId,
      beforeId: options.beforeId,
      limit: Math.min(options.limit ?? 100, 1000),
    });
    return rows.map(toEntry);
  }

  /** Streams every entry, oldest first, in id order (for export). */
  async *entries(): AsyncGenerator<AuditEntry> {
    let after = '0';
    for (;;) {
      const rows = await auditStore.pageAfterId(this.#db, after, PAGE);
      for (const row of rows) yield toEntry(row);
      if (rows.length < PAGE) return;
      after = String(rows.at(-1)?.id);
    }
  }

  /**
   * Checks every entry, chain head and the global state with the audit key, and, given a
   * checkpoint made earlier (`createCheckpoint`), that no chain is gone, shorter, or different at
   * the position it recorded. Lists every problem, not only the first.
   *
   * @example
   * const result = await manager.audit.verify({ checkpoint: JSON.parse(await readFile('cp.json', 'utf8')) });
   * for (const p of result.problems) console.log(p.chain, p.seq, p.reason);
   */
  verify(options: { checkpoint?: AuditCheckpoint } = {}): Promise<AuditVerification> {
    return verifyAudit(this.#db, this.#signer(), options.checkpoint);
  }

  /** `verify()` reduced to the first problem (the original API). */
  async verifyChain(): Promise<ChainVerification> {
    const result = await this.verify();
    if (result.ok) return { ok: true, checked: result.checked };
    const withId = result.problems.find((p) => p.id !== undefined);
    if (withId?.id) return { ok: false, checked: result.checked, firstBadId: withId.id };
    return { ok: false, checked: result.checked, brokenChain: result.problems[0]?.chain ?? 'state' };
  }

  /**
   * Re-seals the whole log under the active master key, after a rotation, so that the old key can
   * be dropped: every chain is verified first with the keys held (old ones decrypt-only) and only
   * an intact chain is re-MACed, one chain per transaction (its head locked, so writers to it
   * wait). Chains that do not verify are left as they are and named in the report.
   */
  async reseal(): Promise<{ chains: number; entries: number; failed: string[] }> {
    const signer = this.#signer();
    const active = signer.activeKeyId;
    const stale = await auditStore.staleChains(this.#db, active);
    const report = { chains: 0, entries: 0, failed: [] as string[] };
    for (const chain of stale) {
      const resealed = await this.#db.transaction((tx) => this.#resealChain(tx, chain, signer));
      if (resealed === null) report.failed.push(chain);
      else {
        report.chains += 1;
        report.entries += resealed;
      }
    }
    await this.#db.transaction(async (tx) => {
      const state = await auditStore.state(tx, { lock: true });
      if (!state || state.seal_key === active) return;
      const payload = statePayload({
        chains: Number(state.chains),
        chainSet: state.chain_set,
        rebuilt: state.rebuilt,
      });
      if (signer.check(state.seal_key, payload, state.seal) !== 'ok') return;
      await auditStore.updateStateSeal(tx, { seal: signer.mac(payload), sealKey: active });
    });
    return report;
  }

  /** Re-MACs one chain under the active key; null (nothing written) when it does not verify. */
  async #resealChain(tx: SqlClient, chain: string, signer: AuditSigner): Promise<number | null> {
    const headRow = await lockHead(tx, chain);
    if (!headRow) return null;
    const head = headState(headRow);
    if (signer.check(headRow.seal_key, headPayload(head), headRow.seal) !== 'ok') return null;
    const legacySeq = head.legacySeq ?? 0;
    let oldPrev = head.anchorHash;
    let newPrev = head.anchorHash;
    let expected = head.anchorSeq + 1;
    const updates: { id: string; prev: string; hash: string }[] = [];
    let after = head.anchorSeq;
    for (;;) {
      const rows = await auditStore.chainPage(tx, chain, after, PAGE);
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expected || seq > head.seq || row.prev_hash !== oldPrev) return null;
        if (seq <= legacySeq) {
          if (row.mac_key !== null || legacyHash(oldPrev, row) !== row.hash) return null;
          newPrev = row.hash;
        } else {
          if (signer.check(row.mac_key, entryPayload(oldPrev, row), row.hash) !== 'ok') return null;
          const resealed: AuditRow = { ...row, mac_key: signer.activeKeyId, prev_hash: newPrev };
          const hash = signer.mac(entryPayload(newPrev, resealed));
          updates.push({ id: String(row.id), prev: newPrev, hash });
          newPrev = hash;
        }
        oldPrev = row.hash;
        expected = seq + 1;
      }
      if (rows.length < PAGE) break;
      after = Number(rows.at(-1)?.seq);
    }
    if (expected - 1 !== head.seq || oldPrev !== head.hash) return null;
    for (let i = 0; i < updates.length; i += PAGE) {
      const page = updates.slice(i, i + PAGE);
      await auditStore.rewriteEntries(tx, page, signer.activeKeyId);
    }
    const next: HeadState = { ...head, hash: newPrev };
    await auditStore.resealHead(tx, chain, next.hash, {
      seal: signer.mac(headPayload(next)),
      sealKey: signer.activeKeyId,
    });
    return updates.length;
  }

  /**
   * A sealed record of every chain head as it is now, to keep outside the database (another
   * system, write-once storage). Refuses when any head or the state fails its seal.
   */
  async createCheckpoint(): Promise<AuditCheckpoint> {
    const signer = this.#signer();
    const rows = await auditStore.heads(this.#db);
    const broken = rows.filter(
      (row) => signer.check(row.seal_key, headPayload(headState(row)), row.seal) !== 'ok',
    );
    if (broken.length) {
      throw new BYOKError(
        'AUDIT_LOG_TAMPERED',
        `Audit chain heads fail their seal (${broken.length}); run "byok audit verify" before taking a checkpoint`,
        { details: { chains: broken.slice(0, 20).map((row) => row.chain) } },
      );
    }
    const body: Omit<AuditCheckpoint, 'mac'> = {
      format: 'byok-audit-checkpoint/v1',
      createdAt: new Date().toISOString(),
      keyId: signer.activeKeyId,
      chains: rows.length,
      heads: rows.map((row) => ({ chain: row.chain, seq: Number(row.seq), hash: row.hash })),
    };
    return { ...body, mac: signer.mac(checkpointPayload(body)) };
  }

  /**
   * Deletes entries older than `retentionDays`, oldest first, in batches, and moves each chain's
   * sealed anchor to the newest entry deleted. Only an unbroken run from the anchor whose every
   * entry verifies is deleted: an entry whose date (or anything else) was edited to make it expire
   * stays, and so does everything after it, so a purge cannot be used to erase evidence.
   */
  async purgeExpired(options: { batchSize?: number; now?: Date } = {}): Promise<number> {
    const signer = this.#signer();
    const cutoff = new Date((options.now ?? this.#clock()).getTime() - this.retentionDays * 86_400_000);
    const batchSize = options.batchSize ?? 1000;
    const stuck: string[] = [];
    let total = 0;
    for (;;) {
      const { deleted, candidates } = await this.#db.transaction(async (tx) => {
        const rows = await auditStore.expired(tx, cutoff, batchSize, stuck);
        const byChain = new Map<string, AuditRow[]>();
        for (const row of rows) byChain.set(row.chain, [...(byChain.get(row.chain) ?? []), row]);
        let removed = 0;
        for (const [chain, chainRows] of byChain) {
          const headRow = await lockHead(tx, chain);
          const head = headRow ? headState(headRow) : undefined;
          if (!headRow || !head || signer.check(headRow.seal_key, headPayload(head), headRow.seal) !== 'ok') {
            stuck.push(chain);
            continue;
          }
          const legacySeq = head.legacySeq ?? 0;
          let prev = head.anchorHash;
          let expected = head.anchorSeq + 1;
          const ids: string[] = [];
          for (const row of chainRows) {
            const seq = Number(row.seq);
            const intact =
              seq === expected &&
              seq <= head.seq &&
              row.prev_hash === prev &&
              (seq <= legacySeq
                ? row.mac_key === null && legacyHash(prev, row) === row.hash
                : signer.check(row.mac_key, entryPayload(prev, row), row.hash) === 'ok');
            if (!intact) break;
            ids.push(String(row.id));
            prev = row.hash;
            expected = seq + 1;
          }
          if (ids.length < chainRows.length) stuck.push(chain);
          if (!ids.length) continue;
          await auditStore.deleteEntries(tx, ids);
          const next: HeadState = { ...head, anchorSeq: expected - 1, anchorHash: prev };
          await auditStore.moveAnchor(tx, chain, next.anchorSeq, next.anchorHash, {
            seal: signer.mac(headPayload(next)),
            sealKey: signer.activeKeyId,
          });
          removed += ids.length;
        }
        return { deleted: removed, candidates: rows.length };
      });
      total += deleted;
      if (candidates < batchSize) return total;
    }
  }
}
