/**
 * The server's scheduled work: periodic key validation (the deployment guide's 15-minute health
 * service, under the core's lease), the daily audit retention purge (a 24-hour lease: one instance,
 * once a day), and the alert outbox sweep (pending or abandoned notifications go out).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger } from '@stack-2025/byok-core';
import { AuditLog } from '@stack-2025/byok-core/server';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/byok-server/src/config.js';
import { VALIDATION_INTERVAL_MS } from '../apps/byok-server/src/jobs.js';
import { type RunningServer, startServer } from '../apps/byok-server/src/server.js';
import { MASTER_KEY, openaiKey, tempDir, uid, waitFor } from '../apps/byok-server/test/helpers.js';
import { createScratchDatabase } from '../packages/byok-core/test/backends.js';

const quiet = createLogger({ level: 'silent' });

function config(env: Record<string, string | undefined>) {
  return loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      BYOK_ENCRYPTION_KEY: MASTER_KEY,
      ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
    } as NodeJS.ProcessEnv,
    { container: false },
  );
}

const count = async (server: RunningServer, sql: string, params: unknown[] = []) =>
  Number((await server.system.database.db.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

describe('background jobs on PGlite', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fake: FakeProviders;
  let server: RunningServer;
  let receiver: Server;
  let received: string[] = [];

  beforeAll(async () => {
    dir = await tempDir();
    fake = await startFakeProviders();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    server = await startServer(
      config({
        BYOK_DATA_DIR: join(dir.path, 'data'),
        BYOK_OPENAI_BASE_URL: fake.baseUrls.openai,
        BYOK_AUDIT_RETENTION_DAYS: '30',
        BYOK_USAGE_RETENTION_DAYS: '30',
        BYOK_VALIDATION_RETENTION_DAYS: '30',
      }),
      {
        logger: quiet,
        drainMs: 500,
        jobs: { validationIntervalMs: 300, firstRunDelayMs: 60_000 },
      },
    );
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await fake.close();
    await new Promise((r) => receiver.close(r));
    await dir.remove();
  });

  it('runs the guide’s 15-minute validation by default, under a lease released on shutdown', async () => {
    expect(VALIDATION_INTERVAL_MS).toBe(15 * 60_000);
    const keyId = await server.system.manager.addKey({
      userId: uid(),
      provider: 'openai',
      keyData: { apiKey: openaiKey() },
    });
    await waitFor(
      async () =>
        (await count(server, 'SELECT count(*)::text AS n FROM byok.key_validations WHERE key_id = $1', [
          keyId,
        ])) > 0,
      10_000,
      50,
    );
    expect(fake.requests.some((r) => r.provider === 'openai')).toBe(true);
    expect(
      await count(
        server,
        "SELECT count(*)::text AS n FROM byok.leases WHERE name = 'byok:periodic-validation'",
      ),
    ).toBe(1);
    const details = await server.system.manager.getKeyDetails(keyId);
    expect(details?.lastValidationStatus).toBe('valid');
  });

  it('purges expired audit entries once a day, whoever asks; the chain still verifies', async () => {
    // Entries written 400 days ago, sealed like any other (editing their date would break their
    // MAC, and the purge deletes only entries that verify).
    const userId = uid();
    const past = new AuditLog(server.system.database.db, {
      keys: server.system.encryption,
      clock: () => new Date(Date.now() - 400 * 86_400_000),
    });
    for (let i = 0; i < 2; i += 1) {
      await past.record({ action: 'key.updated', targetType: 'key', owner: { type: 'user', id: userId } });
    }
    await server.system.manager.addKey({ userId, provider: 'openai', keyData: { apiKey: openaiKey() } });
    const old = await count(
      server,
      "SELECT count(*)::text AS n FROM byok.audit_log WHERE created_at < now() - interval '30 days'",
    );
    expect(old).toBeGreaterThan(0);
    const removed = await server.jobs.purgeAuditIfDue();
    expect(removed).toBe(old);
    expect(await server.jobs.purgeAuditIfDue()).toBeNull();
    expect(
      await count(server, "SELECT count(*)::text AS n FROM byok.leases WHERE name = 'byok:audit-purge'"),
    ).toBe(1);
    expect((await server.system.audit.verifyChain()).ok).toBe(true);
  });

  it('purges raw usage and validations older than their retention once a day; analytics totals stay', async () => {
    const userId = uid();
    const day = 86_400_000;
    for (const daysAgo of [100, 45, 31, 2, 0]) {
      await server.system.manager.recordUsage({
        userId,
        provider: 'openai',
        model: 'gpt-6-luna',
        inputTokens: 1000 + daysAgo,
        outputTokens: 10,
        audioSeconds: 3,
        at: new Date(Date.now() - daysAgo * day - 60_000),
      });
    }
    const range = {
      from: new Date(Math.floor(Date.now() / day) * day - 120 * day),
      to: new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000),
    };
    const before = await server.system.manager.getAnalytics(userId, { timeRange: range, groupBy: 'week' });
    expect(before.totals).toMatchObject({ requests: 5, audioSeconds: 15 });
    const removed = await server.jobs.purgeUsageIfDue();
    expect(removed?.rawUsage).toBeGreaterThanOrEqual(3);
    expect(await server.jobs.purgeUsageIfDue()).toBeNull();
    expect(
      await count(server, "SELECT count(*)::text AS n FROM byok.leases WHERE name = 'byok:usage-purge'"),
    ).toBe(1);
    expect(
      await count(server, 'SELECT count(*)::text AS n FROM byok.key_usage WHERE owner_id = $1', [userId]),
    ).toBe(2);
    const after = await server.system.manager.getAnalytics(userId, { timeRange: range, groupBy: 'week' });
    expect(after.totals).toEqual(before.totals);
    expect(after.series).toEqual(before.series);
  });

  it('sweeps the alert outbox: a notification abandoned by a crashed deliverer goes out', async () => {
    expect(await server.jobs.sweepOutbox()).toBe(0);
    const userId = uid();
    const alert = await server.system.database.createUsageAlert({
      userId,
      alertType: 'requests',
      thresholdValue: 1,
      thresholdPeriod: 'daily',
      notificationChannels: ['webhook'],
      webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    });
    const payload = {
      type: 'usage_alert.fired',
      id: `${alert.id}:test`,
      alert: { id: alert.id, alertType: 'requests', thresholdValue: 1, thresholdPeriod: 'daily' },
      owner: { type: 'user', id: userId },
      period: { label: 'test', start: new Date().toISOString(), end: new Date().toISOString() },
      value: 5,
      unit: 'requests',
      unpricedRequests: 0,
      firedAt: new Date().toISOString(),
    };
    await server.system.database.db.query(
      `INSERT INTO byok.alert_notifications (alert_id, owner_type, owner_id, channel, destination, period, payload, status, locked_until)
       VALUES ($1, 'user', $2, 'webhook', $3, 'test', $4, 'sending', now() - interval '1 minute')`,
      [alert.id, userId, alert.webhookUrl, JSON.stringify(payload)],
    );
    received = [];
    expect(await server.jobs.sweepOutbox()).toBe(1);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0] as string)).toMatchObject({ id: `${alert.id}:test` });
    expect(
      await count(
        server,
        "SELECT count(*)::text AS n FROM byok.alert_notifications WHERE status = 'delivered'",
      ),
    ).toBe(1);
  });

  it('stops every job on shutdown and gives the validation lease back', async () => {
    await server.close();
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(join(dir.path, 'data', 'pglite'));
    try {
      const { rows } = await db.query<{ name: string }>('SELECT name FROM byok.leases ORDER BY name');
      // The validation lease is given back; the daily purges' leases say "ran today" and stay.
      expect(rows.map((r) => r.name)).toEqual(['byok:audit-purge', 'byok:usage-purge']);
    } finally {
      await db.close();
    }
  });
});

describe('background jobs switched off', () => {
  it('schedules no validation with BYOK_ENABLE_VALIDATION=false', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const server = await startServer(
      config({ BYOK_DATA_DIR: join(dir.path, 'data'), BYOK_ENABLE_VALIDATION: 'false' }),
      { logger: quiet, drainMs: 500, jobs: { validationIntervalMs: 100, firstRunDelayMs: 60_000 } },
    );
    try {
      await server.system.manager.addKey({
        userId: uid(),
        provider: 'openai',
        keyData: { apiKey: openaiKey() },
      });
      await new Promise((r) => setTimeout(r, 600));
      expect(await count(server, 'SELECT count(*)::text AS n FROM byok.key_validations')).toBe(0);
      expect(await count(server, 'SELECT count(*)::text AS n FROM byok.leases')).toBe(0);
    } finally {
      await server.close();
      await dir.remove();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('background jobs on PostgreSQL with two instances', () => {
  it('runs the daily purge on exactly one of two instances asking at once', { timeout: 90_000 }, async () => {
    const scratch = await createScratchDatabase();
    const dir = await tempDir();
    const env = {
      DATABASE_URL: scratch.url,
      BYOK_CONNECTION_POOL_SIZE: '3',
      BYOK_ENABLE_VALIDATION: 'false',
    };
    const options = { logger: quiet, drainMs: 500, jobs: { firstRunDelayMs: 60_000 } };
    const servers = [
      await startServer(config({ ...env, BYOK_DATA_DIR: join(dir.path, 'a') }), options),
      await startServer(config({ ...env, BYOK_DATA_DIR: join(dir.path, 'b') }), options),
    ];
    try {
      const results = await Promise.all(servers.map((s) => s.jobs.purgeAuditIfDue()));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await Promise.all(servers.map((s) => s.jobs.purgeAuditIfDue()))).toEqual([null, null]);
      const usagePurges = await Promise.all(servers.map((s) => s.jobs.purgeUsageIfDue()));
      expect(usagePurges.filter((r) => r !== null)).toHaveLength(1);
      expect(await Promise.all(servers.map((s) => s.jobs.purgeUsageIfDue()))).toEqual([null, null]);
      const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
      try {
        const { rows } = await pool.query("SELECT holder FROM byok.leases WHERE name = 'byok:audit-purge'");
        expect(rows).toHaveLength(1);
      } finally {
        await pool.end();
      }
    } finally {
      for (const s of servers) await s.close();
      await scratch.drop();
      await dir.remove();
    }
  });
});
