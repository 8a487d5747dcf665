import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, databaseBackends, TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { openMigrated } from '../../test/database.js';
import { codeOf } from '../../test/error-code.js';
import { type Received, startReceiver } from '../../test/webhook-receiver.js';
import { AuditLog } from '../audit/index.js';
import { Keyring } from '../crypto/keyring.js';
import type { Database } from '../store/types.js';
import { UsageService } from '../usage/index.js';
import { UsageWriter } from '../usage/usage-writer.js';
import {
  type AlertNotificationPayload,
  AlertService,
  type AlertServiceOptions,
  alertPeriod,
  verifyWebhookSignature,
} from './index.js';

const SECRET = 'whsec-test-0123456789abcdef';

interface Mail {
  to: string[];
  from: string | undefined;
  raw: string;
}

/** A real SMTP server on 127.0.0.1 (no auth, no TLS) that keeps what it is sent. */
async function startSmtp(): Promise<{ url: string; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(databaseBackends)('usage alerts on $name', (backend) => {
  let close: () => Promise<void>;
  let db: Database;
  let audit: AuditLog;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const captured = capturingLogger();
  const services: AlertService[] = [];

  function makeServices(overrides: Partial<AlertServiceOptions> = {}) {
    const alerts = new AlertService({
      db,
      audit,
      logger: captured.logger,
      webhook: { secret: SECRET, defaultUrl: `${receiver.url}/ok`, allowPrivateHosts: true },
      email: { smtpUrl: smtp.url, from: 'alerts@byok.test', defaultTo: 'ops@byok.test' },
      retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
      ...overrides,
    });
    services.push(alerts);
    return {
      alerts,
      usage: new UsageService({ db, writer: new UsageWriter({ db, logger: captured.logger, alerts }) }),
    };
  }

  beforeAll(async () => {
    ({ db, close } = await openMigrated(backend));
    audit = new AuditLog(db, { keys: { keyring: await Keyring.create(TEST_MASTER_KEY) } });
    receiver = await startReceiver();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    for (const service of services) await service.close();
    await receiver.close();
    await smtp.close();
    await close();
  });

  it('fires exactly once per period when 40 concurrent writers cross the threshold: one signed webhook, one e-mail', async () => {
    const { alerts, usage } = makeServices();
    const userId = uniqueId();
    const alert = await alerts.createUsageAlert({
      userId,
      alertType: 'requests',
      thresholdValue: 20,
      thresholdPeriod: 'daily',
      notificationChannels: ['webhook', 'email'],
      webhookUrl: `${receiver.url}/ok?owner=${userId}`,
      email: `${userId}@byok.test`,
    });
    expect(alert.id).toMatch(/^alert_[0-9a-z]{20}$/);

    // Different models, so that writers do not queue on one roll-up row but race on the alert.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        usage.recordUsage({
          userId,
          provider: 'openai',
          model: `gpt-6-luna-${i % 5}`,
          inputTokens: 10,
          outputTokens: 1,
        }),
      ),
    );
    await alerts.drain();

    const hooks = receiver.received.filter((r) => r.path.includes(userId));
    expect(hooks).toHaveLength(1);
    const hook = hooks[0] as Received;
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.headers['x-byok-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        timestamp: hook.headers['x-byok-timestamp'] as string,
        signature: hook.headers['x-byok-signature'] as string,
        body: hook.body,
      }),
    ).toBe(true);
    expect(
      verifyWebhookSignature({
        secret: 'wrong',
        timestamp: hook.headers['x-byok-timestamp'] as string,
        signature: hook.headers['x-byok-signature'] as string,
        body: hook.body,
      }),
    ).toBe(false);
    const payload = JSON.parse(hook.body) as AlertNotificationPayload;
    const today = alertPeriod('daily', new Date()).label;
    expect(payload).toMatchObject({
      type: 'usage_alert.fired',
      id: `${alert.id}:${today}`,
      alert: { id: alert.id, alertType: 'requests', thresholdValue: 20, thresholdPeriod: 'daily' },
      owner: { type: 'user', id: userId },
      period: { label: today },
      unit: 'requests',
    });
    expect(payload.value).toBeGreaterThanOrEqual(20);
    expect(payload.value).toBeLessThanOrEqual(40);

    const mails = smtp.mails.filter((m) => m.to.includes(`${userId}@byok.test`));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.from).toBe('alerts@byok.test');
    expect(mails[0]?.raw).toMatch(/Subject: \[BYOK\] Usage alert: requests reached/);
    expect(mails[0]?.raw.toLowerCase()).toContain(`x-byok-event-id: ${alert.id}:${today}`);

    // One writer fired it (the outbox's unique key is only a backstop).
    expect(
      captured.lines.filter((l) => l.includes('usage alert fired') && l.includes(alert.id)),
    ).toHaveLength(1);
    const records = await alerts.listNotifications({ userId });
    expect(records.map((r) => [r.channel, r.status, r.attempts]).sort()).toEqual([
      ['email', 'delivered', 1],
      ['webhook', 'delivered', 1],
    ]);
    expect((await alerts.listUsageAlerts(userId))[0]).toMatchObject({ lastFiredPeriod: today });

    // More usage in the same period: no second notification.
    await Promise.all(
      Array.from({ length: 5 }, () => usage.recordUsage({ userId, provider: 'openai', inputTokens: 1 })),
    );
    await alerts.drain();
    expect(receiver.received.filter((r) => r.path.includes(userId))).toHaveLength(1);
    expect(smtp.mails.filter((m) => m.to.includes(`${userId}@byok.test`))).toHaveLength(1);
  });

  it('retries a failing webhook with backoff and delivers on the third attempt, logging each attempt without secrets', async () => {
    const { alerts, usage } = makeServices();
    const workspaceId = uniqueId('ws');
    const hookPath = `/flaky/${workspaceId}?token=sekret-token-in-url`;
    await alerts.createUsageAlert({
      workspaceId,
      alertType: 'cost',
      thresholdValue: 0.5,
      thresholdPeriod: 'monthly',
      notificationChannels: ['webhook'],
      webhookUrl: `${receiver.url}${hookPath}`,
    });
    await usage.recordUsage({
      workspaceId,
      provider: 'openai',
      model: 'gpt-6-astra',
      inputTokens: 10_000,
      outputTokens: 1_000,
    });
    await usage.recordUsage({
      workspaceId,
      provider: 'openai',
      model: 'gpt-6-astra',
      inputTokens: 30_000,
      outputTokens: 5_000,
    });
    await alerts.drain();

    const hits = receiver.received.filter((r) => r.path === hookPath);
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((h) => h.body)).size).toBe(1);
    const [record] = await alerts.listNotifications({ workspaceId });
    expect(record).toMatchObject({ channel: 'webhook', status: 'delivered', attempts: 3, lastError: null });
    expect(record?.attemptLog.map((a) => [a.attempt, a.ok, a.statusCode])).toEqual([
      [1, false, 503],
      [2, false, 503],
      [3, true, 200],
    ]);
    expect(record?.payload).toMatchObject({ unit: 'USD', value: 0.7 });

    const lines = captured.lines.filter((line) => line.includes(`"notificationId":"${record?.id}"`));
    expect(lines.filter((l) => l.includes('will retry'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('delivered'))).toHaveLength(1);
    const all = captured.lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('sekret-token-in-url');
  });

  it('gives up at once on a permanent failure and records why', async () => {
    const { alerts, usage } = makeServices();
    const userId = uniqueId();
    await alerts.createUsageAlert({
      userId,
      alertType: 'errors',
      thresholdValue: 1,
      thresholdPeriod: 'weekly',
      notificationChannels: ['webhook'],
      webhookUrl: `${receiver.url}/gone/${userId}`,
    });
    await usage.recordUsage({ userId, provider: 'anthropic', success: false });
    await alerts.drain();
    const [record] = await alerts.listNotifications(userId);
    expect(record).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 404' });
    expect(record?.period).toBe(alertPeriod('weekly', new Date()).label);
  });

  it('delivers what a crashed instance left in the outbox', async () => {
    const { alerts } = makeServices();
    const userId = uniqueId();
    await alerts.createUsageAlert({
      userId,
      alertType: 'tokens',
      thresholdValue: 100,
      thresholdPeriod: 'daily',
      notificationChannels: ['webhook'],
      webhookUrl: `${receiver.url}/ok/${userId}`,
    });
    // The usage commits with its outbox row, then the process "dies" before delivering.
    const crashed = new UsageService({
      db,
      writer: new UsageWriter({
        db,
        logger: captured.logger,
        alerts: { checkAlerts: alerts.checkAlerts.bind(alerts), deliver: () => undefined },
      }),
    });
    await crashed.recordUsage({ userId, provider: 'gemini', inputTokens: 90, outputTokens: 20 });
    expect((await alerts.listNotifications(userId))[0]?.status).toBe('pending');
    expect(await alerts.processOutbox()).toBeGreaterThanOrEqual(1);
    expect((await alerts.listNotifications(userId))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.received.filter((r) => r.path === `/ok/${userId}`)).toHaveLength(1);
  });

  it('runs the spec sample, audits create and delete, and keeps owners apart', async () => {
    const { alerts } = makeServices();
    const byokSystem = { database: { createUsageAlert: alerts.createUsageAlert.bind(alerts) } };

    // Create usage alert
    const created = await byokSystem.database.createUsageAlert({
      userId: 'user_123',
      alertType: 'cost',
      thresholdValue: 100, // $100
      thresholdPeriod: 'monthly',
      notificationChannels: ['email', 'webhook'],
    });

    expect(created).toMatchObject({
      userId: 'user_123',
      alertType: 'cost',
      thresholdValue: 100,
      thresholdPeriod: 'monthly',
      notificationChannels: ['email', 'webhook'],
      webhookUrl: null,
      email: null,
      lastFiredPeriod: null,
    });
    expect((await alerts.listUsageAlerts('user_123')).map((a) => a.id)).toEqual([created.id]);
    expect(await alerts.listUsageAlerts({ userId: 'user_456' })).toEqual([]);
    expect(await codeOf(alerts.deleteUsageAlert(created.id, 'user_456'))).toBe('NOT_FOUND');
    await alerts.deleteUsageAlert(created.id, { userId: 'user_123' }, { actor: 'user_123' });
    expect(await alerts.listUsageAlerts('user_123')).toEqual([]);
    expect(await codeOf(alerts.deleteUsageAlert(created.id, 'user_123'))).toBe('NOT_FOUND');

    const entries = await audit.list({ owner: { type: 'user', id: 'user_123' }, targetId: created.id });
    expect(entries.map((e) => e.action)).toEqual(['alert.deleted', 'alert.created']);
    expect(entries[1]?.details).toEqual({
      alertType: 'cost',
      thresholdValue: 100,
      thresholdPeriod: 'monthly',
      notificationChannels: ['email', 'webhook'],
    });
    expect(entries[0]?.actor).toEqual({ type: 'user', id: 'user_123' });
    expect((await audit.verifyChain()).ok).toBe(true);
  });

  it('accepts alerts whose channels are not configured yet, keeps their notifications waiting, and sends them once configured', async () => {
    const bare = new AlertService({ db, audit, logger: captured.logger });
    services.push(bare);
    const userId = uniqueId();
    await db.query('INSERT INTO byok.users (id, email) VALUES ($1, $2)', [
      userId,
      `${userId}@users.byok.test`,
    ]);
    const created = await bare.createUsageAlert({
      userId,
      alertType: 'requests',
      thresholdValue: 1,
      thresholdPeriod: 'daily',
      notificationChannels: ['email', 'webhook'],
    });
    expect(created.channelProblems).toEqual([
      'email: no SMTP server is configured (BYOK_SMTP_URL)',
      'webhook: no URL (the alert has no webhookUrl and BYOK_ALERT_WEBHOOK_URL is not set)',
    ]);
    const usage = new UsageService({
      db,
      writer: new UsageWriter({ db, logger: captured.logger, alerts: bare }),
    });
    await usage.recordUsage({ userId, provider: 'openai', inputTokens: 1 });
    await bare.drain();
    expect((await bare.listNotifications({ userId })).map((r) => [r.channel, r.status]).sort()).toEqual([
      ['email', 'waiting'],
      ['webhook', 'waiting'],
    ]);
    expect((await bare.listUsageAlerts(userId))[0]).toMatchObject({ undeliveredNotifications: 2 });
    expect(await bare.processOutbox()).toBe(0);

    // Configured now (a restart with SMTP and a default webhook URL): the waiting ones go out, to
    // the address on the user record and the default URL.
    const { alerts } = makeServices({ email: { smtpUrl: smtp.url, from: 'alerts@byok.test' } });
    expect((await alerts.listUsageAlerts(userId))[0]?.channelProblems).toEqual([]);
    expect(await alerts.processOutbox()).toBeGreaterThanOrEqual(2);
    expect(smtp.mails.filter((m) => m.to.includes(`${userId}@users.byok.test`))).toHaveLength(1);
    expect(receiver.received.filter((r) => r.path === '/ok' && r.body.includes(userId))).toHaveLength(1);
    expect((await alerts.listNotifications({ userId })).map((r) => r.status)).toEqual([
      'delivered',
      'delivered',
    ]);
    expect((await alerts.listUsageAlerts(userId))[0]).toMatchObject({ undeliveredNotifications: 0 });
  });

  it('refuses alerts that make no sense', async () => {
    const base = {
      userId: uniqueId(),
      alertType: 'cost',
      thresholdValue: 5,
      thresholdPeriod: 'daily',
    } as const;
    const { alerts } = makeServices();
    for (const bad of [
      { ...base, notificationChannels: [] },
      { ...base, notificationChannels: ['webhook', 'webhook'] },
      { ...base, notificationChannels: ['sms'] },
      { ...base, notificationChannels: ['webhook'], webhookUrl: 'ftp://example.test/x' },
      { ...base, notificationChannels: ['email'], email: 'not-an-address' },
      { ...base, thresholdValue: 0, notificationChannels: ['webhook'] },
      { ...base, thresholdPeriod: 'hourly', notificationChannels: ['webhook'] },
      { ...base, userId: undefined, notificationChannels: ['webhook'] },
      { ...base, notificationChannels: ['webhook'], extra: true },
    ]) {
      expect(await codeOf(alerts.createUsageAlert(bad as never)), JSON.stringify(bad)).toBe('INVALID_INPUT');
    }
    expect(await alerts.listUsageAlerts(base.userId)).toEqual([]);
  });
});
