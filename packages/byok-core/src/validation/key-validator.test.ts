import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capturingLogger, databaseBackends, uniqueId } from '../../test/backends.js';
import { openManager, serviceDeps } from '../../test/manager.js';
import { freePort } from '../../test/private-services.js';
import { expectOneRequest, providerCases, TWILIO_SID, unique } from '../../test/provider-cases.js';
import { validationAndFallbackSettingsFromEnv } from '../config/validation-fallback-env.js';
import { isBYOKError } from '../errors/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import type { BYOKManagerOptions } from '../manager/options.js';
import { createMetrics } from '../metrics/prometheus.js';
import { type KeyData, ProviderType, secretValues } from '../providers/index.js';
import { createValidationsStore } from '../store/validations-store.js';
import { type FakeProviders, startFakeProviders } from '../testing/fake-providers.js';
import { DEFAULT_COOLDOWNS } from './cooldown.js';
import { KeyValidator, type KeyValidatorDeps } from './key-validator.js';
import { storeValidations } from './result-writer.js';

const SHORT_TIMEOUT_MS = 200;
const HOUR_MS = 60 * 60_000;

interface KeyRowState {
  status: string;
  health_score: number;
  last_validation_status: string | null;
  last_validated_at: Date | string | null;
  cooldown_until: Date | string | null;
}
interface ValidationRow {
  is_valid: boolean;
  status: string;
  health_score: number;
  error_code: string | null;
  error_message: string | null;
  response_time_ms: number;
  tests_run: string[];
}

let fake: FakeProviders;
let closedPort: number;

beforeAll(async () => {
  fake = await startFakeProviders();
  closedPort = await freePort();
});
afterAll(() => fake.close());
beforeEach(() => fake.clear());

describe.each(databaseBackends)('KeyValidator on $name', (backend) => {
  let close: () => Promise<void>;
  let manager: BYOKManager;
  let validator: KeyValidator;
  const log = capturingLogger();

  const baseUrls = () =>
    Object.fromEntries(Object.entries(fake.baseUrls).map(([id, baseUrl]) => [id, { baseUrl }]));

  /** A validator over the manager's services, as the lead will wire it (the product's 10 s timeout: a loaded runner is slow, not a hung provider). */
  const makeValidator = (
    extra: Partial<KeyValidatorDeps> = {},
    validation: BYOKManagerOptions['validation'] = { timeout: 10_000 },
  ) =>
    new KeyValidator({
      ...serviceDeps(manager),
      options: { ...manager.context.options, validation },
      ...extra,
    });

  const openaiKey = (marker: string) => ({ apiKey: `sk-test-${marker}-${unique()}-${'a1'.repeat(12)}` });
  /** Stores an OpenAI key for `userId` whose secret carries `marker` (the fake answers by it). */
  const addOpenAiKey = (userId: string, marker = 'ok') =>
    manager.addKey({ userId, provider: 'openai', keyData: openaiKey(marker) });

  beforeAll(async () => {
    ({ manager, close } = await openManager(backend, {
      logger: log.logger,
      providers: baseUrls(),
    }));
    validator = makeValidator();
  });
  afterAll(() => close());

  const db = () => manager.context.db;
  const keyState = async (keyId: string): Promise<KeyRowState> =>
    (
      await db().query<KeyRowState>(
        'SELECT status, health_score, last_validation_status, last_validated_at, cooldown_until FROM byok.keys WHERE id = $1',
        [keyId],
      )
    ).rows[0] as KeyRowState;
  const validations = async (keyId: string): Promise<ValidationRow[]> =>
    (
      await db().query<ValidationRow>(
        'SELECT is_valid, status, health_score, error_code, error_message, response_time_ms, tests_run FROM byok.key_validations WHERE key_id = $1 ORDER BY id',
        [keyId],
      )
    ).rows;
  const auditActions = async (keyId: string): Promise<string[]> =>
    (await manager.audit.list({ targetId: keyId })).map((entry) => entry.action);
  const cooldownMs = (state: KeyRowState): number | null =>
    state.cooldown_until === null ? null : new Date(state.cooldown_until).getTime() - Date.now();

  describe.each(providerCases)('$provider', (c) => {
    async function addKey(marker: string): Promise<{ keyId: string; keyData: KeyData; userId: string }> {
      const userId = uniqueId();
      const keyData = c.keyData(marker);
      const keyId = await manager.addKey({ userId, provider: c.provider, keyData });
      return { keyId, keyData, userId };
    }

    /** Adds a key with `marker` and validates it once with the suite's validator. */
    async function addTested(marker: string) {
      const added = await addKey(marker);
      return { ...added, result: await validator.testKey(added.keyId) };
    }

    /** The one request the validation sent: right path, right auth, key never in the URL. */
    const sentRequest = (keyData: KeyData) => expectOneRequest(fake, c, keyData);

    function expectNoSecret(value: unknown, keyData: KeyData): void {
      const text = JSON.stringify(value);
      for (const secret of secretValues(c.provider, keyData)) expect(text).not.toContain(secret);
    }

    it('valid → isValid, health 100, row and audit entry stored, cooldown cleared', async () => {
      const { keyId, keyData, result } = await addTested('ok');
      expect(result).toMatchObject({
        keyId,
        isValid: true,
        status: 'valid',
        healthScore: 100,
        statusCode: 200,
      });
      expect(result.errorMessage).toBeUndefined();
      expect(result.testsRun).toEqual(['decryption', 'authentication', ...(c.balance ? ['balance'] : [])]);
      expect(result.balance).toEqual(c.balance);
      expect(result.responseTime).toBeGreaterThanOrEqual(0);
      sentRequest(keyData);
      const state = await keyState(keyId);
      expect(state).toMatchObject({ status: 'active', health_score: 100, last_validation_status: 'valid' });
      expect(state.last_validated_at).not.toBeNull();
      expect(state.cooldown_until).toBeNull();
      const rows = await validations(keyId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ is_valid: true, status: 'valid', health_score: 100, error_code: null });
      expect(rows[0]?.tests_run).toContain('authentication');
      expect(await auditActions(keyId)).toContain('key.tested');
    });

    it('invalid key → invalid_key, health 0, key marked invalid, message without the key', async () => {
      const { keyId, keyData, result } = await addTested('invalid');
      expect(result).toMatchObject({
        isValid: false,
        status: 'invalid_key',
        healthScore: 0,
        errorCode: 'INVALID_KEY',
        statusCode: c.invalidStatus,
      });
      expect(result.errorMessage).toMatch(/^Provider validation failed: /);
      expectNoSecret(result, keyData);
      sentRequest(keyData);
      const state = await keyState(keyId);
      expect(state).toMatchObject({
        status: 'invalid',
        health_score: 0,
        last_validation_status: 'invalid_key',
      });
      expect(state.cooldown_until).toBeNull();
      const rows = await validations(keyId);
      expect(rows[0]).toMatchObject({ is_valid: false, status: 'invalid_key', error_code: 'INVALID_KEY' });
      expectNoSecret(rows, keyData);
      // Never retried automatically: one request, one row.
      expect(fake.requests).toHaveLength(1);
      expect(rows).toHaveLength(1);
    });

    it('forbidden → permission_denied, status and cooldown unchanged', async () => {
      const { keyId, result } = await addTested('forbidden');
      expect(result).toMatchObject({
        isValid: false,
        status: 'permission_denied',
        healthScore: 30,
        statusCode: 403,
      });
      const state = await keyState(keyId);
      expect(state).toMatchObject({ status: 'active', health_score: 30 });
      expect(state.cooldown_until).toBeNull();
    });

    it('no credit → billing: stays active, health ≤ 10, parked for an hour, not retried', async () => {
      const { keyId, keyData, result } = await addTested('billing');
      expect(result).toMatchObject({
        isValid: false,
        status: 'billing',
        healthScore: 10,
        errorCode: 'BILLING',
      });
      sentRequest(keyData);
      const state = await keyState(keyId);
      expect(state.status).toBe('active');
      expect(cooldownMs(state)).toBeGreaterThan(HOUR_MS - 60_000);
      expect(cooldownMs(state)).toBeLessThanOrEqual(HOUR_MS);
      expect(result.cooldownUntil?.getTime()).toBe(new Date(state.cooldown_until as string).getTime());
    });

    it('rate limited with Retry-After → parked for exactly that long, never marked invalid', async () => {
      const { keyId, keyData } = await addKey('ok');
      fake.setBehavior(secretValues(c.provider, keyData)[0]!, { kind: 'rate_limited', retryAfterSeconds: 7 });
      const result = await validator.testKey(keyId);
      expect(result).toMatchObject({
        status: 'rate_limited',
        healthScore: 60,
        retryAfterMs: 7000,
        statusCode: 429,
      });
      const state = await keyState(keyId);
      expect(state.status).toBe('active');
      expect(cooldownMs(state)).toBeGreaterThan(5000);
      expect(cooldownMs(state)).toBeLessThanOrEqual(7000);
    });

    it('rate limited without a hint → the provider default or 60 s', async () => {
      const { keyId, result } = await addTested('ratelimit');
      expect(result.status).toBe('rate_limited');
      const expected = c.defaultRetryAfterMs ?? 60_000;
      const left = cooldownMs(await keyState(keyId)) ?? 0;
      expect(left).toBeGreaterThan(expected - 2000);
      expect(left).toBeLessThanOrEqual(expected);
    });

    it('outage → outage: health 50, status and cooldown unchanged', async () => {
      const { keyId, result } = await addTested('outage');
      expect(result).toMatchObject({
        isValid: false,
        status: 'outage',
        healthScore: 50,
        errorCode: 'PROVIDER_OUTAGE',
      });
      const state = await keyState(keyId);
      expect(state.status).toBe('active');
      expect(state.cooldown_until).toBeNull();
    });

    it('a provider that never answers costs at most the timeout (+ slack) → timeout', async () => {
      const { keyId, keyData } = await addKey('hang');
      const short = makeValidator({}, { timeout: SHORT_TIMEOUT_MS });
      const started = performance.now();
      const result = await short.testKey(keyId);
      const elapsed = performance.now() - started;
      expect(result).toMatchObject({
        isValid: false,
        status: 'timeout',
        healthScore: 50,
        errorCode: 'TIMEOUT',
      });
      // The provider call is cut at the limit; the whole call adds only database work (bench/validation.ts
      // measures 1.01× the timeout; the bound here leaves room for a loaded CI machine).
      expect(result.responseTime).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 20);
      expect(result.responseTime).toBeLessThan(SHORT_TIMEOUT_MS + 150);
      expect(elapsed).toBeLessThan(SHORT_TIMEOUT_MS + 800);
      sentRequest(keyData);
      expect((await keyState(keyId)).status).toBe('active');
    });

    it('an unreachable provider → network_error, status unchanged', async () => {
      const { keyId } = await addKey('ok');
      const offline = makeValidator({
        options: { providers: { [c.provider]: { baseUrl: `http://127.0.0.1:${closedPort}/${c.provider}` } } },
      });
      const result = await offline.testKey(keyId);
      expect(result).toMatchObject({ isValid: false, status: 'network_error', errorCode: 'NETWORK_ERROR' });
      expect(result.providerCode).toBe('ECONNREFUSED');
      expect((await keyState(keyId)).status).toBe('active');
    });

    it('an answer that fits nothing → unexpected', async () => {
      const { keyId } = await addKey('ok');
      const wrong = makeValidator({
        options: { providers: { [c.provider]: { baseUrl: `${fake.url}/not-a-provider` } } },
      });
      const result = await wrong.testKey(keyId);
      expect(result).toMatchObject({ status: 'unexpected', healthScore: 40, statusCode: 404 });
    });
  });

  describe('state changes and history', () => {
    it('blends recent history: valid then outage gives 70, then valid again 90', async () => {
      const keyData = openaiKey('ok');
      const keyId = await manager.addKey({ userId: uniqueId(), provider: 'openai', keyData });
      expect((await validator.testKey(keyId)).healthScore).toBe(100);
      fake.setBehavior(keyData.apiKey, 'outage');
      expect((await validator.testKey(keyId)).healthScore).toBe(70);
      fake.setBehavior(keyData.apiKey, 'ok');
      // 0.6 × 100 + 0.4 × mean(50, 100)
      expect((await validator.testKey(keyId)).healthScore).toBe(90);
      expect((await keyState(keyId)).health_score).toBe(90);
    });

    it('a key marked invalid comes back once it validates again; a disabled key stays disabled', async () => {
      const keyData = openaiKey('ok');
      const keyId = await manager.addKey({ userId: uniqueId(), provider: 'openai', keyData });
      fake.setBehavior(keyData.apiKey, 'invalid');
      await validator.testKey(keyId);
      expect((await keyState(keyId)).status).toBe('invalid');
      fake.setBehavior(keyData.apiKey, 'ok');
      await validator.testKey(keyId);
      expect((await keyState(keyId)).status).toBe('active');
      await manager.updateKey(keyId, { enabled: false });
      fake.setBehavior(keyData.apiKey, 'invalid');
      await validator.testKey(keyId);
      expect((await keyState(keyId)).status).toBe('disabled');
    });

    it('a valid result clears a rate-limit cooldown', async () => {
      const keyData = openaiKey('ok');
      const keyId = await manager.addKey({ userId: uniqueId(), provider: 'openai', keyData });
      fake.setBehavior(keyData.apiKey, { kind: 'rate_limited', retryAfterSeconds: 30 });
      await validator.testKey(keyId);
      expect((await keyState(keyId)).cooldown_until).not.toBeNull();
      fake.setBehavior(keyData.apiKey, 'ok');
      const result = await validator.testKey(keyId);
      expect(result.cooldownUntil).toBeNull();
      expect((await keyState(keyId)).cooldown_until).toBeNull();
    });

    it('Twilio closed account → revoked: key marked invalid', async () => {
      const keyData = { accountSid: TWILIO_SID, authToken: `ok${unique()}${'9a'.repeat(14)}` };
      const keyId = await manager.addKey({ userId: uniqueId(), provider: 'twilio', keyData });
      const closedAccount: typeof fetch = async () =>
        new Response(JSON.stringify({ sid: TWILIO_SID, status: 'closed' }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      const result = await makeValidator({ fetch: closedAccount }).testKey(keyId);
      expect(result).toMatchObject({
        status: 'revoked',
        isValid: false,
        healthScore: 0,
        errorCode: 'KEY_REVOKED',
      });
      expect((await keyState(keyId)).status).toBe('invalid');
    });

    it('the timeout is hard even when fetch ignores its abort signal', async () => {
      const keyId = await addOpenAiKey(uniqueId());
      const deaf: typeof fetch = () => new Promise<Response>(() => undefined);
      const started = performance.now();
      const result = await makeValidator({ fetch: deaf }, { timeout: SHORT_TIMEOUT_MS }).testKey(keyId);
      expect(result.status).toBe('timeout');
      expect(result.responseTime).toBeLessThanOrEqual(SHORT_TIMEOUT_MS + 25);
      expect(performance.now() - started).toBeLessThan(SHORT_TIMEOUT_MS + 800);
    });

    it('reads BYOK_VALIDATION_TIMEOUT when no option is given; default 10 s', () => {
      const deps = { options: {} };
      const fromEnv = (env: Record<string, string>) => validationAndFallbackSettingsFromEnv(env).validation;
      expect(
        makeValidator({ ...deps, settings: fromEnv({ BYOK_VALIDATION_TIMEOUT: '1500' }) }).timeoutMs,
      ).toBe(1500);
      expect(makeValidator({ ...deps, settings: fromEnv({}) }).timeoutMs).toBe(10_000);
      expect(
        () => makeValidator({ ...deps, settings: fromEnv({ BYOK_VALIDATION_TIMEOUT: 'soon' }) }).timeoutMs,
      ).toThrow(/BYOK_VALIDATION_TIMEOUT/);
    });

    it('a key that fails to decrypt is reported and recorded as decryption_failed', async () => {
      const keyId = await addOpenAiKey(uniqueId());
      const { rows } = await db().query<{ ciphertext: string }>(
        'SELECT ciphertext FROM byok.keys WHERE id = $1',
        [keyId],
      );
      const ciphertext = rows[0]!.ciphertext;
      const flipped = `${ciphertext.slice(0, -3)}${ciphertext.slice(-3, -2) === 'A' ? 'B' : 'A'}${ciphertext.slice(-2)}`;
      await db().query('UPDATE byok.keys SET ciphertext = $2 WHERE id = $1', [keyId, flipped]);
      await manager.context.cache.invalidate([`key:${keyId}`]);
      const before = manager.context.counters.decryptionErrors.get('openai') ?? 0;
      const result = await validator.testKey(keyId);
      expect(result).toMatchObject({
        isValid: false,
        status: 'decryption_failed',
        healthScore: 0,
        errorCode: 'DECRYPTION_FAILED',
        errorMessage: 'Failed to decrypt API key',
        testsRun: ['decryption'],
      });
      expect(fake.requests).toHaveLength(0);
      expect(manager.context.counters.decryptionErrors.get('openai')).toBe(before + 1);
      expect((await keyState(keyId)).status).toBe('active');
      expect((await validations(keyId))[0]?.status).toBe('decryption_failed');
    });

    it('KEY_NOT_FOUND for a missing key, a revoked key, or another owner’s key', async () => {
      const userId = uniqueId();
      const keyId = await addOpenAiKey(userId);
      const codeOf = (promise: Promise<unknown>) =>
        promise.then(
          () => 'no error',
          (error: unknown) => (isBYOKError(error) ? error.code : String(error)),
        );
      expect(await codeOf(validator.testKey('key_doesnotexist'))).toBe('KEY_NOT_FOUND');
      expect(await codeOf(validator.testKey(keyId, { scope: { userId: uniqueId() } }))).toBe('KEY_NOT_FOUND');
      expect((await validator.testKey(keyId, { scope: { userId } })).isValid).toBe(true);
      await manager.revokeKey(keyId);
      expect(await codeOf(validator.testKey(keyId))).toBe('KEY_NOT_FOUND');
    });
  });

  describe('validateAllKeys', () => {
    it('validates every key of the owner but revoked ones, at most `parallelValidation` at once', async () => {
      const userId = uniqueId();
      const ids: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const { apiKey } = openaiKey('ok');
        fake.setBehavior(apiKey, { kind: 'slow', delayMs: 60 });
        ids.push(await manager.addKey({ userId, provider: 'openai', keyData: { apiKey } }));
      }
      await manager.revokeKey(ids[5]!);
      await manager.updateKey(ids[4]!, { enabled: false });
      const other = await addOpenAiKey(uniqueId());
      let inFlight = 0;
      let peak = 0;
      const counting: typeof fetch = async (input, init) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight -= 1;
        }
      };
      const two = makeValidator({ fetch: counting }, { timeout: 2000, parallelValidation: 2 });
      const results = await two.validateAllKeys(userId);
      expect(results.map((r) => r.keyId).sort()).toEqual(ids.slice(0, 5).sort());
      expect(results.every((r) => r.isValid)).toBe(true);
      expect(peak).toBe(2);
      expect(results.map((r) => r.keyId)).not.toContain(other);
      const serial = makeValidator({ fetch: counting }, { timeout: 2000, parallelValidation: false });
      peak = 0;
      await serial.validateAllKeys({ userId });
      expect(peak).toBe(1);
      expect(makeValidator({}, { parallelValidation: true } as never).concurrency).toBe(10);
    });
  });

  describe('writes and audit', () => {
    it('bulk runs audit one summary per call and each status change, while every validation gets its row', async () => {
      const userId = uniqueId();
      const ok = await addOpenAiKey(userId);
      const bad = await addOpenAiKey(userId, 'invalid');
      const tested = async () =>
        (await manager.audit.list({ owner: { type: 'user', id: userId } })).filter(
          (e) => e.action === 'key.tested',
        );
      await validator.validateAllKeys(userId, { context: { actor: 'admin_1', requestId: 'req_1' } });
      const first = await tested();
      expect(first.map((e) => [e.targetType, e.targetId]).sort()).toEqual(
        [
          ['key', bad],
          ['owner', userId],
        ].sort(),
      );
      const summary = first.find((e) => e.targetType === 'owner');
      expect(summary).toMatchObject({
        actor: { type: 'user', id: 'admin_1' },
        details: { trigger: 'bulk', keys: 2, valid: 1, invalidKeyIds: [bad] },
      });
      expect(first.find((e) => e.targetId === bad)?.details).toMatchObject({
        statusFrom: 'active',
        statusTo: 'invalid',
      });
      // Again: nothing changes, so only the summary is added; both validations are stored.
      await validator.validateAllKeys(userId);
      expect((await tested()).length).toBe(3);
      expect(await validations(ok)).toHaveLength(2);
      expect(await validations(bad)).toHaveLength(2);
      expect(await manager.audit.verifyChain()).toMatchObject({ ok: true });
    });

    it('keeps concurrent validations of one key and of overlapping owners consistent (no deadlock, full history)', async () => {
      const userId = uniqueId();
      const keyData = openaiKey('ok');
      const keyId = await manager.addKey({ userId, provider: 'openai', keyData });
      for (let i = 0; i < 3; i += 1) {
        await addOpenAiKey(userId);
      }
      const other = makeValidator();
      await Promise.all([
        ...Array.from({ length: 5 }, () => validator.testKey(keyId)),
        validator.validateAllKeys(userId),
        other.validateAllKeys(userId),
        other.testKey(keyId),
      ]);
      const rows = await validations(keyId);
      expect(rows).toHaveLength(8);
      expect(rows.every((r) => r.status === 'valid' && r.health_score === 100)).toBe(true);
      expect(await manager.audit.verifyChain()).toMatchObject({ ok: true });
    });

    it('gives the second of two results for one key in one batch the first in its history', async () => {
      const keyId = await addOpenAiKey(uniqueId());
      const row = (await manager.keys.findRow(keyId))!;
      const write = (status: 'outage' | 'valid') => ({
        row,
        sample: { status, responseTimeMs: 10 },
        retryAfterMs: undefined,
        isValid: status === 'valid',
        errorCode: null,
        errorMessage: null,
        testsRun: ['authentication'],
        audit: 'status-change' as const,
        trigger: 'bulk' as const,
        context: { actor: 'system' },
      });
      const stored = await db().transaction((tx) =>
        storeValidations(
          createValidationsStore(db()),
          tx,
          manager.context.audit,
          [write('outage'), write('valid')],
          DEFAULT_COOLDOWNS,
        ),
      );
      expect(stored.map((s) => s?.healthScore)).toEqual([50, 80]);
      expect((await keyState(keyId)).health_score).toBe(80);
      expect((await validations(keyId)).map((r) => r.status)).toEqual(['outage', 'valid']);
    });
  });

  describe('testCredential', () => {
    it('tests a credential that is not stored and writes nothing', async () => {
      const count = async () =>
        Number(
          (await db().query<{ n: string }>('SELECT count(*) AS n FROM byok.key_validations')).rows[0]?.n,
        );
      const before = await count();
      const apiKey = `sk-ant-api03-invalid-${unique()}-${'b2'.repeat(20)}`;
      const result = await validator.testCredential('anthropic', { apiKey });
      expect(result).toMatchObject({ keyId: null, isValid: false, status: 'invalid_key', healthScore: 0 });
      expect(result.errorMessage).toMatch(/^Provider validation failed: /);
      expect(JSON.stringify(result)).not.toContain(apiKey);
      expect(result.testsRun).toEqual(['format', 'authentication']);
      const ok = await validator.testCredential(ProviderType.DEEPSEEK, {
        apiKey: `sk-ok${unique()}${'d4'.repeat(16)}`,
      });
      expect(ok).toMatchObject({ isValid: true, status: 'valid', balance: { amount: 110, currency: 'USD' } });
      expect(await count()).toBe(before);
    });

    it('refuses a malformed credential before sending anything', async () => {
      await expect(validator.testCredential('openai', { apiKey: 'nope' })).rejects.toMatchObject({
        code: 'INVALID_KEY_FORMAT',
      });
      await expect(validator.testCredential('nosuch' as never, { apiKey: 'x' })).rejects.toMatchObject({
        code: 'UNKNOWN_PROVIDER',
      });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('metrics', () => {
    it('counts successes and failures by provider and reason, never by key', async () => {
      const metrics = createMetrics();
      const counted = makeValidator({ metrics });
      const userId = uniqueId();
      const good = await addOpenAiKey(userId);
      const bad = await addOpenAiKey(userId, 'billing');
      await counted.testKey(good);
      await counted.testKey(bad);
      await counted.testCredential('openai', openaiKey('ok'));
      const text = await metrics.registry.metrics();
      expect(text).toContain('ai_provider_validation_success_total{provider="openai"} 2');
      expect(text).toContain('ai_provider_validation_failure_total{provider="openai",reason="billing"} 1');
      expect(text).not.toContain(good);
      expect(text).not.toContain(userId);
    });
  });
});
