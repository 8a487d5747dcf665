/*
 * The implementation guide's samples, as written, with only the values changed:
 * "Basic Setup", "Add Your First Key", "Use Keys in Your Application" (the key lookup),
 * "Database Migrations", "Unit Tests" and "Programmatic Configuration".
 */
import {
  BYOKManager,
  type BYOKManagerOptions,
  createBYOKForStack2025,
  DatabaseMigration,
  EncryptionService,
  ProviderType,
} from '@stack-2025/byok-core';
import { createTestDatabase } from '@stack-2025/byok-core/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../packages/byok-core/test/backends.js';

// "Basic Setup" needs a real PostgreSQL (CI always has one; see test/backends.ts).
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))(
  'spec: Basic Setup, Add Your First Key, Use Keys, Migrations',
  () => {
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
    let postgresClient: Client;
    let byokManager: BYOKManager;
    let byokSystem: Awaited<ReturnType<typeof createBYOKForStack2025>>;
    const redisInstance = undefined;

    beforeAll(async () => {
      scratch = await createScratchDatabase();
      process.env.DATABASE_URL = scratch.url;
      process.env.BYOK_ENCRYPTION_KEY = EncryptionService.generateMasterKey();

      // Database setup
      postgresClient = new Client({
        connectionString: process.env.DATABASE_URL,
      });
      await postgresClient.connect();

      // BYOK system setup
      byokSystem = await createBYOKForStack2025({
        encryptionKey: process.env.BYOK_ENCRYPTION_KEY,
        postgresClient,
        redisClient: redisInstance, // optional
        enabledProviders: ['openai', 'deepgram', 'twilio'],
      });

      // Export for use in your application
      ({ manager: byokManager } = byokSystem);
    });

    afterAll(async () => {
      await byokSystem.close();
      await postgresClient.end();
      await scratch.drop();
      delete process.env.DATABASE_URL;
      delete process.env.BYOK_ENCRYPTION_KEY;
    });

    it('adds the first key and uses it', async () => {
      // Add an OpenAI key
      const keyId = await byokManager.addKey({
        userId: 'user_123',
        provider: ProviderType.OPENAI,
        keyData: {
          apiKey: 'sk-proj-example0123456789',
          organization: 'org-example', // optional
        },
        alias: 'My OpenAI Key',
        description: 'Production OpenAI key for chat features',
      });
      expect(keyId).toMatch(/^key_/);

      // Get key for usage
      const key = await byokManager.getActiveKey('user_123', ProviderType.OPENAI);
      expect(key?.keyData).toEqual({ apiKey: 'sk-proj-example0123456789', organization: 'org-example' });
    });

    it('runs migrations and reports their status', async () => {
      const migration = new DatabaseMigration(postgresClient);

      // Run all migrations
      await migration.runMigrations();

      // Check migration status
      const status = await migration.getMigrationStatus();
      expect(status.upToDate).toBe(true);
      expect(status.applied.length).toBeGreaterThan(0);
    });

    it('lets two migrators race on one PostgreSQL, both succeed and each migration applies once', async () => {
      const fresh = await createScratchDatabase();
      const clients = [
        new Client({ connectionString: fresh.url }),
        new Client({ connectionString: fresh.url }),
      ];
      await Promise.all(clients.map((c) => c.connect()));
      const results = await Promise.all(clients.map((c) => new DatabaseMigration(c).runMigrations()));
      const status = await new DatabaseMigration(clients[0]).getMigrationStatus();
      expect(results.flat().sort()).toEqual(status.applied.map((m) => m.version).sort());
      expect(status.upToDate).toBe(true);
      await Promise.all(clients.map((c) => c.end()));
      await fresh.drop();
    });
  },
);

// "Unit Tests", as written.
describe('BYOK Manager', () => {
  let byokManager: BYOKManager;
  // biome-ignore lint/suspicious/noExplicitAny: the spec's sample types it this way
  let testDb: any;

  beforeEach(async () => {
    testDb = await createTestDatabase();
    byokManager = new BYOKManager({
      encryptionKey: EncryptionService.generateMasterKey(),
      database: { client: testDb },
    });
  });

  it('should add and retrieve keys', async () => {
    const keyId = await byokManager.addKey({
      userId: 'test-user',
      provider: ProviderType.OPENAI,
      keyData: { apiKey: 'sk-test123' },
    });

    const key = await byokManager.getActiveKey('test-user', ProviderType.OPENAI);
    expect(key?.keyData.apiKey).toBe('sk-test123');
    expect(keyId).toMatch(/^key_/);
  });
});

// "Programmatic Configuration", as written (real Redis when CI provides one).
describe('spec: Programmatic Configuration', () => {
  it('builds a manager from the full options object and serves keys through it', async () => {
    const postgresClient = await createTestDatabase();
    const redisClient = process.env.TEST_REDIS_URL ? new Redis(process.env.TEST_REDIS_URL) : undefined;
    process.env.BYOK_ENCRYPTION_KEY = EncryptionService.generateMasterKey();
    process.env.SYSTEM_OPENAI_KEY = 'sk-proj-systemkey000000001';
    try {
      const config: BYOKManagerOptions = {
        encryptionKey: process.env.BYOK_ENCRYPTION_KEY!,
        database: {
          client: postgresClient,
        },
        cache: {
          redis: {
            client: redisClient,
          },
          ttl: 300, // 5 minutes
        },
        validation: {
          enabled: true,
          parallelValidation: true,
          timeout: 10000,
        },
        audit: {
          enabled: true,
          retentionDays: 2555, // 7 years for compliance
        },
        fallback: {
          enabled: true,
          systemKeys: {
            [ProviderType.OPENAI]: {
              apiKey: process.env.SYSTEM_OPENAI_KEY,
            },
          },
        },
      };

      const byokManager = new BYOKManager(config);
      const fromSystem = await byokManager.fallback.getKeyWithFallback(
        'user_without_keys',
        ProviderType.OPENAI,
        'production',
      );
      expect(fromSystem).toMatchObject({ keyId: 'system', wasSystemFallback: true });
      await byokManager.addKey({
        userId: 'user_cfg',
        provider: ProviderType.OPENAI,
        keyData: { apiKey: 'sk-proj-usersown00000001' },
      });
      expect((await byokManager.getActiveKey('user_cfg', ProviderType.OPENAI))?.keyData.apiKey).toBe(
        'sk-proj-usersown00000001',
      );
      expect(byokManager.context.cache.getStats().redis.enabled).toBe(Boolean(redisClient));
      await byokManager.close();
    } finally {
      redisClient?.disconnect();
      await postgresClient.close();
      delete process.env.BYOK_ENCRYPTION_KEY;
      delete process.env.SYSTEM_OPENAI_KEY;
    }
  });
});
