/**
 * `GET|PUT /api/fallback-chains/:provider`, `GET|POST /api/alerts`, `DELETE /api/alerts/:id` and
 * `POST /api/alerts/:id/rotate-secret`.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyAlertWebhook } from '@stack-2025/byok-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpFixture,
  expectError,
  type HttpFixture,
  openaiKey,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

let fx: HttpFixture;
beforeAll(async () => {
  fx = await createHttpFixture({ rateLimit: { writesPerMinute: 100_000 } });
});
afterAll(async () => {
  await fx.close();
});

async function user() {
  const id = uid();
  const token = await tokenFor(id);
  const keys: string[] = [];
  for (const alias of ['primary', 'backup']) {
    const res = await fx.call('POST', '/api/keys', {
      token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() }, alias },
    });
    keys.push(res.json.key.id);
  }
  return { id, token, keys: keys as [string, string] };
}

async function teamOf(owner: Awaited<ReturnType<typeof user>>, member: { id: string }, role = 'member') {
  const ws = await fx.call('POST', '/api/workspaces', { token: owner.token, body: { name: 'Team' } });
  const workspaceId = ws.json.workspace.id as string;
  await fx.call('POST', `/api/workspaces/${workspaceId}/members`, {
    token: owner.token,
    body: { userId: member.id, role },
  });
  const key = await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers`, {
    token: owner.token,
    body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
  });
  return { workspaceId, keyId: key.json.key.id as string };
}

const chainRows = async () =>
  Number(
    (await fx.system.database.db.query<{ n: string }>('SELECT count(*)::text AS n FROM byok.fallback_chains'))
      .rows[0]?.n,
  );

describe('GET /api/fallback-chains/:provider.happy', () => {
  it('answers the defaults (configured false) before anything is saved', async () => {
    const alice = await user();
    const res = await fx.call('GET', '/api/fallback-chains/openai', { token: alice.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.chain).toMatchObject({
      owner: { type: 'user', id: alice.id },
      provider: 'openai',
      environment: 'production',
      primaryKeyId: null,
      fallbackSequence: [],
      configured: false,
      updatedAt: null,
    });
  });
});

describe('PUT /api/fallback-chains/:provider.happy', () => {
  it('saves a chain of the caller’s keys and reads it back; the facade serves the primary', async () => {
    const alice = await user();
    const [primary, backup] = alice.keys;
    const res = await fx.call('PUT', '/api/fallback-chains/openai?environment=production', {
      token: alice.token,
      body: { primaryKeyId: backup, fallbackSequence: [primary], maxRetries: 2, retryDelayMs: 10 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.chain).toMatchObject({
      primaryKeyId: backup,
      fallbackSequence: [primary],
      useSystemFallback: false,
      maxRetries: 2,
      retryDelayMs: 10,
      configured: true,
    });
    const read = await fx.call('GET', '/api/fallback-chains/openai', { token: alice.token });
    expect(read.json.chain).toEqual(res.json.chain);
    const picked = await fx.system.fallback.getKeyWithFallback(alice.id, 'openai', 'production');
    expect(picked.keyId).toBe(backup);
    const [entry] = await fx.system.audit.list({ owner: { type: 'user', id: alice.id }, limit: 1 });
    expect(entry).toMatchObject({ action: 'fallback.configured', actor: { type: 'user', id: alice.id } });
  });

  it('saves a workspace chain for admins; members read it', async () => {
    const owner = await user();
    const member = await user();
    const { workspaceId, keyId } = await teamOf(owner, member);
    const saved = await fx.call('PUT', `/api/fallback-chains/openai?workspaceId=${workspaceId}`, {
      token: owner.token,
      body: { primaryKeyId: keyId },
    });
    expect(saved.status, saved.text).toBe(200);
    const read = await fx.call('GET', `/api/fallback-chains/openai?workspaceId=${workspaceId}`, {
      token: member.token,
    });
    expect(read.json.chain).toMatchObject({
      owner: { type: 'workspace', id: workspaceId },
      primaryKeyId: keyId,
    });
  });
});

describe('PUT /api/fallback-chains/:provider.error', () => {
  it.each([
    ['a repeated key', (k: string[]) => ({ primaryKeyId: k[0], fallbackSequence: [k[0]] }), 'INVALID_INPUT'],
    ['too many retries', () => ({ maxRetries: 11 }), 'INVALID_INPUT'],
    ['an unknown field', () => ({ keys: [] }), 'INVALID_INPUT'],
    ['a key of another environment', (k: string[]) => ({ primaryKeyId: k[0] }), 'INVALID_INPUT'],
  ])('refuses %s with 400 and saves nothing', async (name, body, code) => {
    const alice = await user();
    const before = await chainRows();
    const env = name === 'a key of another environment' ? '?environment=staging' : '';
    expectError(
      await fx.call('PUT', `/api/fallback-chains/openai${env}`, {
        token: alice.token,
        body: body(alice.keys),
      }),
      400,
      code,
    );
    expect(await chainRows()).toBe(before);
  });

  it('refuses an unknown provider or environment', async () => {
    const alice = await user();
    expectError(
      await fx.call('GET', '/api/fallback-chains/acme', { token: alice.token }),
      400,
      'UNKNOWN_PROVIDER',
    );
    expectError(
      await fx.call('GET', '/api/fallback-chains/openai?environment=qa', { token: alice.token }),
      400,
      'INVALID_INPUT',
    );
  });

  it('answers 403 to a member changing a workspace chain', async () => {
    const owner = await user();
    const member = await user();
    const { workspaceId, keyId } = await teamOf(owner, member);
    expectError(
      await fx.call('PUT', `/api/fallback-chains/openai?workspaceId=${workspaceId}`, {
        token: member.token,
        body: { primaryKeyId: keyId },
      }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('PUT /api/fallback-chains/:provider.security', () => {
  it('answers another user’s key id exactly like a missing one, and saves nothing', async () => {
    const alice = await user();
    const mallory = await user();
    const before = await chainRows();
    const theirs = await fx.call('PUT', '/api/fallback-chains/openai', {
      token: mallory.token,
      body: { primaryKeyId: alice.keys[0] },
    });
    const missing = await fx.call('PUT', '/api/fallback-chains/openai', {
      token: mallory.token,
      body: { primaryKeyId: 'key_missing00000' },
    });
    expectError(theirs, 404, 'KEY_NOT_FOUND');
    expect(theirs.json.error.message.replace(alice.keys[0], 'K')).toBe(
      missing.json.error.message.replace('key_missing00000', 'K'),
    );
    expect(await chainRows()).toBe(before);
  });

  it('answers a non-member like a missing workspace', async () => {
    const owner = await user();
    const { workspaceId } = await teamOf(owner, await user());
    const mallory = await user();
    expectError(
      await fx.call('GET', `/api/fallback-chains/openai?workspaceId=${workspaceId}`, {
        token: mallory.token,
      }),
      404,
      'NOT_FOUND',
    );
  });
});

const webhookAlert = (extra: Record<string, unknown> = {}) => ({
  alertType: 'cost',
  thresholdValue: 100,
  thresholdPeriod: 'monthly',
  notificationChannels: ['webhook'],
  webhookUrl: 'https://hooks.example.com/byok?token=abc',
  ...extra,
});

describe('POST /api/alerts.happy', () => {
  it('creates an alert for the caller, lists it, deletes it', async () => {
    const alice = await user();
    const created = await fx.call('POST', '/api/alerts', { token: alice.token, body: webhookAlert() });
    expect(created.status, created.text).toBe(201);
    expect(created.json.alert).toMatchObject({
      id: expect.stringMatching(/^alert_/),
      owner: { type: 'user', id: alice.id },
      alertType: 'cost',
      thresholdValue: 100,
      thresholdPeriod: 'monthly',
      notificationChannels: ['webhook'],
      webhookUrl: 'https://hooks.example.com/byok?token=abc',
      lastFiredAt: null,
    });
    const list = await fx.call('GET', '/api/alerts', { token: alice.token });
    expect(list.json.alerts.map((a: { id: string }) => a.id)).toEqual([created.json.alert.id]);
    const removed = await fx.call('DELETE', `/api/alerts/${created.json.alert.id}`, { token: alice.token });
    expect(removed.status).toBe(204);
    expect((await fx.call('GET', '/api/alerts', { token: alice.token })).json.alerts).toEqual([]);
  });

  it('manages a workspace’s alerts for its admins', async () => {
    const owner = await user();
    const admin = await user();
    const { workspaceId } = await teamOf(owner, admin, 'admin');
    const created = await fx.call('POST', `/api/alerts?workspaceId=${workspaceId}`, {
      token: admin.token,
      body: webhookAlert({ alertType: 'requests', thresholdValue: 1000, thresholdPeriod: 'daily' }),
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.alert.owner).toEqual({ type: 'workspace', id: workspaceId });
    const list = await fx.call('GET', `/api/alerts?workspaceId=${workspaceId}`, { token: owner.token });
    expect(list.json.alerts).toHaveLength(1);
  });
});

describe('POST /api/alerts.unconfigured', () => {
  it("accepts e-mail and webhook channels with nothing configured, addressed to the token's email claim, and says what is missing", async () => {
    const id = uid();
    const token = await tokenFor(id, { extra: { email: `${id}@claims.byok.test` } });
    const res = await fx.call('POST', '/api/alerts', {
      token,
      body: {
        alertType: 'cost',
        thresholdValue: 100,
        thresholdPeriod: 'monthly',
        notificationChannels: ['email', 'webhook'],
      },
    });
    expect(res.status).toBe(201);
    const alert = res.json.alert as {
      email: string | null;
      channelProblems: string[];
      undeliveredNotifications: number;
    };
    expect(alert.email).toBe(`${id}@claims.byok.test`);
    expect(alert.undeliveredNotifications).toBe(0);
    expect(alert.channelProblems.map((problem) => problem.split(':')[0]).sort()).toEqual(
      expect.arrayContaining(['webhook']),
    );
    const list = await fx.call('GET', '/api/alerts', { token });
    expect(list.json.alerts).toHaveLength(1);
  });
});

describe('POST /api/alerts.error', () => {
  it.each([
    ['an ftp webhook', webhookAlert({ webhookUrl: 'ftp://example.com/x' })],
    ['a javascript: webhook', webhookAlert({ webhookUrl: 'javascript:alert(1)' })],
    ['a webhook on localhost', webhookAlert({ webhookUrl: 'http://localhost:8080/hook' })],
    ['a webhook on a private address', webhookAlert({ webhookUrl: 'http://10.1.2.3/hook' })],
    ['a webhook on the metadata address', webhookAlert({ webhookUrl: 'http://169.254.169.254/latest' })],
    ['a webhook on ::1', webhookAlert({ webhookUrl: 'http://[::1]:3000/' })],
    ['a zero threshold', webhookAlert({ thresholdValue: 0 })],
    ['an unknown period', webhookAlert({ thresholdPeriod: 'hourly' })],
    ['no channel', webhookAlert({ notificationChannels: [] })],
    ['an owner field', webhookAlert({ userId: 'someone' })],
  ])('refuses %s with 400', async (_name, body) => {
    const alice = await user();
    expectError(await fx.call('POST', '/api/alerts', { token: alice.token, body }), 400, 'INVALID_INPUT');
    expect((await fx.call('GET', '/api/alerts', { token: alice.token })).json.alerts).toEqual([]);
  });

  it('accepts private webhook hosts when the server allows them (development)', async () => {
    const dev = await createHttpFixture({ alerts: { allowPrivateWebhookHosts: true } });
    try {
      const res = await dev.call('POST', '/api/alerts', {
        token: await tokenFor(uid()),
        body: webhookAlert({ webhookUrl: 'http://127.0.0.1:9/hook' }),
      });
      expect(res.status, res.text).toBe(201);
    } finally {
      await dev.close();
    }
  });

  it('answers 403 to a member managing a workspace’s alerts', async () => {
    const owner = await user();
    const member = await user();
    const { workspaceId } = await teamOf(owner, member);
    expectError(
      await fx.call('POST', `/api/alerts?workspaceId=${workspaceId}`, {
        token: member.token,
        body: webhookAlert(),
      }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await fx.call('GET', `/api/alerts?workspaceId=${workspaceId}`, { token: member.token }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('DELETE /api/alerts/:id.security', () => {
  it('answers another user’s alert exactly like a missing one, and keeps it', async () => {
    const alice = await user();
    const mallory = await user();
    const created = await fx.call('POST', '/api/alerts', { token: alice.token, body: webhookAlert() });
    const id = created.json.alert.id;
    const theirs = await fx.call('DELETE', `/api/alerts/${id}`, { token: mallory.token });
    const missing = await fx.call('DELETE', '/api/alerts/alert_missing0000', { token: mallory.token });
    expectError(theirs, 404, 'NOT_FOUND');
    expect(theirs.json.error.message.replace(id, 'A')).toBe(
      missing.json.error.message.replace('alert_missing0000', 'A'),
    );
    expect((await fx.call('GET', '/api/alerts', { token: alice.token })).json.alerts).toHaveLength(1);
    expect((await fx.call('GET', '/api/alerts', { token: mallory.token })).json.alerts).toEqual([]);
  });

  it('keeps webhook URLs out of the audit log', async () => {
    const alice = await user();
    await fx.call('POST', '/api/alerts', { token: alice.token, body: webhookAlert() });
    const entries = await fx.system.audit.list({ owner: { type: 'user', id: alice.id } });
    expect(JSON.stringify(entries)).not.toContain('hooks.example.com');
  });
});

describe('POST /api/alerts/:id/rotate-secret.happy', () => {
  it('returns the signing secret once, signs a real delivery with it, shows the delivery in the list, and rotates it', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const dev = await createHttpFixture({
      alerts: { allowPrivateWebhookHosts: true },
      systemOptions: { alerts: { allowPrivateWebhookHosts: true } },
    });
    try {
      const id = uid();
      const token = await tokenFor(id);
      const { port } = receiver.address() as AddressInfo;
      const created = await dev.call('POST', '/api/alerts', {
        token,
        body: webhookAlert({
          alertType: 'requests',
          thresholdValue: 1,
          webhookUrl: `http://127.0.0.1:${port}/hook`,
        }),
      });
      expect(created.status, created.text).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      const secret = created.json.signingSecret as string;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(created.json.alert).toMatchObject({ hasSigningSecret: true, lastDelivery: null });
      const alertId = created.json.alert.id as string;

      await dev.system.manager.recordUsage({ userId: id, provider: 'openai', inputTokens: 1 });
      await dev.system.manager.context.alerts.drain();
      expect(received).toHaveLength(1);
      const first = received[0] as (typeof received)[number];
      expect(verifyAlertWebhook(secret, first.headers, first.body)).toBe(true);
      expect(verifyAlertWebhook(secret, first.headers, first.body.replace('"requests"', '"tokens"'))).toBe(
        false,
      );

      const list = await dev.call('GET', '/api/alerts', { token });
      expect(list.json.alerts[0]).toMatchObject({
        id: alertId,
        undeliveredNotifications: 0,
        lastDelivery: { channel: 'webhook', status: 'delivered', statusCode: 204, errorCode: null },
      });
      expect(list.text).not.toContain(secret.slice(6));

      const rotated = await dev.call('POST', `/api/alerts/${alertId}/rotate-secret`, { token });
      expect(rotated.status, rotated.text).toBe(200);
      const next = rotated.json.signingSecret as string;
      expect(next).toMatch(/^whsec_/);
      expect(next).not.toBe(secret);
      expect(rotated.json.alert.signingSecretRotatedAt).toEqual(expect.any(String));

      // A notice to the owner's alerts goes out after the rotation: the old secret no longer verifies it.
      const owner = { type: 'user' as const, id };
      const alerts = dev.system.manager.context.alerts;
      const ids = await dev.system.manager.context.db.transaction((tx) =>
        alerts.enqueueNotice(tx, owner, {
          type: 'key_compromise.notice',
          id: 'inc_e2e',
          incident: { id: 'inc_e2e', startedAt: new Date().toISOString(), reason: 'e2e' },
          owner,
          keys: [],
        }),
      );
      alerts.deliver(ids);
      await alerts.drain();
      const second = received[1] as (typeof received)[number];
      expect(verifyAlertWebhook(next, second.headers, second.body)).toBe(true);
      expect(verifyAlertWebhook(secret, second.headers, second.body)).toBe(false);

      const logs = dev.logs.join('');
      const audit = JSON.stringify(await dev.system.audit.list({ owner }));
      expect(audit).toContain('alert.signing_secret_rotated');
      for (const value of [secret, next]) {
        expect(logs).not.toContain(value.slice(6));
        expect(audit).not.toContain(value.slice(6));
      }
    } finally {
      await dev.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('POST /api/alerts/:id/rotate-secret.security', () => {
  it('answers another user’s alert exactly like a missing one, and leaves its secret alone', async () => {
    const alice = await user();
    const mallory = await user();
    const created = await fx.call('POST', '/api/alerts', { token: alice.token, body: webhookAlert() });
    const id = created.json.alert.id;
    const theirs = await fx.call('POST', `/api/alerts/${id}/rotate-secret`, { token: mallory.token });
    const missing = await fx.call('POST', '/api/alerts/alert_missing0000/rotate-secret', {
      token: mallory.token,
    });
    expectError(theirs, 404, 'NOT_FOUND');
    expect(theirs.json.error.message.replace(id, 'A')).toBe(
      missing.json.error.message.replace('alert_missing0000', 'A'),
    );
    const [alert] = (await fx.call('GET', '/api/alerts', { token: alice.token })).json.alerts;
    expect(alert.signingSecretRotatedAt).toBeNull();
    expectError(await fx.call('POST', `/api/alerts/${id}/rotate-secret`), 401, 'UNAUTHENTICATED');
  });
});
