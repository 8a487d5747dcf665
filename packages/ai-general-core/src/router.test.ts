import type { PGlite } from '@electric-sql/pglite';
import {
  type AIProviderType,
  BYOKManager,
  createBYOKAIIntegration,
  EncryptionService,
  isBYOKError,
  ProviderType,
} from '@stack-2025/byok-core';
import {
  createTestDatabase,
  FAKE_USAGE,
  type FakeProviders,
  fakeEmbedding,
  startFakeProviders,
} from '@stack-2025/byok-core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AIRouter } from './index.js';

interface UsageRow {
  key_id: string | null;
  provider: string;
  model: string | null;
  input_tokens: string | number;
  output_tokens: string | number;
  success: boolean;
}

let counter = 0;
const newUser = (): string => `user_router_${Date.now()}_${counter++}`;

describe('AIRouter', () => {
  let fake: FakeProviders;
  let db: PGlite;
  let manager: BYOKManager;

  const usageOf = async (userId: string): Promise<UsageRow[]> =>
    (
      await db.query<UsageRow>(
        'SELECT key_id, provider, model, input_tokens, output_tokens, success FROM byok.key_usage WHERE owner_id = $1 ORDER BY id',
        [userId],
      )
    ).rows;

  const configFor = (userId: string, preferred?: AIProviderType[]) =>
    createBYOKAIIntegration(manager).configFactory.createConfigWithBYOK(
      userId,
      preferred ? { preferredProviders: preferred } : {},
    );

  const addKey = (userId: string, provider: `${ProviderType}`, apiKey: string) =>
    manager.addKey({ userId, provider, keyData: { apiKey } });

  beforeAll(async () => {
    fake = await startFakeProviders();
    db = await createTestDatabase();
    manager = new BYOKManager({
      encryptionKey: EncryptionService.generateMasterKey(),
      database: { client: db },
      providers: Object.fromEntries(Object.entries(fake.baseUrls).map(([id, baseUrl]) => [id, { baseUrl }])),
    });
    await manager.ready();
  });

  afterAll(async () => {
    await manager.close();
    await db.close();
    await fake.close();
  });

  beforeEach(() => fake.clear());

  it('answers on the preferred provider with the user key and records the usage into BYOK', async () => {
    const userId = newUser();
    const keyId = await addKey(userId, 'openai', 'sk-proj-router-0001');
    await addKey(userId, 'anthropic', 'sk-ant-api03-router-0002');
    const router = new AIRouter(await configFor(userId, [ProviderType.OPENAI, ProviderType.ANTHROPIC]));
    expect(router.providers.slice(0, 2)).toEqual(['openai', 'anthropic']);

    const answer = await router.chat('Hello!');
    expect(answer).toMatchObject({ text: 'Hello from the fake provider.', provider: 'openai', keyId });
    expect(answer.usage).toEqual({
      inputTokens: FAKE_USAGE.chat.promptTokens,
      outputTokens: FAKE_USAGE.chat.completionTokens,
      cachedTokens: FAKE_USAGE.chat.cachedTokens,
    });
    const sent = fake.requests.filter((r) => r.provider === 'openai');
    expect(sent.map((r) => r.path)).toEqual(['/openai/chat/completions']);
    expect(sent[0]?.headers.authorization).toBe('Bearer sk-proj-router-0001');
    const rows = await usageOf(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key_id: keyId, provider: 'openai', success: true });
    expect(Number(rows[0]?.input_tokens)).toBe(FAKE_USAGE.chat.promptTokens);
  });

  it('falls back to the next provider when the first refuses the key, recording both attempts', async () => {
    const userId = newUser();
    await addKey(userId, 'openai', 'sk-proj-router-revoked-0003');
    const claudeKey = await addKey(userId, 'anthropic', 'sk-ant-api03-router-0004');
    const router = new AIRouter(await configFor(userId, [ProviderType.OPENAI, ProviderType.ANTHROPIC]));
    const answer = await router.chat({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(answer.provider).toBe('anthropic');
    expect(answer.keyId).toBe(claudeKey);
    expect(answer.skippedProviders).toEqual([{ provider: 'openai', code: 'NO_KEY_AVAILABLE' }]);
    const anthropicCall = fake.requests.find((r) => r.provider === 'anthropic');
    expect(anthropicCall?.path).toBe('/anthropic/v1/messages');
    expect(anthropicCall?.headers['x-api-key']).toBe('sk-ant-api03-router-0004');
    const rows = await usageOf(userId);
    expect(rows.map((r) => [r.provider, r.success])).toEqual([
      ['openai', false],
      ['anthropic', true],
    ]);
  });

  it('fails with a coded error that never contains the key when every provider refuses', async () => {
    const userId = newUser();
    const secret = 'sk-proj-router-invalid-0005';
    await addKey(userId, 'openai', secret);
    const router = new AIRouter(await configFor(userId));
    const error = await router.chat('Hi').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBYOKError(error)).toBe(true);
    const seen = JSON.stringify({
      message: (error as Error).message,
      cause: String((error as Error).cause),
      causeMessage: ((error as Error).cause as Error | undefined)?.message,
    });
    expect(seen).not.toContain(secret);
    // The fake echoes the whole key in its 401 text: the router must have scrubbed it.
    expect(fake.requests.some((r) => r.headers.authorization === `Bearer ${secret}`)).toBe(true);
  });

  it('streams pieces on every chat provider and records the usage when the stream ends', async () => {
    const userId = newUser();
    const keys = {
      openai: 'sk-proj-stream-0006',
      anthropic: 'sk-ant-api03-stream-0007',
      gemini: 'AIzaSyStream0123456789abcdefghijklmno',
      deepseek: 'sk-deepseekstream0123456789',
      openrouter: 'sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd',
    } as const;
    for (const [provider, apiKey] of Object.entries(keys) as [keyof typeof keys, string][])
      await addKey(userId, provider, apiKey);
    const router = new AIRouter(await configFor(userId));
    for (const provider of Object.keys(keys) as (keyof typeof keys)[]) {
      const stream = await router.stream({
        provider,
        messages: [{ role: 'user', content: 'Stream please' }],
      });
      const pieces: string[] = [];
      for await (const piece of stream) pieces.push(piece);
      expect(pieces.length, provider).toBeGreaterThan(1);
      expect(pieces.join(''), provider).toBe('Hello from the fake provider.');
      expect(await stream.text).toBe('Hello from the fake provider.');
      expect((await stream.usage).outputTokens, provider).toBeGreaterThan(0);
    }
    await expect.poll(async () => (await usageOf(userId)).length).toBe(5);
    const rows = await usageOf(userId);
    expect(rows.map((r) => r.provider).sort()).toEqual(Object.keys(keys).sort());
    expect(rows.every((r) => r.success && Number(r.output_tokens) > 0)).toBe(true);
    const gemini = fake.requests.find((r) => r.provider === 'gemini');
    expect(gemini?.path).toContain(':streamGenerateContent');
    expect(gemini?.headers['x-goog-api-key']).toBe(keys.gemini);
  });

  it('embeds on the first provider with embeddings and skips the ones without', async () => {
    const userId = newUser();
    await addKey(userId, 'anthropic', 'sk-ant-api03-embed-0008');
    const geminiKey = await addKey(userId, 'gemini', 'AIzaSyEmbed0123456789abcdefghijklmnop');
    const router = new AIRouter(await configFor(userId, [ProviderType.ANTHROPIC, ProviderType.GEMINI]));
    const result = await router.embed(['alpha', 'beta']);
    expect(result.provider).toBe('gemini');
    expect(result.keyId).toBe(geminiKey);
    expect(result.embeddings).toEqual([fakeEmbedding('alpha'), fakeEmbedding('beta')]);
    const rows = await usageOf(userId);
    expect(rows).toEqual([
      expect.objectContaining({ provider: 'gemini', model: 'gemini-embedding-001', success: true }),
    ]);
  });

  it('uses the next key of the same provider before moving on (fallback chain)', async () => {
    const userId = newUser();
    await manager.addKey({
      userId,
      provider: 'openai',
      keyData: { apiKey: 'sk-proj-chain-outage-0009' },
      alias: 'a',
    });
    const second = await manager.addKey({
      userId,
      provider: 'openai',
      keyData: { apiKey: 'sk-proj-chain-0010' },
      alias: 'b',
    });
    const router = new AIRouter(await configFor(userId));
    const answer = await router.chat('Hi');
    expect(answer.provider).toBe('openai');
    expect(answer.keyId).toBe(second);
    expect(answer.attempts.map((a) => a.outcome)).toEqual(['outage', 'valid']);
  });
});
