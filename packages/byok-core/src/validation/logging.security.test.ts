import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, uniqueId } from '../../test/backends.js';
import { openFakeManager } from '../../test/fake-manager.js';
import { expectLogWithoutSecrets } from '../../test/log-secrets.js';
import { serviceDeps } from '../../test/manager.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { KeyValidator } from './key-validator.js';

/**
 * Validation logs at debug level (a debug logger and `withDebug(true)`) never contain a key,
 * even when the provider echoes the key back in its error (the fake OpenAI does, in full).
 */
describe('validation logs contain no key', () => {
  const { logger, lines } = capturingLogger();
  const secrets: string[] = [];
  let db: PGlite;
  let manager: BYOKManager;
  let validator: KeyValidator;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, manager, close } = await openFakeManager({ logger, validation: { timeout: 5000 } }));
    const debug = manager.withDebug(true);
    validator = new KeyValidator(serviceDeps(debug));
  });
  afterAll(() => close());

  it('across every outcome, scheduled rounds and credential tests', async () => {
    const userId = uniqueId();
    for (const marker of ['ok', 'invalid', 'billing', 'ratelimit', 'outage', 'forbidden']) {
      const apiKey = `sk-test-${marker}-${uniqueId('s')}-${'q7'.repeat(14)}`;
      secrets.push(apiKey);
      await manager.addKey({ userId, provider: 'openai', keyData: { apiKey } });
    }
    const authToken = `invalid${uniqueId('t').replace('_', '')}${'5e'.repeat(12)}`;
    secrets.push(authToken);
    await manager.addKey({
      userId,
      provider: 'twilio',
      keyData: { accountSid: `AC${'3c'.repeat(16)}`, authToken },
    });
    const results = await validator.validateAllKeys(userId);
    expect(results).toHaveLength(7);
    expect(results.map((r) => r.status)).toContain('invalid_key');
    const loose = `sk-test-invalid-${uniqueId('c')}-${'w3'.repeat(14)}`;
    secrets.push(loose);
    await validator.testCredential('openai', { apiKey: loose });
    const schedule = await validator.schedulePeriodicValidation(60_000);
    await db.query("UPDATE byok.keys SET last_validated_at = now() - interval '1 hour', status = 'active'");
    await schedule.runOnce();
    await schedule.stop();

    expectLogWithoutSecrets(lines, secrets, ['key validated', 'Key validation failed']);
    for (const result of results)
      for (const secret of secrets) expect(JSON.stringify(result)).not.toContain(secret);
  });
});
