import { afterAll, beforeAll } from 'vitest';
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

/**
 * Registers a suite's hooks: `openManager(backend, options)` for the whole suite (handed to `use`,
 * with its database client), closed after it.
 */
export function useManager(
  backend: DatabaseBackend,
  use: (opened: { manager: BYOKManager; client: unknown }) => void,
  options: Omit<BYOKManagerOptions, 'database'> = {},
): void {
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const opened = await openManager(backend, options);
    close = opened.close;
    use(opened);
  });
  afterAll(() => close());
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
