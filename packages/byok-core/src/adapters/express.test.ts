import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uniqueId } from '../../test/backends.js';
import { openFakeManager } from '../../test/fake-manager.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { FAKE_USAGE, type FakeProviders } from '../testing/index.js';
import { BYOKAIMiddleware } from './express.js';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('BYOKAIMiddleware (Express)', () => {
  let fake: FakeProviders;
  let db: PGlite;
  let manager: BYOKManager;
  let close: () => Promise<void>;
  let server: Server;
  let base: string;
  const alice = uniqueId('alice');
  const bob = uniqueId('bob');
  const carol = uniqueId('carol');

  const usageOf = async (userId: string) =>
    (
      await db.query<{ key_id: string | null; provider: string; input_tokens: number; success: boolean }>(
        'SELECT * FROM byok.key_usage WHERE owner_id = $1 ORDER BY id',
        [userId],
      )
    ).rows;

  const post = (path: string, user?: string, body: unknown = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(user ? { 'x-test-user': user } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    ({ fake, db, manager, close } = await openFakeManager());
    await manager.addKey({
      userId: alice,
      provider: 'openai',
      keyData: { apiKey: 'sk-proj-alice-express-01' },
    });
    await manager.addKey({
      userId: bob,
      provider: 'anthropic',
      keyData: { apiKey: 'sk-ant-api03-bob-express-02' },
    });

    const app = express();
    app.use(express.json());
    // Stands in for the app's session middleware (Passport sets req.user the same way).
    app.use((req, _res, next) => {
      const id = req.header('x-test-user');
      if (id) (req as unknown as { user: { id: string } }).user = { id };
      next();
    });
    const aiMiddleware = new BYOKAIMiddleware(manager);
    app.use('/api/ai', aiMiddleware.middleware);
    app.use('/api/ai', aiMiddleware.usageMiddleware);
    app.post('/api/ai/whoami', (req, res) => {
      res.json({
        byokEnabled: req.byokEnabled,
        userId: req.aiConfig?.userId ?? null,
        providers: Object.keys(req.aiConfig?.providers ?? {}),
        logged: JSON.stringify(req.aiConfig ?? null),
      });
    });
    app.post('/api/ai/chat', async (req, res) => {
      const config = req.aiConfig;
      const provider = config?.defaultProvider ? config.providers[config.defaultProvider] : undefined;
      if (!req.byokEnabled || !provider) {
        res.status(400).json({ error: 'BYOK not configured' });
        return;
      }
      const result = await provider.complete(String(req.body.message), { includeUsage: true });
      res.json({ response: result.text, keyId: result.keyId });
    });
    app.post('/api/ai/fail', (_req, res) => {
      res.status(502).json({ error: 'upstream' });
    });
    // Custom user lookup: a header the test controls (in an app: the session), not req.user.
    const custom = new BYOKAIMiddleware(manager, { getUserId: (req) => req.header('x-session-user') });
    app.post('/custom', custom.middleware, (req, res) => {
      res.json({ byokEnabled: req.byokEnabled, userId: req.aiConfig?.userId ?? null });
    });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await close();
  });

  beforeEach(() => fake.clear());

  it("gives each request its own user's config only, also when requests interleave", async () => {
    const answers = await Promise.all(
      [alice, bob, alice, bob, carol, undefined].map(
        async (user) => (await (await post('/api/ai/whoami', user)).json()) as { logged: string },
      ),
    );
    expect(answers).toEqual([
      expect.objectContaining({ byokEnabled: true, userId: alice, providers: ['openai'] }),
      expect.objectContaining({ byokEnabled: true, userId: bob, providers: ['anthropic'] }),
      expect.objectContaining({ byokEnabled: true, userId: alice, providers: ['openai'] }),
      expect.objectContaining({ byokEnabled: true, userId: bob, providers: ['anthropic'] }),
      // A user without keys, and a request without a user: disabled, no config.
      expect.objectContaining({ byokEnabled: false, userId: carol, providers: [] }),
      { byokEnabled: false, userId: null, providers: [], logged: 'null' },
    ]);
    for (const answer of answers) {
      expect(answer.logged).not.toContain('alice-express-01');
      expect(answer.logged).not.toContain('bob-express-02');
    }
  });

  it('calls the provider with the signed-in user key and counts the call once, with its tokens', async () => {
    // The two /whoami requests above were counted once each (after their responses finished).
    const before = (
      await until(
        () => usageOf(alice),
        (r) => r.length >= 2,
      )
    ).length;
    expect(before).toBe(2);
    const [forAlice, forBob] = await Promise.all([
      post('/api/ai/chat', alice, { message: 'Hi' }),
      post('/api/ai/chat', bob, { message: 'Hi' }),
    ]);
    expect(forAlice.status).toBe(200);
    expect(forBob.status).toBe(200);
    const byPath = Object.fromEntries(fake.requests.map((r) => [r.path, r.headers]));
    expect(byPath['/openai/chat/completions']?.authorization).toBe('Bearer sk-proj-alice-express-01');
    expect(byPath['/anthropic/v1/messages']?.['x-api-key']).toBe('sk-ant-api03-bob-express-02');
    expect((await post('/api/ai/chat', undefined, { message: 'Hi' })).status).toBe(400);

    // Let the usage middleware's finish handler run: it must add nothing to what complete recorded.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rows = (await usageOf(alice)).slice(before);
    expect(rows.map((r) => [r.provider, Number(r.input_tokens), r.success])).toEqual([
      ['openai', FAKE_USAGE.chat.promptTokens, true],
    ]);
  });

  it('records one request (success from the status) when the route did not call through the config', async () => {
    const user = uniqueId('dave');
    const keyId = await manager.addKey({
      userId: user,
      provider: 'openai',
      keyData: { apiKey: 'sk-proj-dave-03' },
    });
    expect((await post('/api/ai/whoami', user)).status).toBe(200);
    expect((await post('/api/ai/fail', user)).status).toBe(502);
    const rows = await until(
      () => usageOf(user),
      (r) => r.length >= 2,
    );
    expect(rows.map((r) => [r.key_id, r.provider, Number(r.input_tokens), r.success])).toEqual([
      [keyId, 'openai', 0, true],
      [keyId, 'openai', 0, false],
    ]);
    expect(fake.requests).toHaveLength(0);
  });

  it('uses getUserId when given, and never a user id from the request body', async () => {
    const body = { userId: alice, user: { id: alice } };
    expect(await (await post('/custom', undefined, body)).json()).toEqual({
      byokEnabled: false,
      userId: null,
    });
    const viaSession = await fetch(`${base}/custom`, { method: 'POST', headers: { 'x-session-user': bob } });
    expect(await viaSession.json()).toEqual({ byokEnabled: true, userId: bob });
  });
});
