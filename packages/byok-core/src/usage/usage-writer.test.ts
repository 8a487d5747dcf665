import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, databaseBackends } from '../../test/backends.js';
import { AlertService } from '../alerts/index.js';
import { AuditLog } from '../audit/index.js';
import { isBYOKError } from '../errors/index.js';
import { toDatabase } from '../store/database.js';
import { DatabaseMigration } from '../store/migrator.js';
import type { Database } from '../store/types.js';
import { type UsageWriteEvent, UsageWriter } from './usage-writer.js';

const event = (ownerId: string, i: number, extra: Partial<UsageWriteEvent> = {}): UsageWriteEvent => ({
  keyId: null,
  owner: { type: 'user', id: ownerId },
  provider: 'openai',
  model: i % 2 === 0 ? 'gpt-6-luna' : 'gpt-6.1-sol',
  requests: 1,
  inputTokens: 10 + (i % 7),
  outputTokens: 3 + (i % 5),
  cachedTokens: i % 3,
  costUsd: 0.000001 * (1 + (i % 4)),
  priced: true,
  latencyMs: 12,
  ttfbMs: 4,
  statusCode: 200,
  success: i % 10 !== 0,
  at: new Date(),
  gatewayTokenId: 'gt_writer_test',
  ...extra,
});

describe.each(databaseBackends)('usage writer on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  let db: Database;
  let alerts: AlertService;

  beforeAll(async () => {
    opened = await backend.open();
    db = toDatabase(opened.client);
    await new DatabaseMigration(db).runMigrations();
    alerts = new AlertService({
      db,
      audit: new AuditLog(db, { retentionDays: 30 }),
      logger: capturingLogger().logger,
    });
  });
  afterAll(async () => {
    await alerts.close();
    await opened.close();
  });

  async function totals(ownerId: string) {
    const { rows } = await db.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM byok.key_usage WHERE owner_id = $1)::text AS raw,
              (SELECT coalesce(sum(input_tokens), 0) FROM byok.key_usage WHERE owner_id = $1)::text AS raw_input,
              (SELECT coalesce(sum(requests), 0) FROM byok.usage_daily WHERE owner_id = $1)::text AS daily,
              (SELECT coalesce(sum(errors), 0) FROM byok.usage_daily WHERE owner_id = $1)::text AS daily_errors,
              (SELECT coalesce(sum(input_tokens), 0) FROM byok.usage_daily WHERE owner_id = $1)::text AS daily_input`,
      [ownerId],
    );
    return rows[0] as Record<string, string>;
  }

  /** An alert on the owner: `requests` a day (by default never reached). */
  async function armAlert(ownerId: string, requests = 1_000_000) {
    await db.query(
      `INSERT INTO byok.usage_alerts (id, owner_type, owner_id, alert_type, threshold_value, threshold_period, notification_channels)
       VALUES ($1, 'user', $2, 'requests', $3, 'daily', '{}')`,
      [`alert_${ownerId}`, ownerId, requests],
    );
  }

  it('writes many events in few batches, roll-ups equal to the raw rows, nothing counted twice', async () => {
    const ownerId = `writer_${backend.name}_${Date.now()}`;
    const writer = new UsageWriter({ db, logger: capturingLogger().logger, alerts, maxBatch: 500 });
    const events = Array.from({ length: 2300 }, (_, i) => event(ownerId, i));
    for (const e of events) writer.enqueue(e);
    expect(writer.stats().queueDepth).toBe(2300);
    await writer.flush();
    const stats = writer.stats();
    expect(stats.committed).toBe(2300);
    expect(stats.queueDepth).toBe(0);
    expect(stats.batches).toBeLessThanOrEqual(6);
    const sum = await totals(ownerId);
    const input = events.reduce((s, e) => s + e.inputTokens, 0);
    expect(sum).toEqual({
      raw: '2300',
      raw_input: String(input),
      daily: '2300',
      daily_errors: String(events.filter((e) => !e.success).length),
      daily_input: String(input),
    });
    await writer.close();
  });

  it('close() writes what is queued (the SIGTERM path)', async () => {
    const ownerId = `writer_close_${backend.name}_${Date.now()}`;
    const writer = new UsageWriter({ db, logger: capturingLogger().logger, alerts, maxDelayMs: 60_000 });
    for (let i = 0; i < 37; i++) writer.enqueue(event(ownerId, i));
    expect((await totals(ownerId)).raw).toBe('0');
    await writer.close();
    expect((await totals(ownerId)).raw).toBe('37');
  });

  it('keeps the pending cost of a token until its batch commits', async () => {
    const ownerId = `writer_cost_${backend.name}_${Date.now()}`;
    const writer = new UsageWriter({ db, logger: capturingLogger().logger, alerts, maxDelayMs: 60_000 });
    writer.enqueue(event(ownerId, 0, { gatewayTokenId: 'gt_cost', costUsd: 0.25 }));
    writer.enqueue(event(ownerId, 1, { gatewayTokenId: 'gt_cost', costUsd: 0.5 }));
    expect(writer.pendingCost('gt_cost')).toBeCloseTo(0.75);
    await writer.flush();
    expect(writer.pendingCost('gt_cost')).toBe(0);
    expect(writer.committedCost('gt_cost')).toBeCloseTo(0.75);
    const { rows } = await db.query<{ cost_usd: string }>(
      "SELECT cost_usd::text FROM byok.gateway_token_spend WHERE token_id = 'gt_cost'",
    );
    expect(Number(rows[0]?.cost_usd)).toBeCloseTo(0.75);
    await writer.close();
  });

  it("checks the alerts of the batch's owners that have one, and fires them in the batch that crosses", async () => {
    const ownerId = `writer_alert_${backend.name}_${Date.now()}`;
    const quietId = `writer_quiet_${backend.name}_${Date.now()}`;
    await armAlert(ownerId, 3);
    const checked: string[] = [];
    const counting: typeof alerts = Object.create(alerts);
    counting.checkAlerts = (tx, owner, at) => {
      checked.push(owner.id);
      return alerts.checkAlerts(tx, owner, at);
    };
    const fired = async () =>
      (
        await db.query<{ period: string | null }>(
          'SELECT last_fired_period AS period FROM byok.usage_alerts WHERE owner_id = $1',
          [ownerId],
        )
      ).rows[0]?.period ?? null;
    const writer = new UsageWriter({
      db,
      logger: capturingLogger().logger,
      alerts: counting,
      maxDelayMs: 60_000,
    });
    writer.enqueue(event(ownerId, 1));
    writer.enqueue(event(quietId, 2));
    await writer.flush();
    expect(checked).toEqual([ownerId]);
    expect(await fired()).toBeNull();
    for (let i = 3; i < 7; i++) writer.enqueue(event(ownerId, i));
    await writer.flush();
    expect(await fired()).not.toBeNull();
    expect((await totals(ownerId)).raw).toBe('5');
    await writer.close();
  });

  it('retries a failed batch under the same id: a commit whose answer was lost is not written twice', async () => {
    const ownerId = `writer_retry_${backend.name}_${Date.now()}`;
    let calls = 0;
    // A database whose first COMMIT succeeds but whose answer is "lost" (the call throws after it).
    const flaky: Database = {
      ...db,
      transaction: async (fn) => {
        const result = await db.transaction(fn);
        calls += 1;
        if (calls === 1) throw new Error('connection lost after COMMIT');
        return result;
      },
    };
    const writer = new UsageWriter({ db: flaky, logger: capturingLogger().logger, alerts });
    for (let i = 0; i < 5; i++) writer.enqueue(event(ownerId, i));
    await writer.flush();
    expect(calls).toBe(2);
    expect(writer.stats().failures).toBe(1);
    expect((await totals(ownerId)).raw).toBe('5');
    await writer.close();
  });

  it('answers awaited usage its row ids, in the same batches as enqueued events', async () => {
    const ownerId = `writer_awaited_${backend.name}_${Date.now()}`;
    const writer = new UsageWriter({ db, logger: capturingLogger().logger, alerts, maxDelayMs: 60_000 });
    for (let i = 0; i < 20; i++) writer.enqueue(event(ownerId, i));
    const awaited = Array.from({ length: 30 }, (_, i) =>
      writer.write({
        key: undefined,
        complete: () => event(ownerId, i, { inputTokens: 5000 + i, gatewayTokenId: null }),
      }),
    );
    const ids = await Promise.all(awaited);
    expect(new Set(ids).size).toBe(30);
    const { rows } = await db.query<{ id: string; input_tokens: string }>(
      'SELECT id::text AS id, input_tokens::text FROM byok.key_usage WHERE id = ANY($1::bigint[])',
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r.input_tokens]));
    expect(ids.map((id) => byId.get(id))).toEqual(ids.map((_, i) => String(5000 + i)));
    expect(writer.stats()).toMatchObject({ committed: 50, queueDepth: 0 });
    expect(writer.stats().batches).toBeLessThanOrEqual(2);
    expect((await totals(ownerId)).raw).toBe('50');
    await writer.close();
  });

  it('rejects awaited usage when its batch fails (no retry, no hang) and retries only the enqueued events', async () => {
    const ownerId = `writer_down_${backend.name}_${Date.now()}`;
    let down = true;
    // A database that is unreachable until `down` turns false: the real wrapper maps the driver error.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const flaky: Database = {
      ...db,
      transaction: (fn) =>
        db.transaction(async (tx) => {
          if (down) throw refused;
          return fn(tx);
        }),
    };
    const writer = new UsageWriter({ db: flaky, logger: capturingLogger().logger, alerts });
    for (let i = 0; i < 4; i++) writer.enqueue(event(ownerId, i));
    const settled = await Promise.allSettled(
      Array.from({ length: 3 }, (_, i) =>
        writer.write({ key: undefined, complete: () => event(ownerId, i, { gatewayTokenId: null }) }),
      ),
    );
    expect(
      settled.map((s) => (s.status === 'rejected' && isBYOKError(s.reason) ? s.reason.code : s.status)),
    ).toEqual(['DATABASE_UNAVAILABLE', 'DATABASE_UNAVAILABLE', 'DATABASE_UNAVAILABLE']);
    expect(writer.stats().queueDepth).toBe(4);
    down = false;
    await writer.flush();
    expect(writer.stats()).toMatchObject({ queueDepth: 0, committed: 4 });
    expect((await totals(ownerId)).raw).toBe('4');
    await writer.close();
  });

  it('refuses the usage whose completion throws, alone', async () => {
    const ownerId = `writer_refuse_${backend.name}_${Date.now()}`;
    const writer = new UsageWriter({ db, logger: capturingLogger().logger, alerts });
    const settled = await Promise.allSettled(
      Array.from({ length: 9 }, (_, i) =>
        writer.write({
          key: undefined,
          complete: () => {
            if (i === 4) throw new Error('refused');
            return event(ownerId, i, { gatewayTokenId: null });
          },
        }),
      ),
    );
    expect(settled.map((s) => s.status)).toEqual([
      ...Array(4).fill('fulfilled'),
      'rejected',
      ...Array(4).fill('fulfilled'),
    ]);
    expect((await totals(ownerId)).raw).toBe('8');
    await writer.close();
  });

  it('lets events that came during a flush gather until their timer, but writes at once for a waiting caller', async () => {
    const ownerId = `writer_gather_${backend.name}_${Date.now()}`;
    let open!: () => void;
    let gate = Promise.resolve();
    const sizes: number[] = [];
    // A database whose transactions can be held (a slow commit); each batch is one transaction.
    const held: Database = {
      ...db,
      transaction: async (fn) => {
        await gate;
        return db.transaction(async (tx) => {
          const count = async () =>
            (
              await tx.query<{ n: number }>(
                'SELECT count(*)::int AS n FROM byok.key_usage WHERE owner_id = $1',
                [ownerId],
              )
            ).rows[0]?.n ?? 0;
          const before = await count();
          const result = await fn(tx);
          sizes.push((await count()) - before);
          return result;
        });
      },
    };
    const writer = new UsageWriter({ db: held, logger: capturingLogger().logger, alerts, maxDelayMs: 1000 });
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    writer.enqueue(event(ownerId, 0));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // its timer fired: the first batch is held
    for (let i = 1; i <= 5; i++) writer.enqueue(event(ownerId, i));
    open();
    const until = async (done: () => boolean) => {
      for (let waited = 0; !done() && waited < 5000; waited += 5)
        await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await until(() => sizes.length === 1);
    const firstDone = Date.now();
    await until(() => sizes.length === 2);
    // The five that came during the flush waited for their own timer (1 s) rather than go at once in a batch of their own.
    expect(sizes).toEqual([1, 5]);
    expect(Date.now() - firstDone).toBeGreaterThanOrEqual(700);
    // A caller waiting on its usage is written without waiting for a timer.
    writer.enqueue(event(ownerId, 6));
    const started = Date.now();
    await writer.write({ key: undefined, complete: () => event(ownerId, 7, { gatewayTokenId: null }) });
    expect(Date.now() - started).toBeLessThan(700);
    expect(sizes).toEqual([1, 5, 2]);
    await writer.close();
  });

  it('writes at once for flush() called as the previous flush resolves (not after the timer)', async () => {
    const ownerId = `writer_flush_${backend.name}_${Date.now()}`;
    const writer = new UsageWriter({ db, logger: capturingLogger().logger, alerts, maxDelayMs: 60_000 });
    const started = Date.now();
    // Each flush is called from the continuation of the one before, while that drain is still ending.
    for (let i = 0; i < 5; i++) {
      writer.enqueue(event(ownerId, i));
      await writer.flush();
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await totals(ownerId)).raw).toBe('5');
    await writer.close();
  });

  it('when full, drops the oldest queued usage, never one of the batch being written', async () => {
    const ownerId = `writer_full_${backend.name}_${Date.now()}`;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // A database that holds every transaction until the gate opens (a slow commit).
    const slow: Database = {
      ...db,
      transaction: async (fn) => {
        await gate;
        return db.transaction(fn);
      },
    };
    const writer = new UsageWriter({ db: slow, logger: capturingLogger().logger, alerts, maxQueue: 3 });
    const write = (i: number) =>
      writer.write({
        key: undefined,
        complete: () => event(ownerId, i, { inputTokens: 100 + i, gatewayTokenId: null }),
      });
    const first = write(0); // starts a batch of its own at once
    // The fourth finds the queue full; the refusal is awaited from the start (no unhandled rejection).
    const rest = Promise.allSettled([write(1), write(2), write(3)]);
    open();
    expect(await first).toMatch(/^\d+$/);
    const settled = await rest;
    expect(
      settled.map((s) => (s.status === 'rejected' && isBYOKError(s.reason) ? s.reason.code : s.status)),
    ).toEqual(['DATABASE_UNAVAILABLE', 'fulfilled', 'fulfilled']);
    const { rows } = await db.query<{ input_tokens: string }>(
      'SELECT input_tokens::text FROM byok.key_usage WHERE owner_id = $1 ORDER BY input_tokens',
      [ownerId],
    );
    expect(rows.map((r) => Number(r.input_tokens))).toEqual([100, 102, 103]);
    expect(writer.stats()).toMatchObject({ dropped: 1, committed: 3, queueDepth: 0 });
    await writer.close();
  });
});
