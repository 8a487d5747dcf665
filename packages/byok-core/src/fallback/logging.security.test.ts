import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, pgliteBackend, uniqueId } from '../../test/backends.js';
import { expectLogWithoutSecrets } from '../../test/log-secrets.js';
import { openManager, serviceDeps } from '../../test/manager.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { ProviderCallError } from '../providers/provider-call-error.js';
import { FallbackManager } from './fallback-manager.js';

/**
 * Fallback logs at debug level (a debug logger and `withDebug(true)`) never contain a key —
 * not even when the failing call's own error message carries it — and neither do its errors.
 */
describe('fallback logs contain no key', () => {
  const { logger, lines } = capturingLogger();
  let close: () => Promise<void>;
  let manager: BYOKManager;
  let fallback: FallbackManager;
  const systemKey = `sk-system-${uniqueId('s')}-${'z4'.repeat(14)}`;

  beforeAll(async () => {
    ({ manager, close } = await openManager(pgliteBackend, {
      logger,
      fallback: { enabled: true, systemKeys: { openai: { apiKey: systemKey } } },
    }));
    const debug = manager.withDebug(true);
    fallback = new FallbackManager(serviceDeps(debug));
  });
  afterAll(() => close());

  it('while keys fail, cool down and fall back to the system key', async () => {
    const userId = uniqueId();
    const secrets = [systemKey];
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const apiKey = `sk-test-${i}-${uniqueId('k')}-${'p9'.repeat(14)}`;
      secrets.push(apiKey);
      ids.push(await manager.addKey({ userId, provider: 'openai', keyData: { apiKey } }));
    }
    await fallback.configureFallbackChain(userId, 'openai', 'production', {
      primaryKeyId: ids[0],
      fallbackSequence: [ids[1]!, ids[2]!],
      useSystemFallback: true,
      retryDelayMs: 0,
    });
    const statuses = [401, 429, 402];
    const run = await fallback.executeWithFallback(userId, 'openai', 'production', async (key) => {
      const status = statuses.shift();
      if (status === undefined) return 'served';
      // The caller's own error repeats the key, as careless integrations do.
      throw Object.assign(
        new ProviderCallError(`Request with ${key.keyData.apiKey} failed`, { statusCode: status }),
        {
          apiKey: key.keyData.apiKey,
        },
      );
    });
    expect(run).toMatchObject({ keyId: 'system', wasSystemFallback: true });
    expect((await fallback.getKeyWithFallback(userId, 'openai', 'production')).keyId).toBe('system');
    const error = (await fallback
      .executeWithFallback(userId, 'openai', 'production', async (key) => {
        throw new ProviderCallError(`refused ${key.keyData.apiKey}`, { statusCode: 503 });
      })
      .catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(systemKey);
    expect(JSON.stringify(error)).not.toContain(systemKey);

    expectLogWithoutSecrets(lines, secrets, ['provider call failed', 'key served with fallback']);
  });
});
