import type { Owner } from '../crypto/index.js';

export type AuditAction =
  | 'key.created'
  | 'key.updated'
  | 'key.enabled'
  | 'key.disabled'
  | 'key.secret_replaced'
  | 'key.revoked'
  | 'key.deleted'
  | 'key.tested'
  | 'fallback.configured'
  | 'workspace.created'
  | 'workspace.member_added'
  | 'workspace.member_removed'
  | 'master_key.rotation_started'
  | 'master_key.rotation_completed'
  | 'alert.created'
  | 'alert.deleted'
  | 'migration.imported'
  | 'gateway_token.created'
  | 'gateway_token.updated'
  | 'gateway_token.revoked'
  | 'gateway_token.deleted';

/** Who asked and from where. Never holds a secret. */
export interface RequestContext {
  actor?: string;
  requestId?: string;
  ip?: string;
  userAgent?: string;
}

export interface AuditEntryInput {
  action: AuditAction;
  targetType: 'key' | 'workspace' | 'master_key' | 'fallback_chain' | 'alert' | 'owner' | 'gateway_token';
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
  actor: string;
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
