import { BYOKManager } from '../src/manager/byok-manager.js';
import type { BYOKManagerOptions } from '../src/manager/options.js';
import { capturingLogger, type DatabaseBackend, TEST_MASTER_KEY } from './backends.js';

/**
 * A ready manager on a fresh connection to `backend`, with `TEST_MASTER_KEY` and a capturing
 * logger unless `options` say otherwise; `close` closes the manager, then the database.
 */
export async function openManager(
  backend: DatabaseBackend,
  options: Omit<BYOKManagerOptions, 'database'> = {},
): Promise<{ manager: BYOKManager; client: unknown; close(): Promise<void> }> {
  const opened = await backend.open();
  const manager = new BYOKManager({
    encryptionKey: TEST_MASTER_KEY,
    logger: capturingLogger().logger,
    ...options,
    database: { client: opened.client },
  });
  await manager.ready();
  return {
    manager,
    client: opened.client,
    async close() {
      await manager.close();
      await opened.close();
    },
  };
}

/** What a validator or fallback manager built beside `manager` needs: its services (of its debug view, say). */
export function serviceDeps(manager: BYOKManager) {
  return {
    db: manager.context.db,
    keys: manager.keys,
    audit: manager.context.audit,
    cache: manager.context.cache,
    logger: manager.context.logger,
    options: manager.context.options,
    ready: () => manager.ready(),
  };
}
