import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@stack-2025/byok-core';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  devMasterKeyPath,
  ensureMasterKey,
  loadConfig,
} from '../apps/byok-server/src/config.js';
import { tempDir } from '../apps/byok-server/test/helpers.js';

const quiet = createLogger({ level: 'silent' });

describe('loadConfig', () => {
  it('has the documented defaults: port 3000, 127.0.0.1 outside containers, PGlite in ./data', () => {
    const config = loadConfig({}, { container: false });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      poolSize: 20,
      cacheTtl: 300,
      validationTimeout: 10_000,
      auditRetentionDays: 2555,
      enableAudit: true,
      production: false,
      basePath: '/api',
      encryptionKeySource: 'none',
    });
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
    expect(loadConfig({}, { container: true }).host).toBe('0.0.0.0');
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::1' }, { container: true }).host).toBe('::1');
  });

  it('reads every variable, treating empty values as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/byok',
      BYOK_CONNECTION_POOL_SIZE: '5',
      BYOK_MAX_CONNECTIONS: '100',
      REDIS_URL: '',
      ENCRYPTION_MASTER_KEY: 'm'.repeat(40),
      BYOK_DECRYPTION_KEYS: ' a , b ,',
      BYOK_ENABLE_FALLBACK: 'false',
      BYOK_DEBUG: 'true',
      BYOK_OPENAI_BASE_URL: 'http://127.0.0.1:9999/openai',
      BYOK_ENABLED_PROVIDERS: 'openai,twilio',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      port: 8080,
      poolSize: 5,
      maxConnections: 100,
      redisUrl: undefined,
      encryptionKey: 'm'.repeat(40),
      encryptionKeySource: 'env',
      decryptionKeys: ['a', 'b'],
      enableFallback: false,
      logLevel: 'debug',
      production: true,
      enabledProviders: ['openai', 'twilio'],
      providerBaseUrls: { openai: { baseUrl: 'http://127.0.0.1:9999/openai' } },
    });
    expect(
      loadConfig({ BYOK_ENCRYPTION_KEY: 'b'.repeat(32), ENCRYPTION_MASTER_KEY: 'e'.repeat(32) })
        .encryptionKey,
    ).toBe('b'.repeat(32));
  });

  it('names the bad variables, never their values', () => {
    const secret = 'short-secret-value';
    try {
      loadConfig({
        PORT: 'eighty',
        BYOK_JWT_SECRET: secret,
        BYOK_ENABLE_AUDIT: 'maybe',
        BYOK_ENABLED_PROVIDERS: 'acme',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('BYOK_JWT_SECRET');
      expect(message).toContain('BYOK_ENABLE_AUDIT');
      expect(message).not.toContain(secret);
    }
  });
});

describe('ensureMasterKey', () => {
  it('generates a 0600 key file outside production, then reuses it (and tightens a loose mode)', async () => {
    const dir = await tempDir();
    try {
      const config = loadConfig({ BYOK_DATA_DIR: join(dir.path, 'd') });
      const first = await ensureMasterKey(config, quiet);
      expect(first.encryptionKeySource).toBe('generated');
      expect(first.encryptionKey?.length).toBeGreaterThanOrEqual(32);
      const path = devMasterKeyPath(config.dataDir);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await ensureMasterKey(config, quiet)).encryptionKey).toBe(first.encryptionKey);
      await chmod(path, 0o644);
      await ensureMasterKey(config, quiet);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    } finally {
      await dir.remove();
    }
  });

  it('never generates one in production, and never replaces a configured (even too short) key', async () => {
    const dir = await tempDir();
    try {
      const prod = loadConfig({ NODE_ENV: 'production', BYOK_DATA_DIR: dir.path });
      expect((await ensureMasterKey(prod, quiet)).encryptionKey).toBeUndefined();
      const short = loadConfig({ BYOK_ENCRYPTION_KEY: 'too-short', BYOK_DATA_DIR: dir.path });
      expect((await ensureMasterKey(short, quiet)).encryptionKey).toBe('too-short');
      await expect(stat(devMasterKeyPath(dir.path))).rejects.toThrow();
    } finally {
      await dir.remove();
    }
  });
});
