import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capturingLogger, TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { codeOf } from '../../test/error-code.js';
import { openFakeManager } from '../../test/fake-manager.js';
import { usageRowsOf } from '../../test/usage-rows.js';
import { isBYOKError } from '../errors/index.js';
import { type FallbackAttempt, ProviderCallError } from '../fallback/index.js';
import { BYOKManager } from '../manager/byok-manager.js';
import { ProviderType } from '../providers/index.js';
import { FAKE_USAGE, type FakeProviders } from '../testing/index.js';
import { createBYOKAIIntegration } from './index.js';

const SYSTEM_OPENAI_KEY = 'sk-system-0123456789abcdef';

describe('createBYOKAIIntegration', () => {
  let fake: FakeProviders;
  let db: PGlite;
  let manager: BYOKManager;
  let close: () => Promise<void>;
  const captured = capturingLogger();

  const usageOf = (userId: string) => usageRowsOf(db, userId);

  beforeAll(async () => {
    ({ fake, db, manager, close } = await openFakeManager({
      logger: captured.logger,
      fallback: { enabled: true, systemKeys: { openai: { apiKey: SYSTEM_OPENAI_KEY } } },
    }));
  });

  afterAll(async () => {
    await close();
  });

  beforeEach(() => fake.clear());

  it('lists one provider per usable key, preferred ones first, with the key usable by SDKs but masked in logs', async () => {
    const userId = uniqueId();
    await manager.addKey({
      userId,
      provider: 'openai',
      keyData: { apiKey: 'sk-proj-alpha-0001', organization: 'org-1' },
    });
    await manager.addKey({ userId, provider: 'anthropic', keyData: { apiKey: 'sk-ant-api03-beta-0002' } });
    await manager.addKey({
      userId,
      provider: 'deepgram',
      keyData: { apiKey: 'dg0123456789abcdef0123456789' },
    });

    const ai = createBYOKAIIntegration(manager);
    const config = await ai.configFactory.createConfigWithBYOK(userId, {
      preferredProviders: [ProviderType.ANTHROPIC, ProviderType.OPENAI],
    });
    expect(Object.keys(config.providers)).toEqual(['anthropic', 'openai']);
    expect(config.defaultProvider).toBe('anthropic');
    expect(config.userId).toBe(userId);
    const openai = config.providers.openai;
    expect(openai?.apiKey).toBe('sk-proj-alpha-0001');
    expect(openai?.organization).toBe('org-1');
    expect(openai?.baseURL).toBe(fake.baseUrls.openai);
    expect(openai?.wasSystemFallback).toBe(false);
    expect(openai?.keyId).toMatch(/^key_/);

    const printed = [JSON.stringify(config), inspect(config, { depth: 5 }), JSON.stringify({ ...openai })];
    for (const text of printed) {
      expect(text).not.toContain('sk-proj-alpha-0001');
      expect(text).not.toContain('sk-ant-api03-beta-0002');
    }
    expect(JSON.stringify(config)).toContain('"apiKey":"sk-proj-…0001"');
    captured.logger.info({ aiConfig: config }, 'config made');
    expect(captured.lines.join('')).not.toContain('alpha-0001');
  });

  it('has no entry when the user has no key, and only allows the system key with fallbackToSystem', async () => {
    const userId = uniqueId();
    const ai = createBYOKAIIntegration(manager);
    const without = await ai.configFactory.createConfigWithBYOK(userId);
    expect(without.providers).toEqual({});
    expect(without.defaultProvider).toBeNull();

    const withSystem = await ai.configFactory.createConfigWithBYOK(userId, { fallbackToSystem: true });
    expect(Object.keys(withSystem.providers)).toEqual(['openai']);
    const openai = withSystem.providers.openai;
    expect(openai?.wasSystemFallback).toBe(true);
    expect(openai?.keyId).toBe('system');
    const reply = await openai?.complete('Hi', { includeUsage: true });
    expect(reply?.keyId).toBe('system');
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SYSTEM_OPENAI_KEY}`);
    const [row] = await usageOf(userId);
    expect(row).toMatchObject({ key_id: null, owner_id: userId, provider: 'openai', success: true });
  });

  it('calls each provider with its own API shape and auth header, never the key in the URL, and records its usage', async () => {
    const userId = uniqueId();
    const keys = {
      openai: 'sk-proj-gamma-0003',
      anthropic: 'sk-ant-api03-delta-0004',
      gemini: 'AIzaSyEpsilon0005abcdefghijklmnopqrstu',
      deepseek: 'sk-deepseekzeta0006',
      openrouter: 'sk-or-v1-eta0007',
    } as const;
    for (const [provider, apiKey] of Object.entries(keys)) {
      await manager.addKey({ userId, provider: provider as ProviderType, keyData: { apiKey } });
    }
    const config = await createBYOKAIIntegration(manager).configFactory.createConfigWithBYOK(userId);
    expect(Object.keys(config.providers)).toEqual([
      'openai',
      'anthropic',
      'gemini',
      'deepseek',
      'openrouter',
    ]);

    const chat = FAKE_USAGE.chat;
    const expected = {
      openai: {
        path: '/openai/chat/completions',
        header: ['authorization', `Bearer ${keys.openai}`],
        usage: {
          inputTokens: chat.promptTokens,
          outputTokens: chat.completionTokens,
          cachedTokens: chat.cachedTokens,
        },
      },
      anthropic: {
        path: '/anthropic/v1/messages',
        header: ['x-api-key', keys.anthropic],
        usage: {
          inputTokens: FAKE_USAGE.anthropic.inputTokens,
          outputTokens: FAKE_USAGE.anthropic.outputTokens,
          cachedTokens: 0,
        },
      },
      gemini: {
        path: '/gemini/v1beta/models/gemini-3.8-flash:generateContent',
        header: ['x-goog-api-key', keys.gemini],
        usage: {
          inputTokens: FAKE_USAGE.gemini.promptTokenCount,
          outputTokens: FAKE_USAGE.gemini.candidatesTokenCount + FAKE_USAGE.gemini.thoughtsTokenCount,
          cachedTokens: 0,
        },
      },
      deepseek: {
        path: '/deepseek/chat/completions',
        header: ['authorization', `Bearer ${keys.deepseek}`],
        usage: {
          inputTokens: chat.promptTokens,
          outputTokens: chat.completionTokens,
          cachedTokens: chat.cachedTokens,
        },
      },
      openrouter: {
        path: '/openrouter/chat/completions',
        header: ['authorization', `Bearer ${keys.openrouter}`],
        usage: {
          inputTokens: chat.promptTokens,
          outputTokens: chat.completionTokens,
          cachedTokens: chat.cachedTokens,
          costUsd: FAKE_USAGE.openrouterCost,
        },
      },
    } as const;

    for (const [provider, want] of Object.entries(expected)) {
      fake.clear();
      const entry = config.providers[provider as keyof typeof expected];
      const result = await entry?.complete(
        {
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hello!' },
          ],
          maxTokens: 50,
        },
        { includeUsage: true },
      );
      expect(result?.text).toBe('Hello from the fake provider.');
      expect(result?.usage).toEqual(want.usage);
      expect(result?.keyId).toBe(entry?.keyId);
      const [request] = fake.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe(want.path);
      expect(request?.headers[want.header[0]]).toBe(want.header[1]);
      expect(request?.path).not.toContain(keys[provider as keyof typeof keys]);
      if (provider === 'anthropic') {
        expect(request?.headers['anthropic-version']).toBe('2023-06-01');
        expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
          system: [{ type: 'text', text: 'Be brief.' }],
          max_tokens: 50,
        });
      }
      if (provider === 'gemini') {
        expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
          systemInstruction: { parts: [{ text: 'Be brief.' }] },
          generationConfig: { maxOutputTokens: 50 },
        });
      }
    }

    const rows = await usageOf(userId);
    expect(rows.map((r) => r.provider)).toEqual(['openai', 'anthropic', 'gemini', 'deepseek', 'openrouter']);
    for (const row of rows) {
      const want = expected[row.provider as keyof typeof expected].usage;
      expect(Number(row.input_tokens)).toBe(want.inputTokens);
      expect(Number(row.output_tokens)).toBe(want.outputTokens);
      expect(Number(row.cached_tokens)).toBe(want.cachedTokens);
      expect(row.success).toBe(true);
      expect(row.key_id).toBe(config.providers[row.provider as keyof typeof expected]?.keyId);
      expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    }
    expect(Number(rows.find((r) => r.provider === 'openrouter')?.cost_usd)).toBeCloseTo(
      FAKE_USAGE.openrouterCost,
      8,
    );
    // The OpenAI model is in the price table, so that call is priced from the reported tokens.
    expect(rows.find((r) => r.provider === 'openai')).toMatchObject({ model: 'gpt-6-luna', priced: true });
  });

  it('moves to the next key on 401 and on 429, says which key served, and never leaks the refused key', async () => {
    for (const bad of ['sk-proj-invalid-0008', 'sk-proj-ratelimit-0009']) {
      const userId = uniqueId();
      const badId = await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: bad } });
      const goodId = await manager.addKey({
        userId,
        provider: 'openai',
        keyData: { apiKey: 'sk-proj-good-0010' },
      });
      await manager.fallback.configureFallbackChain(userId, 'openai', 'production', {
        primaryKeyId: badId,
        fallbackSequence: [goodId],
        retryDelayMs: 0,
      });
      const config = await createBYOKAIIntegration(manager).configFactory.createConfigWithBYOK(userId);
      expect(config.providers.openai?.keyId).toBe(badId);
      fake.clear();
      const result = await config.providers.openai?.complete('Hello', { includeUsage: true });
      expect(result?.keyId).toBe(goodId);
      expect(result?.attempts.map((a) => [a.keyId, a.statusCode ?? null])).toEqual([
        [badId, bad.includes('invalid') ? 401 : 429],
        [goodId, null],
      ]);
      expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
        `Bearer ${bad}`,
        'Bearer sk-proj-good-0010',
      ]);
      const rows = await usageOf(userId);
      expect(rows.map((r) => [r.key_id, r.success])).toEqual([
        [badId, false],
        [goodId, true],
      ]);
    }

    // Every key refused: the error says so without echoing any key (the fake echoes it in its 401 body).
    const userId = uniqueId();
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: 'sk-proj-invalid-secret-0011' } });
    const config = await createBYOKAIIntegration(manager).configFactory.createConfigWithBYOK(userId);
    let caught: unknown;
    try {
      await config.providers.openai?.complete('Hello');
    } catch (error) {
      caught = error;
    }
    expect(isBYOKError(caught) && caught.code).toBe('NO_KEY_AVAILABLE');
    const cause = (caught as Error).cause;
    expect(ProviderCallError.isInstance(cause) && cause.statusCode).toBe(401);
    expect(`${(caught as Error).message} ${(cause as Error).message}`).not.toContain('invalid-secret-0011');
    expect(captured.lines.join('')).not.toContain('invalid-secret-0011');
  });

  it('classifies each failure of the SDK call (429 with Retry-After, outage, dropped connection, unreadable answer, timeout) without the key', async () => {
    const cases = [
      { behavior: { kind: 'rate_limited', retryAfterSeconds: 7 }, outcome: 'rate_limited', status: 429 },
      { behavior: 'outage', outcome: 'outage', status: 'any' },
      { behavior: 'drop', outcome: 'network_error', status: undefined },
      { behavior: 'echo', outcome: 'unexpected', status: 200 },
      { behavior: { kind: 'slow', delayMs: 5000 }, outcome: 'timeout', status: undefined },
    ] as const;
    for (const [index, want] of cases.entries()) {
      const userId = uniqueId();
      const secret = `sk-proj-failing${index}-secret-00${20 + index}`;
      fake.setBehavior(secret, want.behavior);
      await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: secret } });
      const config = await createBYOKAIIntegration(manager).configFactory.createConfigWithBYOK(userId);
      const error = await config.providers.openai
        ?.complete('Hello', { timeoutMs: 500 })
        .catch((e: unknown) => e);
      // A failure that stops the chain is thrown as it is; else the chain's error lists each
      // attempt as classified, with the last failure as its cause.
      const failure = ProviderCallError.isInstance(error) ? error : (error as Error).cause;
      const attempt = ProviderCallError.isInstance(error)
        ? { outcome: error.outcome, statusCode: error.statusCode }
        : (error as { details?: { attempts?: FallbackAttempt[] } }).details?.attempts?.[0];
      expect(attempt?.outcome).toBe(want.outcome);
      if (want.status === 'any') expect(attempt?.statusCode).toBeGreaterThanOrEqual(500);
      else expect(attempt?.statusCode).toBe(want.status);
      if (want.outcome === 'timeout') expect((failure as Error).name).toBe('TimeoutError');
      else expect(ProviderCallError.isInstance(failure) && failure.outcome).toBe(want.outcome);
      if (want.outcome === 'rate_limited') expect((failure as ProviderCallError).retryAfterMs).toBe(7000);
      const printed = [inspect(error, { depth: 10 }), JSON.stringify(error), captured.lines.join('')];
      for (const text of printed) expect(text).not.toContain(`secret-00${20 + index}`);
    }
  });

  it('never follows a redirect with the key', async () => {
    const redirector = createServer((request, response) => {
      response.writeHead(307, { location: `${fake.baseUrls.openai}${request.url ?? '/'}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const { port } = redirector.address() as AddressInfo;
    const redirected = new BYOKManager({
      encryptionKey: TEST_MASTER_KEY,
      database: { client: db },
      logger: captured.logger,
      providers: { openai: { baseUrl: `http://127.0.0.1:${port}` } },
    });
    try {
      await redirected.ready();
      const userId = uniqueId();
      await redirected.addKey({ userId, provider: 'openai', keyData: { apiKey: 'sk-proj-redirect-0030' } });
      const config = await createBYOKAIIntegration(redirected).configFactory.createConfigWithBYOK(userId);
      fake.clear();
      const error = await config.providers.openai?.complete('Hello').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(fake.requests).toHaveLength(0);
      expect(inspect(error, { depth: 10 })).not.toContain('redirect-0030');
    } finally {
      await redirected.close();
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('does not try another key when the provider refuses the request itself (403)', async () => {
    const userId = uniqueId();
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: 'sk-proj-forbidden-0012' } });
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: 'sk-proj-good-0013' } });
    const config = await createBYOKAIIntegration(manager).configFactory.createConfigWithBYOK(userId);
    fake.clear();
    const error = await config.providers.openai?.complete('Hello').catch((e: unknown) => e);
    expect(ProviderCallError.isInstance(error) && error.statusCode).toBe(403);
    expect(fake.requests).toHaveLength(1);
  });

  it("never hands one user's keys to another", async () => {
    const alice = uniqueId('alice');
    const bob = uniqueId('bob');
    await manager.addKey({ userId: alice, provider: 'openai', keyData: { apiKey: 'sk-proj-alice-0014' } });
    await manager.addKey({
      userId: bob,
      provider: 'anthropic',
      keyData: { apiKey: 'sk-ant-api03-bob-0015' },
    });
    const ai = createBYOKAIIntegration(manager);
    const [forAlice, forBob] = await Promise.all([
      ai.configFactory.createConfigWithBYOK(alice),
      ai.configFactory.createConfigWithBYOK(bob),
    ]);
    expect(Object.keys(forAlice.providers)).toEqual(['openai']);
    expect(Object.keys(forBob.providers)).toEqual(['anthropic']);
    fake.clear();
    await forBob.providers.anthropic?.complete('Hi');
    expect(fake.requests[0]?.headers['x-api-key']).toBe('sk-ant-api03-bob-0015');
    expect((await usageOf(alice)).length).toBe(0);
    expect((await usageOf(bob)).length).toBe(1);
  });

  it('refuses bad input before calling anyone', async () => {
    const userId = uniqueId();
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: 'sk-proj-input-0016' } });
    const ai = createBYOKAIIntegration(manager);
    expect(await codeOf(ai.configFactory.createConfigWithBYOK(''))).toBe('INVALID_INPUT');
    expect(
      await codeOf(
        ai.configFactory.createConfigWithBYOK(userId, {
          preferredProviders: ['twilio' as ProviderType.OPENAI],
        }),
      ),
    ).toBe('INVALID_INPUT');
    const config = await ai.configFactory.createConfigWithBYOK(userId);
    fake.clear();
    const openai = config.providers.openai;
    expect(await codeOf(openai?.complete('') ?? Promise.resolve())).toBe('INVALID_INPUT');
    expect(
      await codeOf(
        openai?.complete({ messages: [{ role: 'system', content: 'only system' }] }) ?? Promise.resolve(),
      ),
    ).toBe('INVALID_INPUT');
    expect(fake.requests).toHaveLength(0);
  });
});
