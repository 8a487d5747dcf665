import type { SqlClient } from './types.js';

/** A `byok.audit_log` row. */
export interface AuditRow {
  id: string;
  chain: string;
  seq: string | number;
  prev_hash: string;
  hash: string;
  mac_key: string | null;
  actor: string;
  actor_type: string | null;
  actor_for: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  owner_type: string | null;
  owner_id: string | null;
  context: Record<string, unknown>;
  details: Record<string, unknown>;
  created_at: Date | string;
}

/** A `byok.audit_chain_heads` row: the newest entry of one chain, its retention anchor and its seal. */
export interface HeadRow {
  chain: string;
  seq: string | number;
  hash: string;
  anchor_seq: string | number;
  anchor_hash: string;
  legacy_seq: string | number | null;
  seal: string | null;
  seal_key: string | null;
}

/** The one `byok.audit_state` row: how many chains there are, a digest of their names, its seal. */
export interface StateRow {
  chains: string | number;
  chain_set: string;
  rebuilt: boolean;
  seal: string | null;
  seal_key: string | null;
}

/** A seal and the id of the audit key that made it (both null on a head never sealed). */
export interface Seal {
  seal: string | null;
  sealKey: string | null;
}

export interface AuditListFilter {
  owner?: { type: 'user' | 'workspace'; id: string } | undefined;
  targetId?: string | undefined;
  beforeId?: string | undefined;
  limit: number;
}

/**
 * The audit tables. The store only reads and writes rows; every MAC and seal is computed and
 * checked by `audit/`, which holds the key. Methods with "lock" in their name take row locks that
 * last until the caller's transaction ends.
 */
export interface AuditStore {
  /** Locks and returns one chain's head. */
  lockHead(db: SqlClient, chain: string): Promise<HeadRow | undefined>;
  /** Every chain head by chain name; `lock` locks them all. */
  heads(db: SqlClient, options?: { lock?: boolean }): Promise<HeadRow[]>;
  /** Creates a chain's empty head; false when another transaction created it first. */
  insertHead(db: SqlClient, chain: string, genesisHash: string, seal: Seal): Promise<boolean>;
  /** Moves a head to its newest entry. */
  advanceHead(db: SqlClient, chain: string, seq: number, hash: string, seal: Seal): Promise<void>;
  /** Sets a head's hash after its chain was re-MACed. */
  resealHead(db: SqlClient, chain: string, hash: string, seal: Seal): Promise<void>;
  /** Moves a head's retention anchor after a purge. */
  moveAnchor(db: SqlClient, chain: string, anchorSeq: number, anchorHash: string, seal: Seal): Promise<void>;
  /** Seals legacy heads at their current end (their legacy boundary). */
  sealLegacyHeads(
    db: SqlClient,
    heads: readonly { chain: string; legacySeq: number | null; seal: string }[],
    sealKey: string,
  ): Promise<void>;
  /** Whether any head or entry carries a seal or MAC (sealed data exists). */
  anySealed(db: SqlClient): Promise<boolean>;
  /** The state row; `lock` locks it. */
  state(db: SqlClient, options?: { lock?: boolean }): Promise<StateRow | undefined>;
  /**
   * Serialises the transactions that create the state row (an advisory lock, not a table lock, so
   * it cannot deadlock with writers that lock the state row).
   */
  lockStateCreation(db: SqlClient): Promise<void>;
  insertState(
    db: SqlClient,
    state: { chains: number; chainSet: string; rebuilt: boolean } & Seal,
  ): Promise<void>;
  updateStateChains(
    db: SqlClient,
    state: { chains: number; chainSet: string; seal: string | null; sealKey: string | null },
  ): Promise<void>;
  updateStateSeal(db: SqlClient, seal: Seal): Promise<void>;
  insertEntry(db: SqlClient, row: AuditRow): Promise<void>;
  /** Entries matching the filter, newest first. */
  list(db: SqlClient, filter: AuditListFilter): Promise<AuditRow[]>;
  /** Entries after `afterId` in id order. */
  pageAfterId(db: SqlClient, afterId: string, limit: number): Promise<AuditRow[]>;
  /** Entries of one chain after `afterSeq` in seq order. */
  chainPage(db: SqlClient, chain: string, afterSeq: number, limit: number): Promise<AuditRow[]>;
  /** Entries of one chain at or before `seq` (id and seq only). */
  chainPrefix(db: SqlClient, chain: string, seq: number): Promise<{ id: string; seq: string | number }[]>;
  /** Entries whose chain has no head. */
  orphans(db: SqlClient): Promise<{ id: string; chain: string; seq: string | number }[]>;
  /** Chains with a head or an entry not sealed by `activeKey`. */
  staleChains(db: SqlClient, activeKey: string): Promise<string[]>;
  /** Rewrites links and MACs of entries, all now under `macKey`. */
  rewriteEntries(
    db: SqlClient,
    updates: readonly { id: string; prev: string; hash: string }[],
    macKey: string,
  ): Promise<void>;
  /** Entries older than `cutoff` outside `skipChains`, by chain and seq. */
  expired(db: SqlClient, cutoff: Date, limit: number, skipChains: readonly string[]): Promise<AuditRow[]>;
  deleteEntries(db: SqlClient, ids: readonly string[]): Promise<void>;
}

const HEAD_COLUMNS = 'chain, seq, hash, anchor_seq, anchor_hash, legacy_seq, seal, seal_key';
const STATE_COLUMNS = 'chains, chain_set, rebuilt, seal, seal_key';
/** Advisory lock id for creating the audit state row (the migrations use 7_406_283_551). */
const AUDIT_STATE_LOCK_ID = 7_406_283_552;

export const auditStore: AuditStore = {
  async lockHead(db, chain) {
    const { rows } = await db.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM byok.audit_chain_heads WHERE chain = $1 FOR UPDATE`,
      [chain],
    );
    return rows[0];
  },

  async heads(db, options = {}) {
    const { rows } = await db.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM byok.audit_chain_heads ORDER BY chain${options.lock ? ' FOR UPDATE' : ''}`,
    );
    return rows;
  },

  async insertHead(db, chain, genesisHash, seal) {
    const { rows } = await db.query(
      `INSERT INTO byok.audit_chain_heads (chain, seq, hash, anchor_seq, anchor_hash, legacy_seq, seal, seal_key)
       VALUES ($1, 0, $2, 0, $2, 0, $3, $4) ON CONFLICT (chain) DO NOTHING RETURNING chain`,
      [chain, genesisHash, seal.seal, seal.sealKey],
    );
    return rows.length > 0;
  },

  async advanceHead(db, chain, seq, hash, seal) {
    await db.query(
      'UPDATE byok.audit_chain_heads SET seq = $2, hash = $3, seal = $4, seal_key = $5 WHERE chain = $1',
      [chain, seq, hash, seal.seal, seal.sealKey],
    );
  },

  async resealHead(db, chain, hash, seal) {
    await db.query('UPDATE byok.audit_chain_heads SET hash = $2, seal = $3, seal_key = $4 WHERE chain = $1', [
      chain,
      hash,
      seal.seal,
      seal.sealKey,
    ]);
  },

  async moveAnchor(db, chain, anchorSeq, anchorHash, seal) {
    await db.query(
      'UPDATE byok.audit_chain_heads SET anchor_seq = $2, anchor_hash = $3, seal = $4, seal_key = $5 WHERE chain = $1',
      [chain, anchorSeq, anchorHash, seal.seal, seal.sealKey],
    );
  },

  async sealLegacyHeads(db, heads, sealKey) {
    if (heads.length === 0) return;
    await db.query(
      `UPDATE byok.audit_chain_heads h SET legacy_seq = u.legacy_seq, seal = u.seal, seal_key = $4
         FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(chain, legacy_seq, seal)
        WHERE h.chain = u.chain`,
      [heads.map((s) => s.chain), heads.map((s) => s.legacySeq), heads.map((s) => s.seal), sealKey],
    );
  },

  async anySealed(db) {
    const { rows } = await db.query<{ sealed: boolean }>(
      `SELECT (EXISTS (SELECT 1 FROM byok.audit_chain_heads WHERE seal IS NOT NULL)
            OR EXISTS (SELECT 1 FROM byok.audit_log WHERE mac_key IS NOT NULL)) AS sealed`,
    );
    return Boolean(rows[0]?.sealed);
  },

  async state(db, options = {}) {
    const { rows } = await db.query<StateRow>(
      `SELECT ${STATE_COLUMNS} FROM byok.audit_state${options.lock ? ' FOR UPDATE' : ''}`,
    );
    return rows[0];
  },

  async lockStateCreation(db) {
    await db.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_STATE_LOCK_ID]);
  },

  async insertState(db, state) {
    await db.query(
      'INSERT INTO byok.audit_state (chains, chain_set, rebuilt, seal, seal_key) VALUES ($1, $2, $3, $4, $5)',
      [state.chains, state.chainSet, state.rebuilt, state.seal, state.sealKey],
    );
  },

  async updateStateChains(db, state) {
    await db.query(
      'UPDATE byok.audit_state SET chains = $1, chain_set = $2, seal = $3, seal_key = $4, updated_at = now()',
      [state.chains, state.chainSet, state.seal, state.sealKey],
    );
  },

  async updateStateSeal(db, seal) {
    await db.query('UPDATE byok.audit_state SET seal = $1, seal_key = $2, updated_at = now()', [
      seal.seal,
      seal.sealKey,
    ]);
  },

  async insertEntry(db, row) {
    await db.query(
      `INSERT INTO byok.audit_log (chain, seq, prev_hash, hash, mac_key, actor, actor_type, actor_for, action, target_type, target_id, owner_type, owner_id, context, details, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        row.chain,
        row.seq,
        row.prev_hash,
        row.hash,
        row.mac_key,
        row.actor,
        row.actor_type,
        row.actor_for,
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
  },

  async list(db, filter) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.owner) {
      params.push(filter.owner.type, filter.owner.id);
      where.push(`owner_type = $${params.length - 1} AND owner_id = $${params.length}`);
    }
    if (filter.targetId) {
      params.push(filter.targetId);
      where.push(`target_id = $${params.length}`);
    }
    if (filter.beforeId) {
      params.push(filter.beforeId);
      where.push(`id < $${params.length}`);
    }
    params.push(filter.limit);
    const { rows } = await db.query<AuditRow>(
      `SELECT * FROM byok.audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows;
  },

  async pageAfterId(db, afterId, limit) {
    const { rows } = await db.query<AuditRow>(
      'SELECT * FROM byok.audit_log WHERE id > $1 ORDER BY id LIMIT $2',
      [afterId, limit],
    );
    return rows;
  },

  async chainPage(db, chain, afterSeq, limit) {
    const { rows } = await db.query<AuditRow>(
      'SELECT * FROM byok.audit_log WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [chain, afterSeq, limit],
    );
    return rows;
  },

  async chainPrefix(db, chain, seq) {
    const { rows } = await db.query<{ id: string; seq: string | number }>(
      'SELECT id::text AS id, seq FROM byok.audit_log WHERE chain = $1 AND seq <= $2 ORDER BY seq',
      [chain, seq],
    );
    return rows;
  },

  async orphans(db) {
    const { rows } = await db.query<{ id: string; chain: string; seq: string | number }>(
      `SELECT id::text AS id, chain, seq FROM byok.audit_log l
        WHERE NOT EXISTS (SELECT 1 FROM byok.audit_chain_heads h WHERE h.chain = l.chain)
        ORDER BY chain, seq`,
    );
    return rows;
  },

  async staleChains(db, activeKey) {
    const { rows } = await db.query<{ chain: string }>(
      `SELECT chain FROM byok.audit_chain_heads WHERE seal_key IS DISTINCT FROM $1
       UNION SELECT DISTINCT chain FROM byok.audit_log WHERE mac_key IS NOT NULL AND mac_key <> $1
       ORDER BY chain`,
      [activeKey],
    );
    return rows.map((row) => row.chain);
  },

  async rewriteEntries(db, updates, macKey) {
    if (updates.length === 0) return;
    await db.query(
      `UPDATE byok.audit_log l SET prev_hash = u.prev, hash = u.hash, mac_key = $4
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, prev, hash) WHERE l.id = u.id`,
      [updates.map((u) => u.id), updates.map((u) => u.prev), updates.map((u) => u.hash), macKey],
    );
  },

  async expired(db, cutoff, limit, skipChains) {
    const { rows } = await db.query<AuditRow>(
      `SELECT * FROM byok.audit_log WHERE created_at < $1 AND NOT (chain = ANY($3::text[]))
        ORDER BY chain, seq LIMIT $2`,
      [cutoff, limit, skipChains],
    );
    return rows;
  },

  async deleteEntries(db, ids) {
    await db.query('DELETE FROM byok.audit_log WHERE id = ANY($1::bigint[])', [ids]);
  },
};
