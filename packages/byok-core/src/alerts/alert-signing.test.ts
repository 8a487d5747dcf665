import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookAlert } from '../../test/alerts.js';
import { capturingLogger, databaseBackends, TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { openMigrated } from '../../test/database.js';
import { codeOf } from '../../test/error-code.js';
import { type Received, startReceiver } from '../../test/webhook-receiver.js';
import { AuditLog } from '../audit/index.js';
import { EncryptionService, type Owner } from '../crypto/index.js';
import { DataKeyService } from '../keys/data-keys.js';
import { createAlertsStore } from '../store/alerts-store.js';
import type { Database } from '../store/types.js';
import { UsageService } from '../usage/index.js';
import { UsageWriter } from '../usage/usage-writer.js';
import {
  AlertService,
  type KeyCompromisePayload,
  SIGNATURE_HEADER,
  verifyAlertWebhook,
  verifyWebhookSignature,
} from './index.js';

const GLOBAL_SECRET = 'whsec-global-fallback-0123456789';

describe.each(databaseBackends)('signed alert webhooks on $name', (backend) => {
  let close: () => Promise<void>;
  let db: Database;
  let audit: AuditLog;
  let dataKeys: DataKeyService;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const captured = capturingLogger();
  const services: AlertService[] = [];

  function service(options: { withDataKeys?: boolean } = {}) {
    const alerts = new AlertService({
      db,
      audit,
      logger: captured.logger,
      ...(options.withDataKeys === false ? {} : { dataKeys }),
      webhook: { secret: GLOBAL_SECRET, allowPrivateHosts: true },
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    });
    services.push(alerts);
    return {
      alerts,
      usage: new UsageService({ db, writer: new UsageWriter({ db, logger: captured.logger, alerts }) }),
    };
  }

  /** Sends a key-compromise notice to every alert of the owner and waits for the deliveries. */
  async function notice(alerts: AlertService, owner: Owner): Promise<void> {
    const payload: KeyCompromisePayload = {
      type: 'key_compromise.notice',
      id: `inc_${uniqueId('n')}`,
      incident: { id: 'inc_test', startedAt: new Date().toISOString(), reason: 'test' },
      owner,
      keys: [],
    };
    const ids = await db.transaction((tx) => alerts.enqueueNotice(tx, owner, payload));
    alerts.deliver(ids);
    await alerts.drain();
  }

  const hooksFor = (marker: string) => receiver.received.filter((r) => r.path.includes(marker));

  beforeAll(async () => {
    ({ db, close } = await openMigrated(backend));
    const encryption = new EncryptionService({ encryptionKey: TEST_MASTER_KEY });
    await encryption.ready();
    dataKeys = new DataKeyService(db, encryption);
    audit = new AuditLog(db, { keys: encryption });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const alerts of services) await alerts.close();
    await receiver.close();
    await close();
  });

  it('signs a real delivery with the alert’s own secret: it verifies; a tampered body, a stale replay and a wrong secret do not', async () => {
    const { alerts, usage } = service();
    const userId = uniqueId();
    const created = await webhookAlert(alerts, userId, `${receiver.url}/ok/${userId}`);
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.hasSigningSecret).toBe(true);
    const secret = created.signingSecret as string;

    await usage.recordUsage({ userId, provider: 'openai', inputTokens: 1 });
    await alerts.drain();
    const [hook] = hooksFor(userId);
    expect(hook).toBeDefined();
    const { headers, body } = hook as Received;
    expect(headers[SIGNATURE_HEADER]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    expect(verifyAlertWebhook(secret, headers, body)).toBe(true);
    expect(verifyAlertWebhook(secret, headers, body.replace('"value":1', '"value":0'))).toBe(false);
    expect(verifyAlertWebhook(secret, headers, `${body} `)).toBe(false);
    // The same request replayed ten minutes later.
    expect(verifyAlertWebhook(secret, headers, body, { now: new Date(Date.now() + 600_000) })).toBe(false);
    expect(verifyAlertWebhook(GLOBAL_SECRET, headers, body)).toBe(false);
    const other = await alerts.createUsageAlert({
      userId: uniqueId(),
      alertType: 'cost',
      thresholdValue: 1,
      thresholdPeriod: 'daily',
      notificationChannels: ['webhook'],
    });
    expect(verifyAlertWebhook(other.signingSecret as string, headers, body)).toBe(false);

    // Receivers set up with the global secret keep verifying the legacy header pair.
    expect(
      verifyWebhookSignature({
        secret: GLOBAL_SECRET,
        timestamp: headers['x-byok-timestamp'] as string,
        signature: headers['x-byok-signature'] as string,
        body,
      }),
    ).toBe(true);

    // The list shows the delivery, never the secret.
    const [listed] = await alerts.listUsageAlerts(userId);
    expect(listed).toMatchObject({
      id: created.id,
      undeliveredNotifications: 0,
      hasSigningSecret: true,
      lastDelivery: { channel: 'webhook', status: 'delivered', statusCode: 204, errorCode: null },
    });
    expect(listed?.lastDelivery?.at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('rotation: deliveries after it verify with the new secret only', async () => {
    const { alerts } = service();
    const userId = uniqueId();
    const owner: Owner = { type: 'user', id: userId };
    const created = await webhookAlert(alerts, userId, `${receiver.url}/rot/${userId}`, {
      alertType: 'cost',
      thresholdValue: 1000,
      thresholdPeriod: 'monthly',
    });
    const oldSecret = created.signingSecret as string;
    await notice(alerts, owner);
    const before = hooksFor(userId)[0] as Received;
    expect(verifyAlertWebhook(oldSecret, before.headers, before.body)).toBe(true);

    const rotated = await alerts.rotateSigningSecret(created.id, { userId }, { actor: userId });
    expect(rotated.signingSecret).toMatch(/^whsec_/);
    expect(rotated.signingSecret).not.toBe(oldSecret);
    expect(rotated.alert.signingSecretRotatedAt).toBeInstanceOf(Date);

    await notice(alerts, owner);
    const after = hooksFor(userId)[1] as Received;
    expect(after).toBeDefined();
    expect(verifyAlertWebhook(rotated.signingSecret, after.headers, after.body)).toBe(true);
    expect(verifyAlertWebhook(oldSecret, after.headers, after.body)).toBe(false);

    // Another owner cannot rotate it, and cannot tell it exists.
    expect(await codeOf(alerts.rotateSigningSecret(created.id, uniqueId()))).toBe('NOT_FOUND');
    expect(await codeOf(alerts.rotateSigningSecret('alert_missing00000000000', userId))).toBe('NOT_FOUND');
    const entries = await audit.list({ owner, targetId: created.id });
    expect(entries.map((e) => e.action)).toEqual(['alert.signing_secret_rotated', 'alert.created']);
  });

  it('signs alerts that have no secret of their own (made before) with the global secret', async () => {
    const { alerts: legacy } = service({ withDataKeys: false });
    const { alerts } = service();
    const workspaceId = uniqueId('ws');
    const created = await legacy.createUsageAlert({
      workspaceId,
      alertType: 'tokens',
      thresholdValue: 1,
      thresholdPeriod: 'weekly',
      notificationChannels: ['webhook'],
      webhookUrl: `${receiver.url}/legacy/${workspaceId}`,
    });
    expect(created).toMatchObject({ signingSecret: null, hasSigningSecret: false });
    await notice(alerts, { type: 'workspace', id: workspaceId });
    const hook = hooksFor(workspaceId)[0] as Received;
    expect(verifyAlertWebhook(GLOBAL_SECRET, hook.headers, hook.body)).toBe(true);
  });

  it('reports a failed delivery as the alert’s last delivery, with its status code and error code', async () => {
    const { alerts } = service();
    const userId = uniqueId();
    await webhookAlert(alerts, userId, `${receiver.url}/fail/${userId}`, { thresholdValue: 5 });
    await notice(alerts, { type: 'user', id: userId });
    const [listed] = await alerts.listUsageAlerts(userId);
    expect(listed?.lastDelivery).toMatchObject({
      channel: 'webhook',
      status: 'failed',
      statusCode: 503,
      errorCode: 'HTTP_503',
    });
    expect(listed?.undeliveredNotifications).toBe(0);
    expect(hooksFor(userId)).toHaveLength(2);
  });

  it('lists an attempt that failed with a retry due as retrying, with the network error’s code', async () => {
    const { alerts } = service();
    const userId = uniqueId();
    const owner: Owner = { type: 'user', id: userId };
    const created = await webhookAlert(alerts, userId, 'https://hooks.example.test/retry', {
      thresholdValue: 5,
    });
    // A deliverer between two attempts: the first one failed to connect, the row is still claimed.
    const store = createAlertsStore(db);
    const id = await db.transaction((tx) =>
      store.enqueue(tx, {
        alertId: created.id,
        owner,
        channel: 'webhook',
        destination: 'https://hooks.example.test/retry',
        period: '2026-11-30',
        payload: { id: `${created.id}:2026-11-30` },
        status: 'pending',
        lastError: null,
      }),
    );
    const [claimed] = await store.claimByIds([id as string], 60_000);
    const at = new Date().toISOString();
    await store.recordAttempt(claimed as never, {
      attempt: { attempt: 1, at, ok: false, durationMs: 4, error: 'TypeError: fetch failed (ECONNREFUSED)' },
      status: 'sending',
      error: 'TypeError: fetch failed (ECONNREFUSED)',
      leaseMs: 60_000,
    });
    const [listed] = await alerts.listUsageAlerts(userId);
    expect(listed?.undeliveredNotifications).toBe(1);
    expect(listed?.lastDelivery).toEqual({
      at: new Date(at),
      channel: 'webhook',
      status: 'retrying',
      statusCode: null,
      errorCode: 'ECONNREFUSED',
    });
  });

  it('canary: a signing secret is never in the database in plaintext, a log line or the audit log; a sealed secret copied onto another alert does not open', async () => {
    const { alerts } = service();
    const userId = uniqueId();
    const created = await webhookAlert(alerts, userId, `${receiver.url}/canary/${userId}`);
    const rotated = await alerts.rotateSigningSecret(created.id, userId);
    const second = await webhookAlert(alerts, userId, `${receiver.url}/canary2/${userId}`, {
      alertType: 'cost',
    });
    await notice(alerts, { type: 'user', id: userId });
    expect(hooksFor(userId)).toHaveLength(2);

    const secrets = [created.signingSecret, rotated.signingSecret, second.signingSecret] as string[];
    const { rows: tables } = await db.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'byok' AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['usage_alerts', 'audit_log']));
    let dump = '';
    for (const { name } of tables) {
      const { rows } = await db.query<{ row: string }>(`SELECT t::text AS row FROM byok."${name}" t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    const logs = captured.lines.join('\n');
    for (const secret of secrets) {
      const body = secret.slice('whsec_'.length);
      expect(dump).not.toContain(body);
      expect(logs).not.toContain(body);
    }
    const { rows: sealed } = await db.query<{ id: string; signing_secret: string }>(
      'SELECT id, signing_secret FROM byok.usage_alerts WHERE owner_id = $1 ORDER BY created_at',
      [userId],
    );
    expect(sealed.every((r) => r.signing_secret.startsWith('ck1:'))).toBe(true);

    // The first alert's sealed secret pasted onto the second: its deliveries fail (never unsigned).
    await db.query('UPDATE byok.usage_alerts SET signing_secret = $1 WHERE id = $2', [
      sealed[0]?.signing_secret,
      second.id,
    ]);
    await notice(alerts, { type: 'user', id: userId });
    const records = await alerts.listNotifications(userId);
    const failed = records.find((r) => r.alertId === second.id && r.status === 'failed');
    expect(failed?.lastError).toBe('signing secret unavailable (DECRYPTION_FAILED)');
    expect(hooksFor(`canary2/${userId}`)).toHaveLength(1);
  });
});
