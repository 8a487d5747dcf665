import { describe, expect, it } from 'vitest';
import { databaseBackends, TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { useManager } from '../../test/manager.js';
import type { CacheStats } from '../cache/index.js';
import { EncryptionService } from '../crypto/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import type { Database } from '../store/types.js';
import {
  checkKeyRotationStatus,
  registeredHealthSystem,
  registerSystemForHealth,
  unregisterSystemForHealth,
  validateBYOKHealth,
} from './health.js';

const DAY_MS = 24 * 60 * 60_000;

const redisDown: { getStats(): CacheStats } = {
  getStats: () => ({
    hits: 0,
    misses: 0,
    hitRate: 0,
    size: 0,
    redis: { enabled: true, connected: false, hits: 0, misses: 0, errors: 3 },
  }),
};

describe.each(databaseBackends)('health on $name', (backend) => {
  let manager: BYOKManager;
  useManager(backend, (opened) => {
    manager = opened.manager;
  });

  const db = () => manager.context.db;

  it('is healthy when the database, cache, master key and recent validations are fine', async () => {
    const health = await validateBYOKHealth({ manager });
    expect(health.status).toBe('healthy');
    expect(health.message).toBeUndefined();
    expect(health.checks.database).toMatchObject({
      status: 'pass',
      details: { currentVersion: expect.any(Number) },
    });
    expect(health.checks.encryption).toMatchObject({ status: 'pass' });
    expect(health.checks.cache).toMatchObject({ status: 'pass' });
    expect(health.checks.validation).toMatchObject({ status: 'pass' });
    expect(health.timestamp).toBeInstanceOf(Date);
    expect(JSON.stringify(health)).not.toContain(TEST_MASTER_KEY);
  });

  it('is unhealthy without a usable master key, with the spec’s message', async () => {
    const health = await validateBYOKHealth({
      manager,
      encryption: new EncryptionService({ encryptionKey: 'short' }),
    });
    expect(health).toMatchObject({
      status: 'unhealthy',
      message: 'ENCRYPTION_MASTER_KEY not configured',
      checks: { encryption: { status: 'fail', message: 'ENCRYPTION_MASTER_KEY not configured' } },
    });
  });

  it('is degraded when a configured Redis is down', async () => {
    const health = await validateBYOKHealth({ manager, cache: redisDown });
    expect(health).toMatchObject({ status: 'degraded', checks: { cache: { status: 'warn' } } });
    expect(health.message).toMatch(/Redis/);
  });

  it('is unhealthy when the database does not answer, and says so without throwing', async () => {
    const broken: Database = {
      ...db(),
      kind: 'pool',
      query: () => Promise.reject(new Error('connection refused')),
      queryPrepared: () => Promise.reject(new Error('connection refused')),
      transaction: () => Promise.reject(new Error('connection refused')),
      stats: () => ({ queries: 0, averageQueryTimeMs: 0 }),
    };
    const hanging: Database = { ...broken, query: () => new Promise(() => undefined) };
    const context = { ...manager.context, db: broken };
    const health = await validateBYOKHealth({ manager: { context } });
    expect(health).toMatchObject({
      status: 'unhealthy',
      message: 'Database unreachable',
      checks: { database: { status: 'fail' }, validation: { status: 'warn' } },
    });
    const started = performance.now();
    const slow = await validateBYOKHealth(
      { manager: { context: { ...context, db: hanging } } },
      { databaseTimeoutMs: 100 },
    );
    expect(slow.status).toBe('unhealthy');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  /** `count` keys of one owner for `provider`, each with one validation (`valid` or not). Returns the ids. */
  const keysWithValidations = async (
    owner: { type: 'user' | 'workspace'; id: string },
    provider: string,
    count: number,
    valid: boolean,
  ): Promise<void> => {
    const prefix = `key_h${uniqueId()}`;
    await db().query(
      `INSERT INTO byok.keys (id, owner_type, owner_id, provider, environment, ciphertext, key_hint, key_fingerprint)
       SELECT $1 || i, $2, $3, $4, 'production', 'revoked', 'sk-…', 'fp_' || i FROM generate_series(1, $5::int) i`,
      [prefix, owner.type, owner.id, provider, count],
    );
    await db().query(
      `INSERT INTO byok.key_validations (key_id, is_valid, status, health_score, response_time_ms)
       SELECT $1 || i, $2, CASE WHEN $2 THEN 'valid' ELSE 'invalid_key' END, 50, 100 FROM generate_series(1, $3::int) i`,
      [prefix, valid, count],
    );
  };
  const clearValidations = () => db().query("DELETE FROM byok.keys WHERE id LIKE 'key_h%'");

  it('is not degraded by one tenant, however many of its keys fail (noisy tenant)', async () => {
    const noisy = { type: 'workspace' as const, id: `ws_${uniqueId()}` };
    await keysWithValidations(noisy, 'openai', 300, false);
    for (let i = 0; i < 3; i += 1)
      await keysWithValidations({ type: 'user', id: uniqueId() }, 'openai', 1, true);
    try {
      const health = await validateBYOKHealth({ manager });
      expect(health.status).toBe('healthy');
      expect(health.checks.validation).toMatchObject({
        status: 'pass',
        details: {
          total: 303,
          failed: 300,
          providers: [{ provider: 'openai', owners: 4, failingOwners: 1 }],
        },
      });
      // Even as the only tenant of a provider, one owner is never an outage.
      await keysWithValidations(noisy, 'anthropic', 50, false);
      expect((await validateBYOKHealth({ manager })).status).toBe('healthy');
    } finally {
      await clearValidations();
    }
  });

  it('is degraded when a provider fails across many tenants (an outage), and says which', async () => {
    const failing = Array.from({ length: 3 }, () => ({ type: 'user' as const, id: uniqueId() }));
    for (const owner of failing) await keysWithValidations(owner, 'openai', 2, false);
    // Three failing owners: under a minimum of 4 distinct owners this is not yet an outage.
    const fewer = await validateBYOKHealth({ manager }, { minFailingOwners: 4 });
    expect(fewer.status).toBe('healthy');
    try {
      const health = await validateBYOKHealth({ manager });
      expect(health.status).toBe('degraded');
      expect(health.checks.validation).toMatchObject({
        status: 'warn',
        details: { providers: [{ provider: 'openai', owners: 3, failingOwners: 3 }] },
      });
      expect(health.message).toMatch(/^Provider validation failed across tenants .*openai \(3 of 3 owners\)/);
      // Three failing owners among many healthy ones are those tenants' problem, not an outage.
      for (let i = 0; i < 4; i += 1)
        await keysWithValidations({ type: 'user', id: uniqueId() }, 'openai', 2, true);
      expect((await validateBYOKHealth({ manager })).status).toBe('healthy');
      // Anthropic failing for other tenants is judged on its own.
      for (let i = 0; i < 3; i += 1)
        await keysWithValidations({ type: 'workspace', id: `ws_${uniqueId()}` }, 'anthropic', 1, false);
      const anthropic = await validateBYOKHealth({ manager });
      expect(anthropic.status).toBe('degraded');
      expect(anthropic.message).toMatch(/anthropic \(3 of 3 owners\)/);
      expect(anthropic.message).not.toMatch(/openai/);
    } finally {
      await clearValidations();
    }
  });

  it('is degraded while a migration is not applied', async () => {
    const { rows } = await db().query<{ version: number }>(
      'SELECT max(version) AS version FROM byok.schema_migrations',
    );
    const latest = Number(rows[0]?.version);
    await db().query('UPDATE byok.schema_migrations SET version = version + 1000 WHERE version = $1', [
      latest,
    ]);
    try {
      const health = await validateBYOKHealth({ manager });
      expect(health.status).toBe('degraded');
      expect(health.checks.database.message).toMatch(/migration.* not applied/);
    } finally {
      await db().query('UPDATE byok.schema_migrations SET version = version - 1000 WHERE version = $1', [
        latest + 1000,
      ]);
    }
  });

  describe('checkKeyRotationStatus', () => {
    it('reports the active master key’s age against BYOK_KEY_ROTATION_DAYS (default 90)', async () => {
      const status = await checkKeyRotationStatus({ manager }, {});
      const fingerprint = manager.context.encryption.activeFingerprint;
      expect(status.activeFingerprint).toBe(fingerprint);
      expect(status.rotationDays).toBe(90);
      expect(status.isOverdue).toBe(false);
      expect(Date.now() - (status.lastRotation?.getTime() ?? 0)).toBeLessThan(DAY_MS);
      expect((status.nextRotation?.getTime() ?? 0) - (status.lastRotation?.getTime() ?? 0)).toBe(90 * DAY_MS);

      await db().query(
        "UPDATE byok.master_keys SET promoted_at = now() - interval '40 days' WHERE fingerprint = $1",
        [fingerprint],
      );
      expect((await checkKeyRotationStatus({ manager }, {})).isOverdue).toBe(false);
      const monthly = await checkKeyRotationStatus({ manager }, { BYOK_KEY_ROTATION_DAYS: '30' });
      expect(monthly).toMatchObject({ rotationDays: 30, isOverdue: true });
    });

    it('reads the registered system when called without an argument, as the spec does', async () => {
      const first = { manager };
      const second = { manager };
      registerSystemForHealth(first);
      registerSystemForHealth(second);
      expect(registeredHealthSystem()).toBe(second);
      const status = await checkKeyRotationStatus();
      expect(status.activeFingerprint).toBe(manager.context.encryption.activeFingerprint);
      // Closing the newest hands the role back to the one before; an unknown system changes nothing.
      unregisterSystemForHealth({ manager });
      expect(registeredHealthSystem()).toBe(second);
      unregisterSystemForHealth(second);
      expect(registeredHealthSystem()).toBe(first);
      unregisterSystemForHealth(first);
      await expect(checkKeyRotationStatus()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });
  });
});
