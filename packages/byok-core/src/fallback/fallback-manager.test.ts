import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capturingLogger, databaseBackends, uniqueId } from '../../test/backends.js';
import { codeOf } from '../../test/error-code.js';
import { openManager, serviceDeps } from '../../test/manager.js';
import { validationAndFallbackSettingsFromEnv } from '../config/validation-fallback-env.js';
import { BYOKError } from '../errors/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { createMetrics } from '../metrics/prometheus.js';
import { Environment, ProviderType } from '../providers/index.js';
import { ProviderCallError } from '../providers/provider-call-error.js';
import { type FakeProviders, startFakeProviders } from '../testing/fake-providers.js';
import { FallbackManager, type FallbackManagerDeps } from './fallback-manager.js';
import type { FallbackKeyResult } from './types.js';

const HOUR_MS = 60 * 60_000;
let counter = 0;
const openaiKey = (marker = 'ok'): string => {
  counter += 1;
  return `sk-test-${marker}-${counter}${Math.random().toString(36).slice(2, 8)}-${'a1'.repeat(12)}`;
};

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.close());
beforeEach(() => fake.clear());

/** The fallback settings the wiring makes from these variables. */
const fallbackSettings = (env: Record<string, string>) => validationAndFallbackSettingsFromEnv(env).fallback;

describe.each(databaseBackends)('FallbackManager on $name', (backend) => {
  let close: () => Promise<void>;
  let manager: BYOKManager;
  let fallback: FallbackManager;
  const log = capturingLogger();

  const makeFallback = (extra: Partial<FallbackManagerDeps> = {}) =>
    new FallbackManager({ ...serviceDeps(manager), access: manager.context.access, settings: {}, ...extra });

  beforeAll(async () => {
    ({ manager, close } = await openManager(backend, {
      logger: log.logger,
      providers: { openai: { baseUrl: fake.baseUrls.openai } },
    }));
    fallback = makeFallback();
  });
  afterAll(() => close());

  const db = () => manager.context.db;
  const keyState = async (keyId: string) =>
    (
      await db().query<{
        cooldown_until: Date | string | null;
        last_validation_status: string | null;
        status: string;
      }>('SELECT cooldown_until, last_validation_status, status FROM byok.keys WHERE id = $1', [keyId])
    ).rows[0]!;
  const cooldownLeft = async (keyId: string): Promise<number | null> => {
    const { cooldown_until } = await keyState(keyId);
    return cooldown_until === null ? null : new Date(cooldown_until).getTime() - Date.now();
  };

  /** An owner with OpenAI keys (production) in the given priorities; returns their ids and secrets. */
  async function ownerWithKeys(
    markers: string[],
    priorities: number[] = markers.map((_, i) => i),
  ): Promise<{ userId: string; ids: string[]; secrets: string[] }> {
    const userId = uniqueId();
    const ids: string[] = [];
    const secrets: string[] = [];
    for (const [i, marker] of markers.entries()) {
      const apiKey = openaiKey(marker);
      secrets.push(apiKey);
      ids.push(
        await manager.addKey({
          userId,
          provider: 'openai',
          keyData: { apiKey },
          priority: priorities[i] ?? 0,
        }),
      );
    }
    return { userId, ids, secrets };
  }

  /** Calls the fake OpenAI with the key, as an integration would, throwing ProviderCallError on failure. */
  const callOpenAI = async (key: FallbackKeyResult): Promise<string> => {
    const response = await fetch(`${fake.baseUrls.openai}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.keyData.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-6-luna', messages: [] }),
    });
    if (!response.ok) {
      throw await ProviderCallError.fromFetchResponse('openai', response, {
        secrets: [key.keyData.apiKey ?? ''],
      });
    }
    return key.keyId;
  };

  describe('configureFallbackChain', () => {
    it('stores the chain with its audit entry, and replaces it on a second call', async () => {
      const { userId, ids } = await ownerWithKeys(['ok', 'ok', 'ok']);
      const chain = await fallback.configureFallbackChain(
        userId,
        ProviderType.OPENAI,
        Environment.PRODUCTION,
        {
          primaryKeyId: ids[1],
          fallbackSequence: [ids[2]!, ids[0]!],
          useSystemFallback: true,
          maxRetries: 2,
          retryDelayMs: 10,
        },
      );
      expect(chain).toMatchObject({
        primaryKeyId: ids[1],
        fallbackSequence: [ids[2], ids[0]],
        useSystemFallback: true,
        maxRetries: 2,
        retryDelayMs: 10,
        configured: true,
      });
      expect(await fallback.getFallbackChain({ userId }, 'openai', 'production')).toMatchObject({
        primaryKeyId: ids[1],
        fallbackSequence: [ids[2], ids[0]],
      });
      await fallback.configureFallbackChain(userId, 'openai', 'production', { primaryKeyId: ids[0] });
      expect(await fallback.getFallbackChain(userId, 'openai', 'production')).toMatchObject({
        primaryKeyId: ids[0],
        fallbackSequence: [],
        useSystemFallback: false,
        maxRetries: 3,
        retryDelayMs: 1000,
      });
      const entries = await manager.audit.list({ owner: { type: 'user', id: userId } });
      expect(entries.filter((e) => e.action === 'fallback.configured')).toHaveLength(2);
      expect(await manager.audit.verifyChain()).toMatchObject({ ok: true });
    });

    it('refuses keys of another owner (not found), provider or environment, revoked keys and bad numbers', async () => {
      const { userId, ids } = await ownerWithKeys(['ok', 'ok']);
      const stranger = await ownerWithKeys(['ok']);
      const anthropic = await manager.addKey({
        userId,
        provider: 'anthropic',
        keyData: { apiKey: `sk-ant-api03-ok-${'b2'.repeat(20)}` },
      });
      const dev = await manager.addKey({
        userId,
        provider: 'openai',
        keyData: { apiKey: openaiKey() },
        environment: 'development',
      });
      const configure = (config: Parameters<FallbackManager['configureFallbackChain']>[3]) =>
        codeOf(fallback.configureFallbackChain(userId, 'openai', 'production', config));
      expect(await configure({ primaryKeyId: stranger.ids[0] })).toBe('KEY_NOT_FOUND');
      expect(await configure({ primaryKeyId: 'key_nosuchkey' })).toBe('KEY_NOT_FOUND');
      expect(await configure({ fallbackSequence: [anthropic] })).toBe('INVALID_INPUT');
      expect(await configure({ fallbackSequence: [dev] })).toBe('INVALID_INPUT');
      expect(await configure({ primaryKeyId: ids[0], fallbackSequence: [ids[0]!] })).toBe('INVALID_INPUT');
      expect(await configure({ maxRetries: 11 })).toBe('INVALID_INPUT');
      expect(await configure({ retryDelayMs: -1 })).toBe('INVALID_INPUT');
      expect(await codeOf(fallback.configureFallbackChain(userId, 'openai', 'prod' as never, {}))).toBe(
        'INVALID_INPUT',
      );
      await manager.revokeKey(ids[1]!);
      expect(await configure({ fallbackSequence: [ids[1]!] })).toBe('INVALID_INPUT');
      // Nothing was stored by the refused calls.
      expect((await fallback.getFallbackChain(userId, 'openai', 'production')).configured).toBe(false);
    });
  });

  describe('getKeyWithFallback', () => {
    it('follows the chain: primary, sequence, then other active keys by priority, skipping unusable ones', async () => {
      // Priorities: a 0, b 5, c 1, d -1. Chain: primary b, then c; then d (-1) and a (0) by priority.
      const { userId, ids } = await ownerWithKeys(['ok', 'ok', 'ok', 'ok'], [0, 5, 1, -1]);
      const [a, b, c, d] = ids as [string, string, string, string];
      await fallback.configureFallbackChain(userId, 'openai', 'production', {
        primaryKeyId: b,
        fallbackSequence: [c],
      });
      const pick = () => fallback.getKeyWithFallback(userId, 'openai', 'production');
      expect(await pick()).toMatchObject({ keyId: b, wasSystemFallback: false, skipped: [] });
      await manager.updateKey(b, { enabled: false });
      expect(await pick()).toMatchObject({ keyId: c, skipped: [{ keyId: b, reason: 'disabled' }] });
      await db().query("UPDATE byok.keys SET status = 'invalid' WHERE id = $1", [c]);
      await manager.context.cache.invalidate([`active:user:${userId}:openai:production`]);
      expect(await pick()).toMatchObject({
        keyId: d,
        skipped: [
          { keyId: b, reason: 'disabled' },
          { keyId: c, reason: 'invalid' },
        ],
      });
      await db().query("UPDATE byok.keys SET cooldown_until = now() + interval '5 minutes' WHERE id = $1", [
        d,
      ]);
      await manager.context.cache.invalidate([`active:user:${userId}:openai:production`]);
      const result = await pick();
      expect(result.keyId).toBe(a);
      expect(result.skipped[2]).toMatchObject({ keyId: d, reason: 'cooling_down' });
      expect(result.skipped[2]?.until?.getTime()).toBeGreaterThan(Date.now());
      expect(result.keyData.apiKey).toMatch(/^sk-test-ok-/);
      await manager.revokeKey(b);
      await manager.deleteKey(c);
      const after = await pick();
      expect(after.skipped.slice(0, 2)).toEqual([
        { keyId: b, reason: 'revoked' },
        { keyId: c, reason: 'missing' },
      ]);
    });

    it('passes over a key that fails to decrypt, whether its data key is in memory or not', async () => {
      // The tag's first character changed: the ciphertext keeps its format and fails authentication.
      const corrupt = async (userId: string, keyId: string) => {
        await db().query(
          `UPDATE byok.keys SET ciphertext = regexp_replace(ciphertext, '^(ck1:[^:]+:[^:]+:)(.)',
             '\\1' || CASE WHEN split_part(ciphertext, ':', 4) LIKE 'A%' THEN 'B' ELSE 'A' END) WHERE id = $1`,
          [keyId],
        );
        await manager.context.cache.invalidate([`active:user:${userId}:openai:production`]);
      };
      const inMemory = await ownerWithKeys(['ok', 'ok'], [0, 5]);
      await corrupt(inMemory.userId, inMemory.ids[0] as string);
      const served = await fallback.executeWithFallback(inMemory.userId, 'openai', 'production', callOpenAI);
      expect(served).toMatchObject({
        result: inMemory.ids[1],
        skipped: [{ keyId: inMemory.ids[0], reason: 'decryption_failed' }],
      });
      const loaded = await ownerWithKeys(['ok', 'ok'], [0, 5]);
      await corrupt(loaded.userId, loaded.ids[0] as string);
      manager.context.dataKeys.forget();
      const picked = await fallback.getKeyWithFallback(loaded.userId, 'openai', 'production');
      expect(picked).toMatchObject({
        keyId: loaded.ids[1],
        skipped: [{ keyId: loaded.ids[0], reason: 'decryption_failed' }],
      });
    });

    it('without a chain, serves the active keys by priority, like getActiveKey', async () => {
      const { userId, ids } = await ownerWithKeys(['ok', 'ok'], [3, 1]);
      const result = await fallback.getKeyWithFallback({ userId }, 'openai', 'production');
      expect(result.keyId).toBe(ids[1]);
      expect((await manager.getActiveKey(userId, 'openai'))?.id).toBe(ids[1]);
    });

    it('falls back to the system key from options or SYSTEM_* variables when the chain allows it', async () => {
      const { userId, ids } = await ownerWithKeys(['ok']);
      await manager.updateKey(ids[0]!, { enabled: false });
      const systemApiKey = openaiKey('system');
      const withOption = makeFallback({
        options: { fallback: { enabled: true, systemKeys: { openai: { apiKey: systemApiKey } } } },
      });
      // No chain configured: `fallback.enabled: true` turns system fallback on by default.
      expect(await withOption.getKeyWithFallback(userId, 'openai', 'production')).toMatchObject({
        keyId: 'system',
        wasSystemFallback: true,
        keyData: { apiKey: systemApiKey },
        skipped: [],
      });
      // A configured chain decides.
      await fallback.configureFallbackChain(userId, 'openai', 'production', { useSystemFallback: false });
      expect(await codeOf(withOption.getKeyWithFallback(userId, 'openai', 'production'))).toBe(
        'NO_KEY_AVAILABLE',
      );
      await fallback.configureFallbackChain(userId, 'openai', 'production', {
        primaryKeyId: ids[0],
        useSystemFallback: true,
      });
      const fromEnv = makeFallback({
        options: {},
        settings: fallbackSettings({ SYSTEM_OPENAI_KEY: systemApiKey }),
      });
      expect(await fromEnv.getKeyWithFallback(userId, 'openai', 'production')).toMatchObject({
        keyId: 'system',
        skipped: [{ keyId: ids[0], reason: 'disabled' }],
      });
      // `fallback.enabled: false` is a kill switch for system keys.
      const killed = makeFallback({
        options: { fallback: { enabled: false, systemKeys: { openai: { apiKey: systemApiKey } } } },
      });
      const error = await killed.getKeyWithFallback(userId, 'openai', 'production').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BYOKError);
      expect((error as BYOKError).code).toBe('NO_KEY_AVAILABLE');
      expect((error as BYOKError).details?.skipped).toEqual([{ keyId: ids[0], reason: 'disabled' }]);
    });

    it('reads the Twilio system credential from its two variables; ignores a malformed one without logging it', async () => {
      const userId = uniqueId();
      await manager.addKey({
        userId,
        provider: 'twilio',
        keyData: { accountSid: `AC${'0a'.repeat(16)}`, authToken: 'abcdef0123456789abcdef0123456789' },
      });
      const twilioKey = await manager.getActiveKey(userId, 'twilio');
      await manager.updateKey(twilioKey!.id, { enabled: false });
      await fallback.configureFallbackChain(userId, 'twilio', 'production', { useSystemFallback: true });
      const sid = `AC${'1b'.repeat(16)}`;
      const env = {
        SYSTEM_TWILIO_ACCOUNT_SID: sid,
        SYSTEM_TWILIO_AUTH_TOKEN: 'fedcba9876543210fedcba9876543210',
      };
      expect(
        await makeFallback({ settings: fallbackSettings(env) }).getKeyWithFallback(
          userId,
          'twilio',
          'production',
        ),
      ).toMatchObject({
        keyId: 'system',
        keyData: { accountSid: sid, authToken: env.SYSTEM_TWILIO_AUTH_TOKEN },
      });
      const bad = makeFallback({
        settings: fallbackSettings({
          SYSTEM_TWILIO_ACCOUNT_SID: 'nonsense-sid-value',
          SYSTEM_TWILIO_AUTH_TOKEN: 'x',
        }),
      });
      expect(await codeOf(bad.getKeyWithFallback(userId, 'twilio', 'production'))).toBe('NO_KEY_AVAILABLE');
      expect(log.lines.join('')).toContain('the system key for this provider is malformed');
      expect(log.lines.join('')).not.toContain('nonsense-sid-value');
    });

    it('takes a workspace owner', async () => {
      const ws = await manager.workspaces.createWorkspace({ name: 'Team', ownerUserId: uniqueId() });
      const keyId = await manager.addKey({
        workspaceId: ws.id,
        provider: 'openai',
        keyData: { apiKey: openaiKey() },
      });
      await fallback.configureFallbackChain({ workspaceId: ws.id }, 'openai', 'production', {
        primaryKeyId: keyId,
      });
      expect((await fallback.getKeyWithFallback({ workspaceId: ws.id }, 'openai', 'production')).keyId).toBe(
        keyId,
      );
    });
  });

  describe('executeWithFallback', () => {
    it('moves past refused keys, parks each as the provider asked, backs off, and reports who served', async () => {
      const { userId, ids, secrets } = await ownerWithKeys(['invalid', 'ok', 'billing', 'ok']);
      const [invalid, limited, billing, good] = ids as [string, string, string, string];
      fake.setBehavior(secrets[1]!, { kind: 'rate_limited', retryAfterSeconds: 7 });
      await fallback.configureFallbackChain(userId, 'openai', 'production', {
        primaryKeyId: invalid,
        fallbackSequence: [limited, billing, good],
        maxRetries: 3,
        retryDelayMs: 30,
      });
      const started = performance.now();
      const run = await fallback.executeWithFallback(userId, 'openai', 'production', callOpenAI);
      expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 30 - 5);
      expect(run).toMatchObject({ result: good, keyId: good, wasSystemFallback: false });
      expect(run.attempts).toEqual([
        { keyId: invalid, outcome: 'invalid_key', statusCode: 401 },
        { keyId: limited, outcome: 'rate_limited', statusCode: 429 },
        { keyId: billing, outcome: 'billing', statusCode: 429 },
        { keyId: good, outcome: 'valid' },
      ]);
      expect(fake.requests).toHaveLength(4);
      // 401: until revalidated (at most a day), and flagged for the periodic validation.
      expect(await cooldownLeft(invalid)).toBeGreaterThan(23 * HOUR_MS);
      expect((await keyState(invalid)).last_validation_status).toBe('invalid_key');
      // 429 with Retry-After: 7 → exactly that long.
      const limitedLeft = (await cooldownLeft(limited)) ?? 0;
      expect(limitedLeft).toBeGreaterThan(5000);
      expect(limitedLeft).toBeLessThanOrEqual(7000);
      // OpenAI's "insufficient_quota" 429 is billing: long.
      expect(await cooldownLeft(billing)).toBeGreaterThan(HOUR_MS - 60_000);
      expect(await cooldownLeft(good)).toBeNull();

      // The next call goes straight to the working key.
      fake.clear();
      const again = await fallback.executeWithFallback(userId, 'openai', 'production', callOpenAI);
      expect(again.attempts).toEqual([{ keyId: good, outcome: 'valid' }]);
      expect(again.skipped.map((s) => [s.keyId, s.reason])).toEqual([
        [invalid, 'cooling_down'],
        [limited, 'cooling_down'],
        [billing, 'cooling_down'],
      ]);
      expect(fake.requests).toHaveLength(1);
    });

    it('stops after 1 + maxRetries attempts', async () => {
      const { userId, ids } = await ownerWithKeys(['outage', 'outage', 'outage', 'ok']);
      await fallback.configureFallbackChain(userId, 'openai', 'production', {
        maxRetries: 1,
        retryDelayMs: 0,
      });
      const error = await fallback
        .executeWithFallback(userId, 'openai', 'production', callOpenAI)
        .catch((e: unknown) => e as BYOKError);
      expect(error).toBeInstanceOf(BYOKError);
      expect((error as BYOKError).code).toBe('PROVIDER_UNAVAILABLE');
      expect((error as BYOKError).details?.attempts).toEqual([
        { keyId: ids[0], outcome: 'outage', statusCode: 503 },
        { keyId: ids[1], outcome: 'outage', statusCode: 503 },
      ]);
      expect(ProviderCallError.isInstance((error as BYOKError).cause)).toBe(true);
      expect(fake.requests).toHaveLength(2);
      // An outage says nothing about the key: no cooldown.
      expect(await cooldownLeft(ids[0]!)).toBeNull();
    });

    it('rethrows a caller error (400) at once, unchanged, without touching the key', async () => {
      const { userId, ids } = await ownerWithKeys(['ok', 'ok']);
      await fallback.configureFallbackChain(userId, 'openai', 'production', { retryDelayMs: 0 });
      const badRequest = new ProviderCallError('Invalid model', { provider: 'openai', statusCode: 400 });
      let calls = 0;
      const thrown = await fallback
        .executeWithFallback(userId, 'openai', 'production', async () => {
          calls += 1;
          throw badRequest;
        })
        .catch((e: unknown) => e);
      expect(thrown).toBe(badRequest);
      expect(calls).toBe(1);
      expect(await cooldownLeft(ids[0]!)).toBeNull();
      const bug = new TypeError('cannot read properties of undefined');
      expect(
        await fallback
          .executeWithFallback(userId, 'openai', 'production', async () => {
            throw bug;
          })
          .catch((e: unknown) => e),
      ).toBe(bug);
    });

    it('ends on the system key, and parks a rate-limited system key in memory', async () => {
      const { userId } = await ownerWithKeys(['invalid']);
      const systemApiKey = openaiKey('ok');
      const withSystem = makeFallback({
        options: { fallback: { enabled: true, systemKeys: { openai: { apiKey: systemApiKey } } } },
      });
      await fallback.configureFallbackChain(userId, 'openai', 'production', {
        useSystemFallback: true,
        retryDelayMs: 0,
      });
      const run = await withSystem.executeWithFallback(userId, 'openai', 'production', callOpenAI);
      expect(run).toMatchObject({ keyId: 'system', wasSystemFallback: true, result: 'system' });
      expect(run.attempts.map((a) => a.outcome)).toEqual(['invalid_key', 'valid']);

      fake.setBehavior(systemApiKey, { kind: 'rate_limited', retryAfterSeconds: 30 });
      expect(await codeOf(withSystem.executeWithFallback(userId, 'openai', 'production', callOpenAI))).toBe(
        'PROVIDER_UNAVAILABLE',
      );
      fake.clear();
      const error = await withSystem
        .executeWithFallback(userId, 'openai', 'production', callOpenAI)
        .catch((e: unknown) => e as BYOKError);
      expect((error as BYOKError).code).toBe('NO_KEY_AVAILABLE');
      expect((error as BYOKError).details?.skipped).toContainEqual({
        keyId: 'system',
        reason: 'cooling_down',
      });
      expect(fake.requests).toHaveLength(0);
    });

    it('counts lookups by provider and result, never by key', async () => {
      const metrics = createMetrics();
      const counted = makeFallback({ metrics });
      const { userId, ids } = await ownerWithKeys(['ok', 'ok']);
      await counted.getKeyWithFallback(userId, 'openai', 'production');
      await manager.updateKey(ids[0]!, { enabled: false });
      await counted.configureFallbackChain(userId, 'openai', 'production', { primaryKeyId: ids[0] });
      await counted.getKeyWithFallback(userId, 'openai', 'production');
      const text = await metrics.registry.metrics();
      expect(text).toContain('byok_key_lookups_total{provider="openai",result="user_key"} 1');
      expect(text).toContain('byok_key_lookups_total{provider="openai",result="fallback_key"} 1');
      expect(text).not.toContain(ids[0]!);
    });
  });
});
