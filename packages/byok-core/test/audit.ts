import { beforeEach } from 'vitest';
import type { BYOKManager } from '../src/manager/byok-manager.js';
import { toDatabase } from '../src/store/database.js';
import type { SqlClient } from '../src/store/types.js';
import type { DatabaseBackend } from './backends.js';
import { useManager } from './manager.js';

/** Empties the audit log, its chain heads and its state. */
export async function emptyAuditLog(db: SqlClient): Promise<void> {
  await db.query('TRUNCATE byok.audit_log, byok.audit_chain_heads, byok.audit_state');
}

/**
 * Registers an audit suite's hooks on `backend`: a manager open for the whole suite (handed to
 * `use`, with its database client), closed after it, and an empty audit log before each test.
 */
export function auditSuiteHooks(
  backend: DatabaseBackend,
  use: (opened: { manager: BYOKManager; client: unknown }) => void,
): void {
  let client: unknown;
  useManager(backend, (opened) => {
    client = opened.client;
    use(opened);
  });
  beforeEach(() => emptyAuditLog(toDatabase(client)));
}
