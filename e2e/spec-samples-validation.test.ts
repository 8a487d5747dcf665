/*
 * The implementation guide's samples, as written, with only the values changed (key ids, user ids,
 * `{...}`) and the types strict tsc asks for (a cast or `!`, erased at run time): "Fallback Chains",
 * "Key Validation", "Metrics Collection", "Health Checks" and the "Troubleshooting" snippets, against
 * the fake providers (base URLs from BYOK_<P>_BASE_URL), on real PostgreSQL when TEST_DATABASE_URL is
 * set, else on PGlite.
 *
 * Every sample's console output is captured and checked, and no key may reach a log line.
 */
import { createBYOKForStack2025, Environment, ProviderType } from '@stack-2025/byok-core';
import {
  checkKeyRotationStatus,
  collectBYOKMetrics,
  validateBYOKHealth,
} from '@stack-2025/byok-core/metrics';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { capturingLogger, databaseBackends, TEST_MASTER_KEY } from '../packages/byok-core/test/backends.js';

// The most real back end available: PostgreSQL when configured (CI), else PGlite.
const backend = databaseBackends.at(-1)!;
const OPENAI_OK = 'sk-proj-spec-ok-0123456789abcdef';
const OPENAI_BACKUP = 'sk-proj-spec-ok-backup-0123456789';
const OPENAI_INVALID = 'sk-proj-spec-invalid-0123456789abcdef';
const SYSTEM_OPENAI = 'sk-proj-spec-system-0123456789abcdef';
const ALL_SECRETS = [OPENAI_OK, OPENAI_BACKUP, OPENAI_INVALID, SYSTEM_OPENAI];

type BYOKSystem = Awaited<ReturnType<typeof createBYOKForStack2025>>;

describe(`spec samples: validation, fallback, monitoring, troubleshooting (${backend.name})`, () => {
  let fake: FakeProviders;
  let close: () => Promise<void>;
  let postgresClient: unknown;
  let byokSystem: BYOKSystem;
  let byokManager: BYOKSystem['manager'];
  const log = capturingLogger();
  const savedEnv = { ...process.env };
  let consoleLog: MockInstance<typeof console.log>;
  const printed = () => consoleLog.mock.calls.map((args) => args.map(String).join(' '));
  let primaryKeyId: string;
  let backupKeyId: string;
  let invalidKeyId: string;

  beforeAll(async () => {
    consoleLog = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    fake = await startFakeProviders();
    for (const [provider, url] of Object.entries(fake.baseUrls)) {
      process.env[`BYOK_${provider.toUpperCase()}_BASE_URL`] = url;
    }
    process.env.SYSTEM_OPENAI_KEY = SYSTEM_OPENAI;
    ({ client: postgresClient, close } = await backend.open());
    byokSystem = await createBYOKForStack2025({
      encryptionKey: TEST_MASTER_KEY,
      postgresClient,
      logger: log.logger,
      validation: { enabled: true, parallelValidation: true, timeout: 2000 },
      fallback: {
        enabled: true,
        systemKeys: { [ProviderType.OPENAI]: { apiKey: process.env.SYSTEM_OPENAI_KEY } },
      },
    });
    byokManager = byokSystem.manager;
    primaryKeyId = await byokManager.addKey({
      userId: 'user_123',
      provider: ProviderType.OPENAI,
      keyData: { apiKey: OPENAI_OK },
      alias: 'Primary',
    });
    backupKeyId = await byokManager.addKey({
      userId: 'user_123',
      provider: ProviderType.OPENAI,
      keyData: { apiKey: OPENAI_BACKUP },
      alias: 'Backup',
      priority: 1,
    });
    invalidKeyId = await byokManager.addKey({
      userId: 'user_123',
      provider: ProviderType.OPENAI,
      keyData: { apiKey: OPENAI_INVALID },
      alias: 'Expired',
      priority: 2,
    });
  });

  afterEach(() => consoleLog.mockClear());

  afterAll(async () => {
    consoleLog.mockRestore();
    await byokSystem.close();
    await close();
    await fake.close();
    process.env = savedEnv;
    // No sample lets a key reach a log line.
    const lines = log.lines.join('');
    for (const secret of ALL_SECRETS) expect(lines).not.toContain(secret);
  });

  describe('Monitoring & Observability, Troubleshooting', () => {
    it('Metrics Collection', async () => {
      // Custom metrics
      const metrics = await collectBYOKMetrics(byokManager);

      // Example metrics
      console.log('Total users:', metrics.users.total);
      console.log('Active keys:', metrics.keys.active);
      console.log('Validation success rate:', metrics.validation.successRate);
      console.log('Average response time:', metrics.performance.averageResponseTime);

      expect(printed()).toEqual([
        'Total users: 1',
        'Active keys: 3',
        `Validation success rate: ${metrics.validation.successRate}`,
        `Average response time: ${metrics.performance.averageResponseTime}`,
      ]);
    });

    it('Health Checks (Express): 200 when healthy, 503 without a master key', async () => {
      const serve = async (system: BYOKSystem) => {
        const app = express();
        const byokSystem = system;
        // Health check endpoint
        // biome-ignore lint/correctness/noUnusedFunctionParameters: the spec's sample, as written
        app.get('/health/byok', async (req, res) => {
          try {
            const health = await validateBYOKHealth(byokSystem);
            res.status(health.status === 'healthy' ? 200 : 503).json(health);
          } catch (error) {
            res.status(503).json({ status: 'unhealthy', error: (error as Error).message });
          }
        });
        const server = app.listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        const { port } = server.address() as { port: number };
        try {
          const response = await fetch(`http://127.0.0.1:${port}/health/byok`);
          return { status: response.status, body: await response.json() };
        } finally {
          server.close();
        }
      };

      const healthy = await serve(byokSystem);
      expect(healthy.status).toBe(200);
      expect(healthy.body).toMatchObject({
        status: 'healthy',
        checks: {
          database: { status: 'pass' },
          cache: { status: 'pass' },
          encryption: { status: 'pass' },
          validation: { status: 'pass' },
        },
      });

      delete process.env.BYOK_ENCRYPTION_KEY;
      delete process.env.ENCRYPTION_MASTER_KEY;
      const unconfigured = await createBYOKForStack2025({ postgresClient, logger: log.logger });
      try {
        const sick = await serve(unconfigured);
        expect(sick.status).toBe(503);
        expect(sick.body).toMatchObject({
          status: 'unhealthy',
          message: 'ENCRYPTION_MASTER_KEY not configured',
          checks: { encryption: { status: 'fail' } },
        });
      } finally {
        await unconfigured.close();
      }
    });

    it('Troubleshooting: Performance Issues', async () => {
      await byokManager.getActiveKey('user_123', ProviderType.OPENAI);
      await byokManager.getActiveKey('user_123', ProviderType.OPENAI);

      // Check cache hit rate
      const cacheStats = await byokSystem.cache?.getStats();
      console.log('Cache hit rate:', cacheStats?.hitRate);

      // Monitor database performance
      const dbStats = await byokSystem.database.getSystemStats();
      console.log('Active connections:', dbStats?.activeConnections);
      console.log('Average query time:', dbStats?.averageQueryTime);

      expect(cacheStats.hitRate).toBeGreaterThan(0);
      expect(dbStats.activeConnections).toBeGreaterThanOrEqual(0);
      expect(dbStats.averageQueryTime).toBeGreaterThan(0);
      expect(printed()[0]).toBe(`Cache hit rate: ${cacheStats.hitRate}`);
    });

    it('Troubleshooting: Encryption Errors (self-test)', async () => {
      const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      // Validate encryption key
      const encryptionValid = byokSystem.encryption.test();
      if (!encryptionValid) {
        console.error('Encryption service failed validation');
      }
      expect(encryptionValid).toBe(true);
      expect(consoleError).not.toHaveBeenCalled();
      consoleError.mockRestore();
    });

    it('Troubleshooting: Debugging Tools', async () => {
      // Enable debug logging
      process.env.BYOK_DEBUG = 'true';
      process.env.BYOK_LOG_LEVEL = 'debug';

      // Debug specific operations
      const debugManager = byokManager.withDebug(true);
      await debugManager.addKey({
        userId: 'user_debug',
        provider: ProviderType.OPENAI,
        keyData: { apiKey: 'sk-proj-spec-debug-0123456789abcdef' },
      }); // Will log detailed information

      const lines = log.lines.join('');
      expect(lines).toContain('"msg":"addKey"');
      expect(lines).not.toContain('sk-proj-spec-debug-0123456789abcdef');
    });
  });

  describe('Fallback Chains, Key Validation, and the troubleshooting that uses them', () => {
    it('Fallback Chains', async () => {
      // Configure fallback chain for OpenAI
      await byokSystem.fallback.configureFallbackChain(
        'user_123',
        ProviderType.OPENAI,
        Environment.PRODUCTION,
        {
          primaryKeyId: primaryKeyId,
          fallbackSequence: [backupKeyId, invalidKeyId],
          useSystemFallback: true,
          maxRetries: 3,
          retryDelayMs: 1000,
        },
      );

      // Get key with automatic fallback
      const result = await byokSystem.fallback.getKeyWithFallback(
        'user_123',
        ProviderType.OPENAI,
        Environment.PRODUCTION,
      );

      console.log('Using key:', result.keyId);
      console.log('Was system fallback:', result.wasSystemFallback);

      expect(printed()).toEqual([`Using key: ${primaryKeyId}`, 'Was system fallback: false']);

      // With every user key out of service, the system key (SYSTEM_OPENAI_KEY) serves.
      for (const keyId of [primaryKeyId, backupKeyId, invalidKeyId]) {
        await byokManager.updateKey(keyId, { enabled: false });
      }
      const fallen = await byokSystem.fallback.getKeyWithFallback(
        'user_123',
        ProviderType.OPENAI,
        Environment.PRODUCTION,
      );
      expect(fallen).toMatchObject({
        keyId: 'system',
        wasSystemFallback: true,
        keyData: { apiKey: SYSTEM_OPENAI },
      });
      expect(fallen.skipped.map((s: { reason: string }) => s.reason)).toEqual([
        'disabled',
        'disabled',
        'disabled',
      ]);
      for (const keyId of [primaryKeyId, backupKeyId, invalidKeyId]) {
        await byokManager.updateKey(keyId, { enabled: true });
      }
    });

    it('Key Validation', async () => {
      fake.clear();
      // Validate single key
      const validationResult = await byokManager.testKey(primaryKeyId);
      console.log('Key valid:', validationResult.isValid);
      console.log('Health score:', validationResult.healthScore);

      // Validate all user keys
      const allResults = await byokManager.validateAllKeys('user_123');
      const invalidKeys = allResults.filter((r) => !r.isValid);

      if (invalidKeys.length > 0) {
        console.log(
          'Invalid keys found:',
          invalidKeys.map((r) => r.keyId),
        );
      }

      // Schedule periodic validation
      const validator = byokSystem.validator;
      await validator.schedulePeriodicValidation(3600000); // Every hour

      expect(printed()).toEqual([
        'Key valid: true',
        'Health score: 100',
        `Invalid keys found: ${invalidKeyId}`,
      ]);
      expect(allResults).toHaveLength(3);
      expect(fake.requests.every((r) => r.path === '/openai/models')).toBe(true);
      expect(fake.requests).toHaveLength(4);
    });

    it('Troubleshooting: Key Validation Failures', async () => {
      // Debug validation
      const result = await byokManager.testKey(invalidKeyId);
      if (!result.isValid) {
        console.log('Validation error:', result.errorMessage);
        console.log('Response time:', result.responseTime);
        console.log('Tests run:', result.testsRun);
      }

      // Check key health
      const key = await byokManager.getKeyDetails(invalidKeyId);
      console.log('Health score:', key?.healthScore);
      console.log('Last validated:', key?.lastValidatedAt);

      const out = printed();
      expect(out[0]).toMatch(/^Validation error: Provider validation failed: OpenAI rejected the key/);
      expect(out[0]).not.toContain(OPENAI_INVALID);
      expect(out[2]).toBe('Tests run: decryption,authentication');
      expect(out[3]).toBe('Health score: 0');
      expect(key?.lastValidatedAt).toBeInstanceOf(Date);
      expect(key?.status).toBe('invalid');
    });

    it('Troubleshooting: key rotation status, without an argument', async () => {
      // Check key rotation status
      const rotationStatus = await checkKeyRotationStatus();
      console.log('Last rotation:', rotationStatus.lastRotation);
      console.log('Next rotation:', rotationStatus.nextRotation);

      expect(rotationStatus.activeFingerprint).toBe(byokSystem.encryption.activeFingerprint);
      expect(rotationStatus.nextRotation!.getTime() - rotationStatus.lastRotation!.getTime()).toBe(
        90 * 86_400_000,
      );
    });

    it('Prometheus text carries the deployment guide’s metrics, labelled by provider only', async () => {
      await byokManager.testKey(primaryKeyId);
      const text = await byokSystem.metrics.registry.metrics();
      expect(text).toMatch(/ai_provider_validation_success_total\{provider="openai"\} \d+/);
      expect(text).toMatch(
        /ai_provider_validation_failure_total\{provider="openai",reason="invalid_key"\} \d+/,
      );
      expect(text).toContain('# TYPE api_key_decryption_errors_total counter');
      expect(text).toContain('# TYPE token_usage_daily gauge');
      for (const value of [primaryKeyId, backupKeyId, invalidKeyId, 'user_123', ...ALL_SECRETS]) {
        expect(text).not.toContain(value);
      }
    });
  });
});
