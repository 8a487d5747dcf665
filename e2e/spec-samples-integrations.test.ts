/*
 * The implementation guide's samples "Provider Integration" (AI, Deepgram, telephony),
 * "Middleware Integration" (Express, tRPC, Next.js App Router) and "Integration Tests", as written
 * with only values changed (and the types strict tsc asks for: a cast or `!`, erased at run time),
 * against the local fake providers (base URLs from BYOK_<P>_BASE_URL) and a real PostgreSQL when
 * TEST_DATABASE_URL is set (in-memory PGlite otherwise).
 *
 * Lines replaced, each marked where it stands:
 * - `import { AIRouter } from '@stack-2025/ai-general-core'` and `import { DeepgramVoiceAgent } from
 *   '@stack-2025/deepgram-agent-core'`: those packages do not exist; tiny local stand-ins take the config.
 * - Next.js: `import { NextRequest } from 'next/server'` (Next is not installed; a NextRequest is a
 *   Request) and `import { byokManager } from '@/lib/byok'` (the app's own module: here the test's manager).
 * Code the samples assume around them (a JSON body parser, the app's session, `processWithAI`,
 * tRPC's `Context`) is added next to them, marked as such.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AddKeyInput,
  type BYOKAIConfig,
  BYOKAIMiddleware,
  type BYOKManager,
  type BYOKSystem,
  type BYOKVoiceAgentConfig,
  createBYOKAIIntegration,
  createBYOKDeepgramIntegration,
  createBYOKForStack2025,
  createBYOKTelephonyIntegration,
  EncryptionService,
  Environment,
  ProviderType,
} from '@stack-2025/byok-core';
import { FAKE_USAGE, type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { byokMiddleware } from '@stack-2025/byok-core/trpc';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tokenFor } from '../apps/byok-server/test/helpers.js';
import { databaseBackends, uniqueId } from '../packages/byok-core/test/backends.js';
import { usageRowsOf } from '../packages/byok-core/test/usage-rows.js';

// Stands in for `import { AIRouter } from '@stack-2025/ai-general-core'` (written before the package existed;
// e2e/spec-samples-verbatim.test.ts runs the real one):
// a stand-in that takes the config and chats through its default provider.
class AIRouter {
  constructor(readonly config: BYOKAIConfig) {}
  chat(message: string) {
    const provider = this.config.defaultProvider
      ? this.config.providers[this.config.defaultProvider]
      : undefined;
    if (!provider) throw new Error('no provider');
    return provider.complete(message, { includeUsage: true });
  }
}

// Stands in for `import { DeepgramVoiceAgent } from '@stack-2025/deepgram-agent-core'` (see above):
// a stand-in that takes the config and transcribes with it.
class DeepgramVoiceAgent {
  constructor(readonly config: BYOKVoiceAgentConfig) {}
  transcribe(url: string) {
    return this.config.transcribe({ url });
  }
}

const backend = databaseBackends.at(-1) ?? databaseBackends[0];
const JWT_SECRET = 'spec-samples-integrations-jwt-secret-0123456789';

describe(`spec: Provider and Middleware Integration (${backend?.name})`, () => {
  let fake: FakeProviders;
  let database: Awaited<ReturnType<NonNullable<typeof backend>['open']>>;
  let byokSystem: BYOKSystem;
  let byokManager: BYOKManager;
  const savedEnv = { ...process.env };

  const usageOf = (userId: string) => usageRowsOf(byokManager.context.db, userId);

  beforeAll(async () => {
    fake = await startFakeProviders();
    // The providers' base URLs point at the fake through the environment, so every sample runs unchanged.
    for (const [provider, url] of Object.entries(fake.baseUrls)) {
      process.env[`BYOK_${provider.toUpperCase()}_BASE_URL`] = url;
    }
    database = await (backend as NonNullable<typeof backend>).open();
    byokSystem = await createBYOKForStack2025({
      encryptionKey: EncryptionService.generateMasterKey(),
      postgresClient: database.client,
      // Anthropic too: these tests store a Claude key, which the library refuses for a provider not enabled.
      enabledProviders: ['openai', 'anthropic', 'deepgram', 'twilio'],
    });
    ({ manager: byokManager } = byokSystem);
  });

  afterAll(async () => {
    await byokSystem.close();
    await database.close();
    await fake.close();
    process.env = savedEnv;
  });

  describe('Provider Integration', () => {
    it('AI Providers: builds the config on the user keys, chats, and records the reported usage', async () => {
      const openaiKeyId = await byokManager.addKey({
        userId: 'user_123',
        provider: ProviderType.OPENAI,
        keyData: { apiKey: 'sk-proj-spec-user123-0001' },
      });
      await byokManager.addKey({
        userId: 'user_123',
        provider: ProviderType.ANTHROPIC,
        keyData: { apiKey: 'sk-ant-api03-spec-user123-0002' },
      });

      // Create AI integration
      const aiIntegration = createBYOKAIIntegration(byokManager);

      // Get AI configuration with BYOK
      const aiConfig = await aiIntegration.configFactory.createConfigWithBYOK('user_123', {
        fallbackToSystem: true,
        preferredProviders: [ProviderType.OPENAI, ProviderType.ANTHROPIC],
      });

      // Use with existing AI packages
      const aiRouter = new AIRouter(aiConfig);

      expect(Object.keys(aiConfig.providers)).toEqual(['openai', 'anthropic']);
      expect(aiConfig.defaultProvider).toBe('openai');
      fake.clear();
      const reply = await aiRouter.chat('Hello!');
      expect(reply.text).toBe('Hello from the fake provider.');
      expect(reply.keyId).toBe(openaiKeyId);
      expect(reply.usage).toEqual({
        inputTokens: FAKE_USAGE.chat.promptTokens,
        outputTokens: FAKE_USAGE.chat.completionTokens,
        cachedTokens: FAKE_USAGE.chat.cachedTokens,
      });
      const [request] = fake.requests;
      expect(request?.path).toBe('/openai/chat/completions');
      expect(request?.headers.authorization).toBe('Bearer sk-proj-spec-user123-0001');
      expect(request?.path).not.toContain('sk-proj');
      const [row] = await usageOf('user_123');
      expect(row).toMatchObject({ key_id: openaiKeyId, provider: 'openai', success: true });
      expect([row?.input_tokens, row?.output_tokens, row?.cached_tokens].map(Number)).toEqual([
        FAKE_USAGE.chat.promptTokens,
        FAKE_USAGE.chat.completionTokens,
        FAKE_USAGE.chat.cachedTokens,
      ]);
      expect(JSON.stringify(aiConfig)).not.toContain('sk-proj-spec-user123-0001');
    });

    it('AI Providers: falls back to the next key on 401 and on 429 and says which key served', async () => {
      for (const [bad, status] of [
        ['sk-proj-invalid-spec-0003', 401],
        ['sk-proj-ratelimit-spec-0004', 429],
      ] as const) {
        const userId = uniqueId();
        const badId = await byokManager.addKey({
          userId,
          provider: ProviderType.OPENAI,
          keyData: { apiKey: bad },
        });
        const goodId = await byokManager.addKey({
          userId,
          provider: ProviderType.OPENAI,
          keyData: { apiKey: 'sk-proj-good-spec-0005' },
        });
        const aiConfig = await createBYOKAIIntegration(byokManager).configFactory.createConfigWithBYOK(
          userId,
          {
            fallbackToSystem: true,
            preferredProviders: [ProviderType.OPENAI, ProviderType.ANTHROPIC],
          },
        );
        fake.clear();
        const reply = await new AIRouter(aiConfig).chat('Hello!');
        expect(reply.keyId).toBe(goodId);
        expect(reply.attempts).toEqual([
          { keyId: badId, outcome: status === 401 ? 'invalid_key' : 'rate_limited', statusCode: status },
          { keyId: goodId, outcome: 'valid' },
        ]);
        expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
          `Bearer ${bad}`,
          'Bearer sk-proj-good-spec-0005',
        ]);
        const rows = await usageOf(userId);
        expect(rows.map((r) => [r.key_id, r.success, Number(r.input_tokens)])).toEqual([
          [badId, false, 0],
          [goodId, true, FAKE_USAGE.chat.promptTokens],
        ]);
      }
    });

    it('Deepgram Integration: voice agent config on the user key; transcription with Token auth is recorded', async () => {
      const keyId = await byokManager.addKey({
        userId: 'user_123',
        provider: ProviderType.DEEPGRAM,
        keyData: { apiKey: 'dgspecuser1230123456789abcdef0123456789' },
      });

      const deepgramIntegration = createBYOKDeepgramIntegration(byokManager);

      // Create voice agent configuration
      const voiceConfig = await deepgramIntegration.config.createVoiceAgentConfig('user_123', {
        listen: { model: 'nova-2-conversational' },
        speak: { model: 'aura-asteria-en' },
      });

      // Use with Deepgram packages
      const agent = new DeepgramVoiceAgent(voiceConfig);

      expect(voiceConfig.listen.model).toBe('nova-2-conversational');
      expect(voiceConfig.speak.model).toBe('aura-asteria-en');
      fake.clear();
      const transcription = await agent.transcribe('https://example.com/greeting.wav');
      expect(transcription.transcript).toBe('hello from the fake provider');
      expect(transcription.audioSeconds).toBe(FAKE_USAGE.deepgram.duration);
      expect(transcription.keyId).toBe(keyId);
      expect(fake.requests[0]?.path).toBe('/deepgram/listen?model=nova-2-conversational');
      expect(fake.requests[0]?.headers.authorization).toBe('Token dgspecuser1230123456789abcdef0123456789');
      const rows = (await usageOf('user_123')).filter((r) => r.provider === 'deepgram');
      expect(rows.map((r) => [r.key_id, r.model, r.requests, r.success])).toEqual([
        [keyId, 'nova-2-conversational', 1, true],
      ]);
    });

    it('Telephony Integration: places the call with HTTP Basic and records its price', async () => {
      const accountSid = `AC${'5e'.repeat(16)}`;
      const authToken = 'spectoken0123456789abcdef0123456';
      const keyId = await byokManager.addKey({
        userId: 'user_123',
        provider: ProviderType.TWILIO,
        keyData: { accountSid, authToken },
      });

      const telephonyIntegration = createBYOKTelephonyIntegration(byokManager);

      // Create Twilio client
      const twilioClient = await telephonyIntegration.config.createTelephonyClient('user_123', 'twilio', {
        capabilities: ['voice', 'sms'],
      });

      fake.clear();
      // Make a call (values changed: the guide's "+0987654321" is not a valid E.164 number)
      const call = await twilioClient.makeCall(
        '+14155550100', // from
        '+14155550199', // to
        'https://yourapp.com/voice-webhook',
      );

      expect(call.sid).toMatch(/^CA/);
      expect(call.priceUsd).toBe(Math.abs(Number(FAKE_USAGE.twilioCall.price)));
      expect(call.keyId).toBe(keyId);
      const [request] = fake.requests;
      expect(request?.path).toBe(`/twilio/Accounts/${accountSid}/Calls.json`);
      expect(request?.headers.authorization).toBe(
        `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
      );
      expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
        From: '+14155550100',
        To: '+14155550199',
        Url: 'https://yourapp.com/voice-webhook',
      });
      const rows = (await usageOf('user_123')).filter((r) => r.provider === 'twilio');
      expect(rows.map((r) => [r.key_id, Number(r.cost_usd), r.success])).toEqual([[keyId, 0.03, true]]);
    });
  });

  describe('Middleware Integration', () => {
    const alice = uniqueId('alice');
    const bob = uniqueId('bob');

    beforeAll(async () => {
      await byokManager.addKey({
        userId: alice,
        provider: ProviderType.OPENAI,
        keyData: { apiKey: 'sk-proj-alice-mw-0001' },
      });
      await byokManager.addKey({
        userId: bob,
        provider: ProviderType.OPENAI,
        keyData: { apiKey: 'sk-proj-bob-mw-0002' },
      });
    });

    async function listen(server: Server): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    it('Express.js Middleware: over real HTTP, each user gets their own key; no user, no BYOK', async () => {
      const app = express();
      // Assumed by the sample: a JSON body parser and the app's session (here a header the test sets).
      app.use(express.json());
      app.use((req, _res, next) => {
        const id = req.header('x-test-user');
        if (id) (req as unknown as { user: { id: string } }).user = { id };
        next();
      });
      // Assumed by the sample: the app's own AI call.
      // biome-ignore lint/suspicious/noExplicitAny: the sample leaves the config's type to the app
      const processWithAI = async (aiConfig: any, message: string) =>
        aiConfig.providers.openai.complete(message);

      const aiMiddleware = new BYOKAIMiddleware(byokManager);

      // Add BYOK middleware
      app.use('/api/ai', aiMiddleware.middleware);
      app.use('/api/ai', aiMiddleware.usageMiddleware);

      // Use in routes
      app.post('/api/ai/chat', async (req, res) => {
        if (req.byokEnabled) {
          // Use BYOK-configured AI
          const response = await processWithAI(req.aiConfig, req.body.message);
          res.json({ response });
        } else {
          res.status(400).json({ error: 'BYOK not configured' });
        }
      });

      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const chat = (user?: string) =>
          fetch(`${base}/api/ai/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(user ? { 'x-test-user': user } : {}) },
            body: JSON.stringify({ message: 'Hello!' }),
          });
        fake.clear();
        const [a, b, anonymous] = await Promise.all([chat(alice), chat(bob), chat()]);
        expect([a.status, b.status, anonymous.status]).toEqual([200, 200, 400]);
        expect(await a.json()).toEqual({ response: 'Hello from the fake provider.' });
        expect(await anonymous.json()).toEqual({ error: 'BYOK not configured' });
        expect(fake.requests.map((r) => r.headers.authorization).sort()).toEqual([
          'Bearer sk-proj-alice-mw-0001',
          'Bearer sk-proj-bob-mw-0002',
        ]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('tRPC Integration: through @trpc/client over HTTP; UNAUTHORIZED without a user', async () => {
      // Assumed by the sample: the app's context type and its session lookup.
      type Context = { user: { id: string } | null };

      const t = initTRPC.context<Context>().create();

      // BYOK middleware
      const withBYOK = t.middleware(byokMiddleware(byokManager));

      // Protected procedure with BYOK
      const byokRouter = t.router({
        chatWithAI: t.procedure
          .use(withBYOK)
          .input(z.object({ message: z.string() }))
          .mutation(async ({ ctx, input }) => {
            // ctx.byokConfig contains the user's AI configuration
            const response = await ctx.byokConfig.providers.openai!.complete(input.message);
            return { response };
          }),
      });

      const server = createHTTPServer({
        router: byokRouter,
        createContext: ({ req }) => {
          const id = req.headers['x-test-user'];
          return { user: typeof id === 'string' ? { id } : null };
        },
      });
      const url = await listen(server);
      const client = (user?: string) =>
        createTRPCClient<typeof byokRouter>({
          links: [httpBatchLink({ url, headers: () => (user ? { 'x-test-user': user } : {}) })],
        });
      try {
        fake.clear();
        const [a, b] = await Promise.all([
          client(alice).chatWithAI.mutate({ message: 'Hello!' }),
          client(bob).chatWithAI.mutate({ message: 'Hello!' }),
        ]);
        expect(a).toEqual({ response: 'Hello from the fake provider.' });
        expect(b).toEqual({ response: 'Hello from the fake provider.' });
        expect(fake.requests.map((r) => r.headers.authorization).sort()).toEqual([
          'Bearer sk-proj-alice-mw-0001',
          'Bearer sk-proj-bob-mw-0002',
        ]);
        const refused = await client()
          .chatWithAI.mutate({ message: 'Hello!' })
          .catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(TRPCClientError);
        expect((refused as TRPCClientError<typeof byokRouter>).data?.code).toBe('UNAUTHORIZED');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('Next.js App Router: the route handler runs with a real Request', async () => {
      // Replaces `import { NextRequest } from 'next/server'` (Next is not installed; a NextRequest is a Request).
      type NextRequest = Request;
      // Replaces `import { byokManager } from '@/lib/byok'` (the app's module): the manager made above.

      // app/api/byok/route.ts
      async function POST(request: NextRequest) {
        // `as AddKeyInput`: Next's `request.json()` is `any`, Node's `unknown`.
        const { userId, provider, keyData } = (await request.json()) as AddKeyInput;

        try {
          const keyId = await byokManager.addKey({
            userId,
            provider,
            keyData,
            environment: Environment.PRODUCTION,
          });

          return Response.json({ success: true, keyId });
        } catch (error) {
          return Response.json(
            // biome-ignore lint/suspicious/noExplicitAny: as in the sample
            { error: (error as any).message },
            { status: 400 },
          );
        }
      }

      const userId = uniqueId('next');
      const ok = await POST(
        new Request('http://localhost:3000/api/byok', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            userId,
            provider: 'openai',
            keyData: { apiKey: 'sk-proj-next-route-0001' },
          }),
        }),
      );
      expect(ok.status).toBe(200);
      const body = (await ok.json()) as { success: boolean; keyId: string };
      expect(body).toEqual({ success: true, keyId: expect.stringMatching(/^key_/) });
      expect((await byokManager.getKeyDetails(body.keyId))?.environment).toBe('production');

      const refused = await POST(
        new Request('http://localhost:3000/api/byok', {
          method: 'POST',
          body: JSON.stringify({ userId, provider: 'openai', keyData: { apiKey: 'not-a-key' } }),
        }),
      );
      expect(refused.status).toBe(400);
      const error = (await refused.json()) as { error: string };
      expect(error.error).toMatch(/OpenAI/);
      expect(error.error).not.toContain('not-a-key');
    });
  });

  describe('examples/', () => {
    const user = uniqueId('example');
    const token = (sub: string) => tokenFor(sub, { secret: JWT_SECRET });

    beforeAll(async () => {
      await byokManager.addKey({
        userId: user,
        provider: ProviderType.OPENAI,
        keyData: { apiKey: 'sk-proj-example-0001' },
      });
    });

    it('examples/express/server.ts answers a signed-in user with their key, and refuses a forged token', async () => {
      const { createApp } = await import('../examples/express/server.js');
      const server = createApp(byokManager, JWT_SECRET).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const chat = (authorization?: string) =>
          fetch(`${base}/api/ai/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
            body: JSON.stringify({ message: 'Hello!' }),
          });
        fake.clear();
        const answer = await chat(`Bearer ${await token(user)}`);
        expect(await answer.json()).toEqual({ response: 'Hello from the fake provider.' });
        expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-proj-example-0001');
        const forged = await tokenFor(user, { secret: 'some-other-secret-0123456789abcdef' });
        expect((await chat(`Bearer ${forged}`)).status).toBe(400);
        expect((await chat()).status).toBe(400);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('examples/trpc/router.ts serves chatWithAI through @trpc/client', async () => {
      const { contextFactory, createByokRouter } = await import('../examples/trpc/router.js');
      type Router = ReturnType<typeof createByokRouter>;
      const server = createHTTPServer({
        router: createByokRouter(byokManager),
        createContext: contextFactory(JWT_SECRET),
      });
      const url = await listen(server);
      try {
        const signedIn = await token(user);
        const client = createTRPCClient<Router>({
          links: [httpBatchLink({ url, headers: () => ({ authorization: `Bearer ${signedIn}` }) })],
        });
        expect(await client.chatWithAI.mutate({ message: 'Hello!' })).toEqual({
          response: 'Hello from the fake provider.',
        });
        const anonymous = createTRPCClient<Router>({ links: [httpBatchLink({ url })] });
        const refused = await anonymous.chatWithAI.mutate({ message: 'Hello!' }).catch((e: unknown) => e);
        expect((refused as TRPCClientError<Router>).data?.code).toBe('UNAUTHORIZED');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    async function listen(server: Server): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    it('examples/next route handlers run with real Requests', async () => {
      // The example's lib/byok.ts reads its configuration from the environment (PGlite in memory here).
      process.env.BYOK_ENCRYPTION_KEY = EncryptionService.generateMasterKey();
      process.env.BYOK_JWT_SECRET = JWT_SECRET;
      delete process.env.DATABASE_URL;
      delete process.env.BYOK_DATA_DIR;
      const addKeyRoute = await import('../examples/next/app/api/byok/route.js');
      const restRoute = await import('../examples/next/app/api/byok/[...path]/route.js');
      const chatRoute = await import('../examples/next/app/api/chat/route.js');
      const lib = await import('../examples/next/lib/byok.js');
      try {
        const auth = { authorization: `Bearer ${await token(user)}` };
        const added = await addKeyRoute.POST(
          new Request('http://localhost:3000/api/byok', {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ provider: 'openai', keyData: { apiKey: 'sk-proj-next-example-0001' } }),
          }),
        );
        expect(await added.json()).toEqual({ success: true, keyId: expect.stringMatching(/^key_/) });
        const anonymous = await addKeyRoute.POST(
          new Request('http://localhost:3000/api/byok', { method: 'POST', body: '{}' }),
        );
        expect(anonymous.status).toBe(401);

        const listed = await restRoute.GET(
          new Request('http://localhost:3000/api/byok/keys', { headers: auth }),
          {},
        );
        expect(listed.status).toBe(200);
        const { keys } = (await listed.json()) as { keys: { keyHint: string }[] };
        expect(keys.map((k) => k.keyHint)).toEqual(['sk-proj-…0001']);

        fake.clear();
        const chat = await chatRoute.POST(
          new Request('http://localhost:3000/api/chat', {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ message: 'Hello!' }),
          }),
          {},
        );
        expect(await chat.json()).toEqual({ reply: 'Hello from the fake provider.' });
        expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-proj-next-example-0001');
      } finally {
        await lib.byokSystem.close();
      }
    });
  });
});

describe('spec: Integration Tests', () => {
  let fake: FakeProviders;
  let database: Awaited<ReturnType<NonNullable<typeof backend>['open']>>;
  // biome-ignore lint/suspicious/noExplicitAny: the spec's sample leaves it untyped
  let testDb: any;
  let testEncryptionKey: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    fake = await startFakeProviders();
    process.env.BYOK_OPENAI_BASE_URL = fake.baseUrls.openai;
    process.env.TEST_OPENAI_KEY = 'sk-proj-integration-test-0001';
    database = await (backend as NonNullable<typeof backend>).open();
    testDb = database.client;
    testEncryptionKey = EncryptionService.generateMasterKey();
  });

  afterAll(async () => {
    await database.close();
    await fake.close();
    process.env = savedEnv;
  });

  describe('BYOK Integration', () => {
    it('should integrate with AI providers', async () => {
      const byokSystem = await createBYOKForStack2025({
        encryptionKey: testEncryptionKey,
        postgresClient: testDb,
      });

      // Add test key
      await byokSystem.manager.addKey({
        userId: 'test-user',
        provider: ProviderType.OPENAI,
        keyData: { apiKey: process.env.TEST_OPENAI_KEY },
      });

      // Test AI integration
      const aiConfig = await createBYOKAIIntegration(byokSystem.manager).configFactory.createConfigWithBYOK(
        'test-user',
      );

      expect(aiConfig.providers.openai).toBeDefined();
      expect(aiConfig.providers.openai?.apiKey).toBe(process.env.TEST_OPENAI_KEY);

      // And the key works end to end against the fake OpenAI.
      expect(await aiConfig.providers.openai!.complete('Hello!')).toBe('Hello from the fake provider.');
      expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${process.env.TEST_OPENAI_KEY}`);
      await byokSystem.close();
    });
  });
});
