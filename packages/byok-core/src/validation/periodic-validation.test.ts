import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capturingLogger, databaseBackends, TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { serviceDeps } from '../../test/manager.js';
import { BYOKManager } from '../manager/byok-manager.js';
import { type FakeProviders, startFakeProviders } from '../testing/fake-providers.js';
import { KeyValidator } from './key-validator.js';

const INTERVAL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.close());
beforeEach(() => fake.clear());

/**
 * Two instances (two managers, two validators) on one database, as two servers would be. On
 * PGlite they share the one embedded connection; on PostgreSQL each has its own pool.
 */
describe.each(databaseBackends)('periodic validation with two instances on $name', (backend) => {
  let close: () => Promise<void>;
  let secondPool: pg.Pool | undefined;
  const managers: BYOKManager[] = [];
  const validators: KeyValidator[] = [];

  beforeAll(async () => {
    const opened = await backend.open();
    close = opened.close;
    secondPool = opened.url ? new pg.Pool({ connectionString: opened.url, max: 4 }) : undefined;
    secondPool?.on('error', () => undefined);
    const clients = [opened.client, secondPool ?? opened.client];
    for (const client of clients) {
      const manager = new BYOKManager({
        encryptionKey: TEST_MASTER_KEY,
        database: { client },
        logger: capturingLogger().logger,
        providers: { openai: { baseUrl: fake.baseUrls.openai } },
        validation: { timeout: 1000 },
      });
      await manager.ready();
      managers.push(manager);
      validators.push(new KeyValidator(serviceDeps(manager)));
    }
  });
  afterAll(async () => {
    for (const validator of validators) await validator.close();
    for (const manager of managers) await manager.close();
    await secondPool?.end();
    await close();
  });

  const db = () => managers[0]!.context.db;
  const countValidations = async (keyIds: string[]) =>
    Number(
      (
        await db().query<{ n: string }>(
          'SELECT count(*) AS n FROM byok.key_validations WHERE key_id = ANY($1::text[])',
          [keyIds],
        )
      ).rows[0]?.n,
    );
  /** Keys nobody validated yet; earlier tests' keys are marked fresh so that they are not due. */
  async function freshKeys(n: number): Promise<string[]> {
    await db().query("UPDATE byok.keys SET last_validated_at = now() + interval '1 hour'");
    const userId = uniqueId();
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const apiKey = `sk-test-ok-${uniqueId('k')}-${'a1'.repeat(12)}`;
      ids.push(await managers[0]!.addKey({ userId, provider: 'openai', keyData: { apiKey } }));
    }
    fake.clear();
    return ids;
  }

  it('runs once per interval, not once per instance', async () => {
    const keyIds = await freshKeys(3);
    const [a, b] = await Promise.all(validators.map((v) => v.schedulePeriodicValidation(INTERVAL_MS)));
    await sleep(INTERVAL_MS * 5 + INTERVAL_MS / 2);
    await Promise.all([a!.stop(), b!.stop()]);
    const runs = a!.runs + b!.runs;
    // Ticks at 250 … 1250 ms (a busy machine may skip some while a round still runs); one
    // instance holds the lease and keeps renewing it, the other never runs.
    expect(Math.min(a!.runs, b!.runs)).toBe(0);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(6);
    // At most one validation per key and round (a round that follows a late one finds nothing due).
    const rows = await countValidations(keyIds);
    expect(rows).toBeGreaterThanOrEqual(keyIds.length);
    expect(rows).toBeLessThanOrEqual(runs * keyIds.length);
    expect(fake.requests).toHaveLength(rows);
    // Never twice within an interval: consecutive validations of a key are an interval apart
    // (at least the half interval that makes a key due, less clock slack).
    const { rows: times } = await db().query<{ key_id: string; created_at: Date | string }>(
      'SELECT key_id, created_at FROM byok.key_validations WHERE key_id = ANY($1::text[]) ORDER BY key_id, created_at',
      [keyIds],
    );
    for (const keyId of keyIds) {
      const at = times.filter((t) => t.key_id === keyId).map((t) => new Date(t.created_at).getTime());
      for (let i = 1; i < at.length; i += 1)
        expect(at[i]! - at[i - 1]!).toBeGreaterThan(INTERVAL_MS / 2 - 50);
    }
  });

  it('hands over: another instance runs once the holder stops (or its lease expires)', async () => {
    const keyIds = await freshKeys(2);
    const [a, b] = await Promise.all(validators.map((v) => v.schedulePeriodicValidation(60_000)));
    const first = await a!.runOnce();
    expect(first).toMatchObject({ validated: 2, valid: 2, failed: 0, errors: 0, leaseLost: false });
    expect(await b!.runOnce()).toBeNull();
    // Nothing is due again within half an interval.
    expect(await a!.runOnce()).toMatchObject({ validated: 0 });
    await a!.stop();
    await db().query(
      "UPDATE byok.keys SET last_validated_at = now() - interval '1 hour' WHERE id = ANY($1::text[])",
      [keyIds],
    );
    expect(await b!.runOnce()).toMatchObject({ validated: 2 });
    await b!.stop();
    expect(await countValidations(keyIds)).toBe(4);
  });

  it('leaves invalid, disabled and cooling-down keys alone; revalidates keys refused during a call', async () => {
    const [fine, invalid, disabled, cooling, refused] = await freshKeys(5);
    await db().query("UPDATE byok.keys SET status = 'invalid' WHERE id = $1", [invalid]);
    await db().query("UPDATE byok.keys SET status = 'disabled' WHERE id = $1", [disabled]);
    await db().query("UPDATE byok.keys SET cooldown_until = now() + interval '1 hour' WHERE id = $1", [
      cooling,
    ]);
    await db().query(
      "UPDATE byok.keys SET cooldown_until = now() + interval '1 hour', last_validation_status = 'invalid_key' WHERE id = $1",
      [refused],
    );
    const schedule = await validators[0]!.schedulePeriodicValidation(60_000);
    const report = await schedule.runOnce();
    await schedule.stop();
    expect(report?.validated).toBe(2);
    const { rows } = await db().query<{ key_id: string }>(
      'SELECT key_id FROM byok.key_validations WHERE key_id = ANY($1::text[]) ORDER BY key_id',
      [[fine, invalid, disabled, cooling, refused]],
    );
    expect(rows.map((r) => r.key_id).sort()).toEqual([fine, refused].sort());
  });

  it('never runs when validation is disabled, and refuses a silly interval', async () => {
    const off = new KeyValidator({
      db: db(),
      keys: managers[0]!.keys,
      audit: managers[0]!.context.audit,
      cache: managers[0]!.context.cache,
      logger: managers[0]!.context.logger,
      options: { validation: { enabled: false } },
    });
    const schedule = await off.schedulePeriodicValidation(INTERVAL_MS, { runImmediately: true });
    expect(await schedule.runOnce()).toBeNull();
    await schedule.stop();
    await expect(validators[0]!.schedulePeriodicValidation(0)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
