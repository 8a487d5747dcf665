import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import { useManager } from '../../test/manager.js';
import type { AddKeyInput } from '../keys/types.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { collectBYOKMetrics } from './collect.js';
import { createMetrics } from './prometheus.js';

describe('createMetrics', () => {
  it('registers the deployment guide’s metrics, labelled by provider (and fixed words) only', async () => {
    const metrics = createMetrics();
    metrics.onValidation({ provider: 'openai', isValid: true });
    metrics.onValidation({ provider: 'anthropic', isValid: false, reason: 'invalid_key' });
    metrics.onDecryptionError('gemini');
    metrics.onUsage({ provider: 'openai', inputTokens: 12, outputTokens: 7, cachedTokens: 4 });
    metrics.onUsage({ provider: 'openai', inputTokens: 8 });
    metrics.onKeyLookup('openai', 'system_key');
    const text = await metrics.registry.metrics();
    for (const name of [
      'ai_provider_validation_success_total',
      'ai_provider_validation_failure_total',
      'api_key_decryption_errors_total',
      'token_usage_daily',
      'byok_key_lookups_total',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(text).toContain('ai_provider_validation_success_total{provider="openai"} 1');
    expect(text).toContain(
      'ai_provider_validation_failure_total{provider="anthropic",reason="invalid_key"} 1',
    );
    expect(text).toContain('api_key_decryption_errors_total{provider="gemini"} 1');
    expect(text).toContain('token_usage_daily{provider="openai",type="input"} 20');
    expect(text).toContain('token_usage_daily{provider="openai",type="output"} 7');
    expect(text).toContain('token_usage_daily{provider="openai",type="cached"} 4');
    expect(text).toContain('byok_key_lookups_total{provider="openai",result="system_key"} 1');
  });

  it('never turns a stray value into a label: unknown providers and reasons are bucketed', async () => {
    const metrics = createMetrics();
    const secret = 'sk-proj-thisisasecretvalue123456';
    metrics.onValidation({ provider: secret, isValid: false, reason: secret as never });
    metrics.onUsage({ provider: secret, inputTokens: 5, outputTokens: Number.NaN });
    metrics.onKeyLookup(secret, secret as never);
    const text = await metrics.registry.metrics();
    expect(text).not.toContain(secret);
    expect(text).toContain('ai_provider_validation_failure_total{provider="unknown",reason="unexpected"} 1');
    expect(text).toContain('token_usage_daily{provider="unknown",type="input"} 5');
    expect(text).not.toContain('type="output"');
  });

  it('starts token_usage_daily from zero at 00:00 UTC', async () => {
    let now = Date.parse('2026-11-21T23:59:00Z');
    const metrics = createMetrics(new Registry(), () => now);
    metrics.onUsage({ provider: 'deepseek', inputTokens: 100 });
    expect(await metrics.registry.metrics()).toContain(
      'token_usage_daily{provider="deepseek",type="input"} 100',
    );
    now = Date.parse('2026-11-22T00:00:30Z');
    expect(await metrics.registry.metrics()).not.toContain('token_usage_daily{provider="deepseek"');
    metrics.onUsage({ provider: 'deepseek', inputTokens: 3 });
    expect(await metrics.registry.metrics()).toContain(
      'token_usage_daily{provider="deepseek",type="input"} 3',
    );
  });

  it('reads the manager’s running decryption-error counts at each scrape, counting each error once', async () => {
    const metrics = createMetrics();
    const counts = new Map<string, number>([['openai', 2]]);
    metrics.trackDecryptionErrorCounts(counts);
    metrics.trackDecryptionErrorCounts(counts);
    expect(await metrics.registry.metrics()).toContain(
      'api_key_decryption_errors_total{provider="openai"} 2',
    );
    counts.set('openai', 3);
    counts.set('twilio', 1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('api_key_decryption_errors_total{provider="openai"} 3');
    expect(text).toContain('api_key_decryption_errors_total{provider="twilio"} 1');
    expect(await metrics.registry.metrics()).toContain(
      'api_key_decryption_errors_total{provider="openai"} 3',
    );
  });

  it('shares a registry: a second call returns the same metrics', () => {
    const registry = new Registry();
    expect(createMetrics(registry)).toBe(createMetrics(registry));
  });
});

describe.each(databaseBackends)('collectBYOKMetrics on $name', (backend) => {
  let manager: BYOKManager;
  useManager(backend, (opened) => {
    manager = opened.manager;
  });

  it('counts users, keys by status and provider, and validations of the last 24 hours', async () => {
    const empty = await collectBYOKMetrics(manager);
    expect(empty).toMatchObject({
      users: { total: 0, withKeys: 0 },
      keys: { total: 0, active: 0, byProvider: {} },
      validation: { total24h: 0, successRate: 1, failures24h: 0 },
      performance: { averageResponseTime: 0 },
    });

    const [alice, bob, carol] = [uniqueId(), uniqueId(), uniqueId()];
    const add = (userId: string, provider: AddKeyInput['provider'], apiKey: string) =>
      manager.addKey({ userId, provider, keyData: { apiKey } });
    const a1 = await add(alice, 'openai', 'sk-test-metrics-aaaaaaaa1');
    const a2 = await add(alice, 'openai', 'sk-test-metrics-aaaaaaaa2');
    const b1 = await add(bob, 'anthropic', 'sk-ant-api03-metrics-bbbbbbbbbbbbbbbb');
    const c1 = await add(carol, 'deepgram', 'c'.repeat(40));
    await manager.updateKey(a2, { enabled: false });
    await manager.revokeKey(c1);
    await manager.context.db.query("UPDATE byok.keys SET status = 'invalid' WHERE id = $1", [b1]);
    const validation = (keyId: string, valid: boolean, ms: number, age = '0 hours') =>
      manager.context.db.query(
        `INSERT INTO byok.key_validations (key_id, is_valid, status, health_score, response_time_ms, created_at)
         VALUES ($1, $2, $3, 100, $4, now() - $5::interval)`,
        [keyId, valid, valid ? 'valid' : 'invalid_key', ms, age],
      );
    await validation(a1, true, 100);
    await validation(a1, true, 200);
    await validation(a1, true, 300);
    await validation(b1, false, 400);
    await validation(b1, false, 9999, '25 hours');
    await manager.getActiveKey(alice, 'openai');
    await manager.getActiveKey(alice, 'openai');

    const metrics = await collectBYOKMetrics(manager);
    expect(metrics.users).toEqual({ total: 3, withKeys: 2 });
    expect(metrics.keys).toEqual({
      total: 4,
      active: 1,
      invalid: 1,
      disabled: 1,
      revoked: 1,
      byProvider: { anthropic: 1, deepgram: 1, openai: 2 },
    });
    expect(metrics.validation).toEqual({ total24h: 4, successRate: 0.75, failures24h: 1 });
    expect(metrics.performance.averageResponseTime).toBe(250);
    expect(metrics.performance.cacheHitRate).toBe(manager.context.cache.getStats().hitRate);
    expect(metrics.performance.cacheHitRate).toBeGreaterThan(0);
    expect(metrics.timestamp).toBeInstanceOf(Date);
  });
});
