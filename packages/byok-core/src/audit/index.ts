export { AccessCounter } from './access-counter.js';
export { AuditLog } from './audit-log.js';
export { canonicalJson } from './canonical-json.js';
export type { AuditAction, AuditEntry, AuditEntryInput, ChainVerification, RequestContext } from './types.js';
