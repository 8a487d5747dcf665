import { createHash } from 'node:crypto';
import { ownerRef } from '../crypto/index.js';
import type { Database, SqlClient } from '../store/types.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditEntry, AuditEntryInput, ChainVerification } from './types.js';

const GENESIS_HASH = '0'.repeat(64);
const VERIFY_PAGE = 1000;

interface AuditRow {
  id: string;
  chain: string;
  seq: string | number;
  prev_hash: string;
  hash: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  owner_type: string | null;
  owner_id: string | null;
  context: Record<string, unknown>;
  details: Record<string, unknown>;
  created_at: Date | string;
}

function entryHash(prevHash: string, fields: Record<string, unknown>): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(fields)).digest('hex');
}

function hashedFields(row: Omit<AuditRow, 'id' | 'prev_hash' | 'hash'>): Record<string, unknown> {
  return {
    chain: row.chain,
    seq: Number(row.seq),
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    context: row.context,
    details: row.details,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.id),
    chain: row.chain,
    seq: Number(row.seq),
    actor: row.actor,
    action: row.action as AuditEntry['action'],
    targetType: row.target_type,
    targetId: row.target_id,
    owner:
      row.owner_type && row.owner_id
        ? { type: row.owner_type as 'user' | 'workspace', id: row.owner_id }
        : null,
    context: row.context,
    details: row.details,
    createdAt: new Date(row.created_at),
    hash: row.hash,
  };
}

/**
 * The append-only, hash-chained audit trail. One chain per owner, so writers to different owners
 * never wait on each other; the chain head row is locked for the length of the writer's transaction.
 */
export class AuditLog {
  readonly #db: Database;
  readonly retentionDays: number;

  constructor(db: Database, options: { retentionDays?: number } = {}) {
    this.#db = db;
    this.retentionDays = options.retentionDays ?? 2555;
  }

  /** Appends an entry inside the caller's transaction: it commits or rolls back with the change. */
  async append(tx: SqlClient, input: AuditEntryInput): Promise<void> {
    const chain = input.owner ? ownerRef(input.owner) : 'system';
    await tx.query(
      'INSERT INTO byok.audit_chain_heads (chain, seq, hash, anchor_hash) VALUES ($1, 0, $2, $2) ON CONFLICT (chain) DO NOTHING',
      [chain, GENESIS_HASH],
    );
    const { rows } = await tx.query<{ seq: string | number; hash: string }>(
      'SELECT seq, hash FROM byok.audit_chain_heads WHERE chain = $1 FOR UPDATE',
      [chain],
    );
    const head = rows[0];
    if (!head) throw new Error('audit chain head missing');
    const row = {
      chain,
      seq: Number(head.seq) + 1,
      actor: input.context?.actor ?? 'system',
      action: input.action,
      target_type: input.targetType,
      target_id: input.targetId ?? null,
      owner_type: input.owner?.type ?? null,
      owner_id: input.owner?.id ?? null,
      context: {
        requestId: input.context?.requestId,
        ip: input.context?.ip,
        userAgent: input.context?.userAgent,
      },
      details: input.details ?? {},
      created_at: new Date(),
    };
    // Round-trip through JSON so that what is hashed equals what jsonb gives back.
    row.context = JSON.parse(JSON.stringify(row.context));
    row.details = JSON.parse(JSON.stringify(row.details));
    const hash = entryHash(head.hash, hashedFields(row));
    await tx.query(
      `INSERT INTO byok.audit_log (chain, seq, prev_hash, hash, actor, action, target_type, target_id, owner_type, owner_id, context, details, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        row.chain,
        row.seq,
        head.hash,
        hash,
        row.actor,
        row.action,
        row.target_type,
        row.target_id,
        row.owner_type,
        row.owner_id,
        JSON.stringify(row.context),
        JSON.stringify(row.details),
        row.created_at,
      ],
    );
    await tx.query('UPDATE byok.audit_chain_heads SET seq = $2, hash = $3 WHERE chain = $1', [
      chain,
      row.seq,
      hash,
    ]);
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
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.owner) {
      params.push(options.owner.type, options.owner.id);
      where.push(`owner_type = $${params.length - 1} AND owner_id = $${params.length}`);
    }
    if (options.targetId) {
      params.push(options.targetId);
      where.push(`target_id = $${params.length}`);
    }
    if (options.beforeId) {
      params.push(options.beforeId);
      where.push(`id < $${params.length}`);
    }
    params.push(Math.min(options.limit ?? 100, 1000));
    const { rows } = await this.#db.query<AuditRow>(
      `SELECT * FROM byok.audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEntry);
  }

  /** Streams every entry, oldest first, in id order (for export). */
  async *entries(): AsyncGenerator<AuditEntry> {
    let after = '0';
    for (;;) {
      const { rows } = await this.#db.query<AuditRow>(
        'SELECT * FROM byok.audit_log WHERE id > $1 ORDER BY id LIMIT $2',
        [after, VERIFY_PAGE],
      );
      for (const row of rows) yield toEntry(row);
      if (rows.length < VERIFY_PAGE) return;
      after = String(rows.at(-1)?.id);
    }
  }

  /** Recomputes every chain; finds any changed, inserted or deleted entry. */
  async verifyChain(): Promise<ChainVerification> {
    const { rows: heads } = await this.#db.query<{
      chain: string;
      seq: string | number;
      hash: string;
      anchor_seq: string | number;
      anchor_hash: string;
    }>('SELECT chain, seq, hash, anchor_seq, anchor_hash FROM byok.audit_chain_heads ORDER BY chain');
    let checked = 0;
    const knownChains = new Set(heads.map((h) => h.chain));
    const { rows: orphans } = await this.#db.query<{ id: string; chain: string }>(
      'SELECT min(id)::text AS id, chain FROM byok.audit_log GROUP BY chain',
    );
    const orphan = orphans.find((o) => !knownChains.has(o.chain));
    if (orphan) return { ok: false, checked, firstBadId: orphan.id };

    for (const head of heads) {
      let expectedSeq = Number(head.anchor_seq) + 1;
      let prevHash = head.anchor_hash;
      let afterSeq = Number(head.anchor_seq);
      for (;;) {
        const { rows } = await this.#db.query<AuditRow>(
          'SELECT * FROM byok.audit_log WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3',
          [head.chain, afterSeq, VERIFY_PAGE],
        );
        for (const row of rows) {
          checked += 1;
          const bad =
            Number(row.seq) !== expectedSeq ||
            row.prev_hash !== prevHash ||
            entryHash(prevHash, hashedFields(row)) !== row.hash;
          if (bad) return { ok: false, checked, firstBadId: String(row.id) };
          prevHash = row.hash;
          expectedSeq += 1;
        }
        if (rows.length < VERIFY_PAGE) break;
        afterSeq = Number(rows.at(-1)?.seq);
      }
      if (expectedSeq - 1 !== Number(head.seq) || prevHash !== head.hash) {
        return { ok: false, checked, brokenChain: head.chain };
      }
    }
    return { ok: true, checked };
  }

  /**
   * Deletes entries older than `retentionDays`, oldest first, in batches. Each chain's anchor moves
   * to the newest deleted entry so that verification still covers everything kept.
   */
  async purgeExpired(options: { batchSize?: number; now?: Date } = {}): Promise<number> {
    const cutoff = new Date((options.now ?? new Date()).getTime() - this.retentionDays * 86_400_000);
    const batchSize = options.batchSize ?? 1000;
    let total = 0;
    for (;;) {
      const deleted = await this.#db.transaction(async (tx) => {
        const { rows } = await tx.query<{ chain: string; seq: string | number; hash: string }>(
          `DELETE FROM byok.audit_log WHERE id IN (
             SELECT id FROM byok.audit_log WHERE created_at < $1 ORDER BY id LIMIT $2
           ) RETURNING chain, seq, hash`,
          [cutoff, batchSize],
        );
        const newest = new Map<string, { seq: number; hash: string }>();
        for (const row of rows) {
          const seq = Number(row.seq);
          if ((newest.get(row.chain)?.seq ?? -1) < seq) newest.set(row.chain, { seq, hash: row.hash });
        }
        for (const [chain, anchor] of newest) {
          await tx.query(
            'UPDATE byok.audit_chain_heads SET anchor_seq = $2, anchor_hash = $3 WHERE chain = $1 AND anchor_seq < $2',
            [chain, anchor.seq, anchor.hash],
          );
        }
        return rows.length;
      });
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}
