export { AccessCounter } from './access-counter.js';
export {
  type ActorInput,
  type AuditActor,
  type AuditActorType,
  actorLabel,
  defaultActor,
  toAuditActor,
} from './actor.js';
export type { AuditKeySource } from './audit-keys.js';
export { AuditLog, type AuditLogOptions } from './audit-log.js';
export { canonicalJson } from './canonical-json.js';
export type {
  AuditAction,
  AuditCheckpoint,
  AuditEntry,
  AuditEntryInput,
  AuditProblem,
  AuditProblemReason,
  AuditVerification,
  ChainVerification,
  RequestContext,
} from './types.js';
