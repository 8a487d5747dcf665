import { createHash } from 'node:crypto';
import type { AuditRow, HeadRow } from '../store/audit-store.js';
import { rowActor } from './actor.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditEntry } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

export type { AuditRow, HeadRow, StateRow } from '../store/audit-store.js';

/** What the pre-MAC format hashed (kept to verify rows written before migration 0005). */
function legacyFields(row: AuditRow): Record<string, unknown> {
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

export function legacyHash(prevHash: string, row: AuditRow): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(legacyFields(row)))
    .digest('hex');
}

/** What an entry's MAC covers: every column but id, its position (chain, seq) and the MAC before it. */
export function entryPayload(prevMac: string, row: AuditRow): string {
  return canonicalJson({
    kind: 'byok/audit-entry/v1',
    prev: prevMac,
    ...legacyFields(row),
    actorType: row.actor_type,
    actorFor: row.actor_for,
    macKey: row.mac_key,
  });
}

export interface HeadState {
  chain: string;
  seq: number;
  hash: string;
  anchorSeq: number;
  anchorHash: string;
  legacySeq: number | null;
}

export function headState(row: HeadRow): HeadState {
  return {
    chain: row.chain,
    seq: Number(row.seq),
    hash: row.hash,
    anchorSeq: Number(row.anchor_seq),
    anchorHash: row.anchor_hash,
    legacySeq: row.legacy_seq === null ? null : Number(row.legacy_seq),
  };
}

export function headPayload(head: HeadState): string {
  return canonicalJson({ kind: 'byok/audit-head/v1', ...head });
}

export function statePayload(state: { chains: number; chainSet: string; rebuilt: boolean }): string {
  return canonicalJson({ kind: 'byok/audit-state/v1', ...state });
}

export function toEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.id),
    chain: row.chain,
    seq: Number(row.seq),
    actor: rowActor(row),
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
