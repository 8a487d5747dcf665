import type { PGlite } from '@electric-sql/pglite';
import { BYOKManager } from '../src/manager/byok-manager.js';
import type { BYOKManagerOptions } from '../src/manager/options.js';
import { createTestDatabase, type FakeProviders, startFakeProviders } from '../src/testing/index.js';
import { TEST_MASTER_KEY } from './backends.js';

/**
 * A ready manager on a fresh PGlite database, every provider pointed at a fresh fake provider
 * server, with `TEST_MASTER_KEY` unless `options` say otherwise; `close` closes all three.
 */
export async function openFakeManager(
  options: Omit<BYOKManagerOptions, 'database' | 'providers'> = {},
): Promise<{ fake: FakeProviders; db: PGlite; manager: BYOKManager; close(): Promise<void> }> {
  const fake = await startFakeProviders();
  const db = await createTestDatabase();
  const manager = new BYOKManager({
    encryptionKey: TEST_MASTER_KEY,
    ...options,
    database: { client: db },
    providers: Object.fromEntries(Object.entries(fake.baseUrls).map(([id, baseUrl]) => [id, { baseUrl }])),
  });
  await manager.ready();
  return {
    fake,
    db,
    manager,
    async close() {
      await manager.close();
      await db.close();
      await fake.close();
    },
  };
}
