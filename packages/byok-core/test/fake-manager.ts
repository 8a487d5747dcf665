import type { PGlite } from '@electric-sql/pglite';
import { type BYOKSystem, type CreateBYOKOptions, createBYOKForStack2025 } from '../src/create-byok.js';
import { BYOKManager } from '../src/manager/byok-manager.js';
import type { BYOKManagerOptions } from '../src/manager/options.js';
import { createTestDatabase, type FakeProviders, startFakeProviders } from '../src/testing/index.js';
import { TEST_MASTER_KEY } from './backends.js';

/** The `providers` option that points every provider at `fake`'s server. */
const fakeProviderUrls = (fake: FakeProviders) =>
  Object.fromEntries(Object.entries(fake.baseUrls).map(([id, baseUrl]) => [id, { baseUrl }]));

/**
 * A fresh fake provider server and PGlite database, and what `open` builds on them (given the
 * database and the `providers` option that points at the fakes); `close` closes it, then both.
 */
async function onFakes<T extends { close(): Promise<void> }>(
  open: (db: PGlite, providers: ReturnType<typeof fakeProviderUrls>) => Promise<T>,
): Promise<{ fake: FakeProviders; db: PGlite; opened: T; close(): Promise<void> }> {
  const fake = await startFakeProviders();
  const db = await createTestDatabase();
  const opened = await open(db, fakeProviderUrls(fake));
  return {
    fake,
    db,
    opened,
    async close() {
      await opened.close();
      await db.close();
      await fake.close();
    },
  };
}

/**
 * A ready manager on a fresh PGlite database, every provider pointed at a fresh fake provider
 * server, with `TEST_MASTER_KEY` unless `options` say otherwise; `close` closes all three.
 */
export async function openFakeManager(
  options: Omit<BYOKManagerOptions, 'database' | 'providers'> = {},
): Promise<{ fake: FakeProviders; db: PGlite; manager: BYOKManager; close(): Promise<void> }> {
  const { opened: manager, ...rest } = await onFakes(async (db, providers) => {
    const manager = new BYOKManager({
      encryptionKey: TEST_MASTER_KEY,
      ...options,
      database: { client: db },
      providers,
    });
    await manager.ready();
    return manager;
  });
  return { ...rest, manager };
}

/**
 * `createBYOKForStack2025` on a fresh PGlite database, every provider pointed at a fresh fake
 * provider server, with `TEST_MASTER_KEY` unless `options` say otherwise; `close` closes all three.
 */
export async function openFakeSystem(
  options: Omit<CreateBYOKOptions, 'postgresClient' | 'providers'> = {},
): Promise<{ fake: FakeProviders; db: PGlite; system: BYOKSystem; close(): Promise<void> }> {
  const { opened: system, ...rest } = await onFakes((db, providers) =>
    createBYOKForStack2025({ encryptionKey: TEST_MASTER_KEY, ...options, postgresClient: db, providers }),
  );
  return { ...rest, system };
}
