import { describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/backends.js';
import { useMigrated } from '../../test/database.js';
import type { Database } from '../store/types.js';
import { acquireLease, acquireLeaseIfFree, leaseHolder, newHolderId, releaseLease } from './lease.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(databaseBackends)('database lease on $name', (backend) => {
  let db: Database;
  useMigrated(backend, (opened) => {
    db = opened;
  });

  it('is held by one holder at a time, renewed by its holder, taken over once it expires', async () => {
    const [a, b] = [newHolderId(), newHolderId()];
    expect(a).not.toBe(b);
    expect(await acquireLease(db, 'test:expiry', a, 400)).toBe(true);
    expect(await acquireLease(db, 'test:expiry', b, 400)).toBe(false);
    expect(await acquireLease(db, 'test:expiry', a, 400)).toBe(true);
    expect(await leaseHolder(db, 'test:expiry')).toBe(a);
    await sleep(450);
    expect(await leaseHolder(db, 'test:expiry')).toBeNull();
    expect(await acquireLease(db, 'test:expiry', b, 400)).toBe(true);
    expect(await acquireLease(db, 'test:expiry', a, 400)).toBe(false);
  });

  it('is handed back at once by release, and only by its holder', async () => {
    const [a, b] = [newHolderId(), newHolderId()];
    expect(await acquireLease(db, 'test:release', a, 60_000)).toBe(true);
    await releaseLease(db, 'test:release', b);
    expect(await acquireLease(db, 'test:release', b, 60_000)).toBe(false);
    await releaseLease(db, 'test:release', a);
    expect(await acquireLease(db, 'test:release', b, 60_000)).toBe(true);
  });

  it('is taken only when free by acquireLeaseIfFree, never renewed, and once by racers', async () => {
    expect(await acquireLeaseIfFree(db, 'test:if-free', 300)).toBe(true);
    expect(await acquireLeaseIfFree(db, 'test:if-free', 300)).toBe(false);
    const holder = await leaseHolder(db, 'test:if-free');
    expect(holder).not.toBeNull();
    expect(await acquireLease(db, 'test:if-free', holder as string, 300)).toBe(true);
    await sleep(350);
    const won = await Promise.all(
      Array.from({ length: 6 }, () => acquireLeaseIfFree(db, 'test:if-free', 60_000)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('goes to exactly one of many instances racing for it', async () => {
    const holders = Array.from({ length: 8 }, () => newHolderId());
    const won = await Promise.all(holders.map((holder) => acquireLease(db, 'test:race', holder, 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await leaseHolder(db, 'test:race')).toBe(holders[won.indexOf(true)]);
  });
});
