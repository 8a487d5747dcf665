import { describe, expect, it } from 'vitest';
import { isBYOKError } from '../errors/index.js';
import { resolveConfig } from './resolve-config.js';

const database = { client: {} };

describe('resolveConfig', () => {
  it('fills every unset option from the environment, and options win over variables', () => {
    const env = {
      BYOK_ENCRYPTION_KEY: 'k'.repeat(40),
      BYOK_DECRYPTION_KEYS: 'old-one , old-two,',
      BYOK_CACHE_TTL: '60',
      BYOK_AUDIT_RETENTION_DAYS: '30',
      BYOK_KEY_ROTATION_DAYS: '14',
      BYOK_VALIDATION_TIMEOUT: '1500',
      BYOK_ENABLE_FALLBACK: 'false',
      BYOK_LOG_LEVEL: 'warn',
      BYOK_OPENAI_BASE_URL: 'http://127.0.0.1:9/openai',
      BYOK_ALERT_EMAIL_TO: 'ops@example.com',
    };
    const fromEnv = resolveConfig({ database }, env);
    expect(fromEnv).toMatchObject({
      encryptionKey: 'k'.repeat(40),
      decryptionKeys: ['old-one', 'old-two'],
      cacheTtl: 60,
      auditRetentionDays: 30,
      keyRotationDays: 14,
      logLevel: 'warn',
      alerts: { emailTo: 'ops@example.com', emailFrom: 'byok-alerts@localhost' },
    });
    expect(fromEnv.options).toMatchObject({
      validation: { enabled: true, timeout: 1500 },
      fallback: { enabled: false },
      providers: { openai: { baseUrl: 'http://127.0.0.1:9/openai' } },
    });

    const fromOptions = resolveConfig(
      {
        database,
        encryptionKey: 'o'.repeat(40),
        cache: { ttl: 5 },
        validation: { timeout: 700 },
        providers: { openai: { baseUrl: 'http://127.0.0.1:8/x' } },
      },
      env,
    );
    expect(fromOptions.encryptionKey).toBe('o'.repeat(40));
    expect(fromOptions.cacheTtl).toBe(5);
    expect(fromOptions.options.validation?.timeout).toBe(700);
    // Also a compile-time check (npm run typecheck:tests): the option is read by provider id.
    expect(fromOptions.options.providers?.openai?.baseUrl).toBe('http://127.0.0.1:8/x');
  });

  it('uses the defaults with an empty environment; ENCRYPTION_MASTER_KEY is the second name of the key', () => {
    const config = resolveConfig({ database }, { ENCRYPTION_MASTER_KEY: 'm'.repeat(32), BYOK_CACHE_TTL: '' });
    expect(config).toMatchObject({
      encryptionKey: 'm'.repeat(32),
      decryptionKeys: [],
      cacheTtl: 300,
      auditRetentionDays: 2555,
      keyRotationDays: 90,
      logLevel: 'info',
    });
    expect(config.options.validation?.enabled).toBe(true);
    expect(config.options.validation?.timeout).toBeUndefined();
    expect(resolveConfig({ database }, { BYOK_DEBUG: 'true' }).logLevel).toBe('debug');
  });

  it('either switch off turns validation off', () => {
    expect(resolveConfig({ database, validation: { enabled: false } }, {}).options.validation?.enabled).toBe(
      false,
    );
    expect(
      resolveConfig({ database, validation: { enabled: true } }, { BYOK_ENABLE_VALIDATION: 'false' }).options
        .validation?.enabled,
    ).toBe(false);
  });

  it('refuses a variable that does not parse with INVALID_CONFIG, naming the variable but never the value', () => {
    const secretish = 'not-a-number-s3cr3t';
    let caught: unknown;
    try {
      resolveConfig({ database }, { BYOK_CACHE_TTL: secretish, BYOK_LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(isBYOKError(caught) && caught.code).toBe('INVALID_CONFIG');
    const message = (caught as Error).message;
    expect(message).toContain('BYOK_CACHE_TTL');
    expect(message).toContain('BYOK_LOG_LEVEL');
    expect(message).not.toContain(secretish);
  });
});
