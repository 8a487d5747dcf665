import type { Owner } from '../crypto/index.js';
import type { ActorInput, AuditActor } from './actor.js';

export type AuditAction =
  | 'key.created'
  | 'key.updated'
  | 'key.enabled'
  | 'key.disabled'
  | 'key.secret_replaced'
  | 'key.revoked'
  | 'key.deleted'
  | 'key.tested'
  | 'key.compromised'
  | 'incident.started'
  | 'fallback.configured'
  | 'workspace.created'
  | 'workspace.member_added'
  | 'workspace.member_removed'
  | 'master_key.rotation_started'
  | 'master_key.rotation_completed'
  | 'alert.created'
  | 'alert.deleted'
  | 'alert.signing_secret_rotated'
  | 'migration.imported'
  | 'gateway_token.created'
  | 'gateway_token.updated'
  | 'gateway_token.revoked'
  | 'gateway_token.deleted';

/** Who asked and from where. Never holds a secret. */
export interface RequestContext {
  /** Who acts: a structured actor, or a plain id, which is recorded as a user. */
  actor?: ActorInput;
  requestId?: string;
  ip?: string;
  userAgent?: string;
}

export interface AuditEntryInput {
  action: AuditAction;
  targetType:
    | 'key'
    | 'workspace'
    | 'master_key'
    | 'fallback_chain'
    | 'alert'
    | 'owner'
    | 'incident'
    | 'gateway_token';
  targetId?: string | null;
  owner?: Owner | null;
  context?: RequestContext;
  /** Non-secret facts: provider, alias, changed field names, counts. */
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  chain: string;
  seq: number;
  actor: AuditActor;
  action: AuditAction;
  targetType: string;
  targetId: string | null;
  owner: Owner | null;
  context: Record<string, unknown>;
  details: Record<string, unknown>;
  createdAt: Date;
  hash: string;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** Id of the first entry that does not fit its chain. */
  firstBadId?: string;
  /** Chain whose newest entry is missing (deleted from the end). */
  brokenChain?: string;
}

/** Why `verify` rejected part of the log. */
export type AuditProblemReason =
  /** An entry's MAC does not match its content, position and the MAC before it. */
  | 'entry-mac'
  /** A pre-MAC entry whose SHA-256 link does not match. */
  | 'legacy-hash'
  /** An entry after the chain's legacy boundary without a MAC. */
  | 'entry-unsealed'
  /** Entries absent from the chain (deleted, or the chain cut short behind its head). */
  | 'missing'
  /** An entry numbered past the chain's head, or before its retention anchor. */
  | 'unexpected-entry'
  /** Entries of a chain that has no head. */
  | 'chain-without-head'
  /** The head's seal does not match (edited, rewound or moved anchor). */
  | 'head-seal'
  /** A head never sealed: written by an older version after the upgrade, or its seal removed. */
  | 'head-unsealed'
  /** The head does not point at the chain's newest entry. */
  | 'head-mismatch'
  /** A MAC or seal made under a master key this process does not hold. */
  | 'unknown-key'
  /** The global state is missing, its seal does not match, or it counts other chains than exist. */
  | 'state-missing'
  | 'state-seal'
  | 'state-mismatch'
  /** The global state was rebuilt from what was found (it had been deleted): earlier deletions may hide behind it. */
  | 'state-rebuilt'
  /** Against a checkpoint: a chain gone, shorter than it was, or different at the checkpointed position. */
  | 'checkpoint-chain-missing'
  | 'checkpoint-rewound'
  | 'checkpoint-mismatch'
  /** The checkpoint file itself is not authentic (or sealed under a key not held). */
  | 'checkpoint-invalid';

export interface AuditProblem {
  reason: AuditProblemReason;
  /** The chain: `user:<id>`, `workspace:<id>` or `system`; null for the global state. */
  chain: string | null;
  /** The entry (or first entry of a range) concerned, when there is one. */
  seq?: number;
  /** Last sequence number of a range (missing entries). */
  toSeq?: number;
  /** Row id of the entry, when it exists. */
  id?: string;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries checked. */
  checked: number;
  chains: number;
  /** Every problem found, in chain order. Empty when `ok`. */
  problems: AuditProblem[];
  /** Entries checked only by their SHA-256 links (written before MACs; forgeable by a database writer before the upgrade). */
  legacyEntries: number;
  /** The checkpoint's time, when one was given and is authentic. */
  checkpointAt?: string;
}

/**
 * A sealed snapshot of every chain head, for storage outside the database. Verify against it
 * finds any history rewritten behind it: chains gone or shorter, or different at the positions it records.
 */
export interface AuditCheckpoint {
  format: 'byok-audit-checkpoint/v1';
  createdAt: string;
  /** Fingerprint of the master key whose audit key sealed it. */
  keyId: string;
  chains: number;
  heads: Array<{ chain: string; seq: number; hash: string }>;
  mac: string;
}
