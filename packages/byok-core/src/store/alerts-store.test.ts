import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import { openMigrated } from '../../test/database.js';
import type { Owner } from '../crypto/index.js';
import { newId } from '../ids/index.js';
import { type AlertsStore, createAlertsStore, type NewAlert, type StoredAttempt } from './alerts-store.js';
import type { Database } from './types.js';

const userOwner = (): Owner => ({ type: 'user', id: uniqueId() });

function newAlert(owner: Owner, overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    id: newId('alert'),
    owner,
    alertType: 'requests',
    thresholdValue: 10,
    thresholdPeriod: 'daily',
    notificationChannels: ['webhook', 'email'],
    webhookUrl: 'https://hooks.example.test/a',
    email: null,
    signingSecret: 'ck1:sealed',
    ...overrides,
  };
}

const attempt = (n: number, ok: boolean, at: string, statusCode?: number): StoredAttempt => ({
  attempt: n,
  at,
  ok,
  durationMs: 3,
  ...(statusCode !== undefined ? { statusCode } : {}),
  ...(ok ? {} : { error: `HTTP ${statusCode}` }),
});

describe.each(databaseBackends)('alerts store conformance on $name', (backend) => {
  let close: () => Promise<void>;
  let db: Database;
  let store: AlertsStore;

  beforeAll(async () => {
    ({ db, close } = await openMigrated(backend));
    store = createAlertsStore(db);
  });
  afterAll(async () => {
    await close();
  });

  it('inserts, counts and lists an owner’s alerts, oldest first', async () => {
    const owner = userOwner();
    const a = await db.transaction((tx) => store.insert(tx, newAlert(owner)));
    const b = await db.transaction((tx) =>
      store.insert(tx, newAlert(owner, { alertType: 'cost', thresholdValue: 2.5, signingSecret: null })),
    );
    expect(a).toMatchObject({
      owner,
      alertType: 'requests',
      thresholdValue: 10,
      notificationChannels: ['webhook', 'email'],
      signingSecret: 'ck1:sealed',
      signingSecretRotatedAt: null,
      lastFiredPeriod: null,
    });
    expect(a.createdAt).toBeInstanceOf(Date);
    expect(await store.countByOwner(db, owner)).toBe(2);
    const listed = await store.listByOwner(owner);
    expect(listed.map((l) => l.alert.id)).toEqual([a.id, b.id]);
    expect(listed[1]?.alert.thresholdValue).toBe(2.5);
    expect(listed.map((l) => l.delivery)).toEqual([
      { undelivered: 0, last: null },
      { undelivered: 0, last: null },
    ]);
    expect((await db.transaction((tx) => store.listByOwnerIn(tx, owner))).map((x) => x.id)).toEqual([
      a.id,
      b.id,
    ]);
  });

  it('applies the owner filter on every by-id read and write', async () => {
    const owner = userOwner();
    const stranger = userOwner();
    const sameIdOtherType: Owner = { type: 'workspace', id: owner.id };
    const alert = await db.transaction((tx) => store.insert(tx, newAlert(owner)));
    const notificationId = await db.transaction((tx) =>
      store.enqueue(tx, {
        alertId: alert.id,
        owner,
        channel: 'webhook',
        destination: 'https://hooks.example.test/a',
        period: '2026-11-30',
        payload: { id: 'p' },
        status: 'pending',
        lastError: null,
      }),
    );
    for (const other of [stranger, sameIdOtherType]) {
      expect(await store.findById(alert.id, other)).toBeNull();
      expect(await store.signingSecretOf(alert.id, other)).toBeUndefined();
      expect(
        await db.transaction((tx) => store.setSigningSecret(tx, alert.id, other, 'ck1:x', new Date())),
      ).toBe(false);
      await db.transaction((tx) => store.markFired(tx, alert.id, other, '2026-11-30', new Date()));
      await store.recordAttempt(
        { id: notificationId as string, owner: other },
        {
          attempt: attempt(1, true, new Date().toISOString(), 200),
          status: 'delivered',
          error: null,
          leaseMs: 1000,
        },
      );
      expect(await db.transaction((tx) => store.deleteById(tx, alert.id, other))).toBeNull();
      expect(await store.listByOwner(other)).toEqual([]);
      expect(await store.listNotifications(other, 10)).toEqual([]);
    }
    // Nothing the strangers did changed the row.
    const found = await store.findById(alert.id, owner);
    expect(found).toMatchObject({ signingSecret: 'ck1:sealed', lastFiredPeriod: null });
    expect((await store.listNotifications(owner, 10))[0]).toMatchObject({ status: 'pending', attempts: 0 });

    // The owner can.
    const at = new Date('2026-11-30T01:02:03Z');
    expect(await db.transaction((tx) => store.setSigningSecret(tx, alert.id, owner, 'ck1:new', at))).toBe(
      true,
    );
    expect(await store.signingSecretOf(alert.id, owner)).toBe('ck1:new');
    expect((await store.findById(alert.id, owner))?.signingSecretRotatedAt?.toISOString()).toBe(
      at.toISOString(),
    );
    await db.transaction((tx) => store.markFired(tx, alert.id, owner, '2026-11-30', at));
    expect(await store.findById(alert.id, owner)).toMatchObject({ lastFiredPeriod: '2026-11-30' });
    expect((await db.transaction((tx) => store.deleteById(tx, alert.id, owner)))?.id).toBe(alert.id);
    expect(await store.findById(alert.id, owner)).toBeNull();
  });

  it('locks only alerts not fired in their current period', async () => {
    const owner = userOwner();
    const daily = await db.transaction((tx) => store.insert(tx, newAlert(owner)));
    const monthly = await db.transaction((tx) =>
      store.insert(tx, newAlert(owner, { thresholdPeriod: 'monthly' })),
    );
    await db.transaction((tx) => store.markFired(tx, daily.id, owner, '2026-11-30', new Date()));
    await db.transaction((tx) => store.markFired(tx, monthly.id, owner, '2026-10', new Date()));
    const periods = { daily: '2026-11-30', weekly: '2026-W49', monthly: '2026-11' };
    const locked = await db.transaction((tx) => store.lockUnfired(tx, owner, periods));
    expect(locked.map((a) => a.id)).toEqual([monthly.id]);
    const nextDay = await db.transaction((tx) =>
      store.lockUnfired(tx, owner, { ...periods, daily: '2026-12-01', monthly: '2026-12' }),
    );
    expect(nextDay.map((a) => a.id).sort()).toEqual([daily.id, monthly.id].sort());
  });

  it('enqueues once per (alert, period, channel), claims, records attempts and summarises the last delivery', async () => {
    const owner = userOwner();
    const alert = await db.transaction((tx) => store.insert(tx, newAlert(owner)));
    const row = {
      alertId: alert.id,
      owner,
      channel: 'webhook' as const,
      destination: 'https://hooks.example.test/a',
      period: '2026-11',
      payload: { id: `${alert.id}:2026-11`, n: 1 },
      status: 'pending' as const,
      lastError: null,
    };
    const id = await db.transaction((tx) => store.enqueue(tx, row));
    expect(id).toMatch(/^\d+$/);
    expect(await db.transaction((tx) => store.enqueue(tx, row))).toBeNull();
    const waitingId = await db.transaction((tx) =>
      store.enqueue(tx, {
        ...row,
        channel: 'email',
        destination: null,
        status: 'waiting',
        lastError: 'no email destination is configured',
      }),
    );
    expect((await store.listByOwner(owner))[0]?.delivery).toEqual({ undelivered: 2, last: null });

    const claimed = await store.claimByIds([id as string], 60_000);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ id, status: 'sending', payload: row.payload, owner });
    expect(await store.claimByIds([id as string], 60_000)).toEqual([]);

    const first = attempt(1, false, '2026-11-30T01:00:00.000Z', 503);
    await store.recordAttempt(claimed[0] as never, {
      attempt: first,
      status: 'sending',
      error: 'HTTP 503',
      leaseMs: 60_000,
    });
    let summary = (await store.listByOwner(owner))[0]?.delivery;
    expect(summary).toEqual({
      undelivered: 2,
      last: { notificationId: id, channel: 'webhook', status: 'sending', attempt: first },
    });
    const second = attempt(2, true, '2026-11-30T01:00:05.000Z', 200);
    await store.recordAttempt(claimed[0] as never, {
      attempt: second,
      status: 'delivered',
      error: null,
      leaseMs: 60_000,
    });
    summary = (await store.listByOwner(owner))[0]?.delivery;
    expect(summary).toEqual({
      undelivered: 1,
      last: { notificationId: id, channel: 'webhook', status: 'delivered', attempt: second },
    });
    const [record] = (await store.listNotifications(owner, 10)).filter((n) => n.id === id);
    expect(record).toMatchObject({
      status: 'delivered',
      attempts: 2,
      attemptLog: [first, second],
      lastError: null,
    });
    expect(record?.deliveredAt).toBeInstanceOf(Date);

    // A waiting row is released once its channel has a destination.
    expect(await store.countWaiting()).toBeGreaterThanOrEqual(1);
    expect(await store.releaseWaiting('email', null)).not.toContain(waitingId);
    expect(await store.releaseWaiting('email', 'ops@example.test')).toContain(waitingId);
    const released = (await store.listNotifications(owner, 10)).find((n) => n.id === waitingId);
    expect(released).toMatchObject({ status: 'pending', destination: 'ops@example.test', lastError: null });
    expect((await store.claimDue(1000, 60_000)).map((n) => n.id)).toContain(waitingId);
  });

  it('sums an owner’s daily roll-ups over a period and reads the user’s address', async () => {
    const owner = userOwner();
    await db.query('INSERT INTO byok.users (id, email) VALUES ($1, $2)', [
      owner.id,
      `${owner.id}@example.test`,
    ]);
    expect(await store.userEmail(db, owner)).toBe(`${owner.id}@example.test`);
    expect(await store.userEmail(db, { type: 'workspace', id: owner.id })).toBeNull();
    expect(await store.periodTotals(db, owner, '2026-11-01', '2026-12-01')).toEqual({
      cost: 0,
      requests: 0,
      tokens: 0,
      errors: 0,
      unpriced: 0,
    });
  });
});
