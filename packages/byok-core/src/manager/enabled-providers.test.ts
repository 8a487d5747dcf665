import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId } from '../../test/backends.js';
import { codeOf } from '../../test/error-code.js';
import { openFakeSystem } from '../../test/fake-manager.js';
import type { BYOKSystem } from '../create-byok.js';
import { createBYOKAIIntegration } from '../integrations/index.js';

describe('enabledProviders in the library', () => {
  let db: PGlite;
  let system: BYOKSystem;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, system, close } = await openFakeSystem({ enabledProviders: ['openai', 'deepgram', 'twilio'] }));
  });

  afterAll(() => close());

  it('refuses to store, serve or fall back on a provider that is not enabled, with a coded error', async () => {
    const userId = uniqueId();
    const { manager } = system;
    expect(
      await codeOf(
        manager.addKey({ userId, provider: 'anthropic', keyData: { apiKey: 'sk-ant-api03-nope-0001' } }),
      ),
    ).toBe('PROVIDER_NOT_ENABLED');
    expect((await db.query('SELECT id FROM byok.keys WHERE owner_id = $1', [userId])).rows).toEqual([]);
    expect(await codeOf(manager.getActiveKey(userId, 'anthropic'))).toBe('PROVIDER_NOT_ENABLED');
    expect(await codeOf(system.fallback.getKeyWithFallback(userId, 'gemini', 'production'))).toBe(
      'PROVIDER_NOT_ENABLED',
    );
    expect(
      await codeOf(
        system.fallback.executeWithFallback(userId, 'anthropic', 'production', async () => 'called'),
      ),
    ).toBe('PROVIDER_NOT_ENABLED');
    expect(manager.isProviderEnabled('openai')).toBe(true);
    expect(manager.isProviderEnabled('anthropic')).toBe(false);

    // An enabled one works, and the AI config lists only enabled providers even when asked for others.
    const keyId = await manager.addKey({
      userId,
      provider: 'openai',
      keyData: { apiKey: 'sk-proj-enabled-0002' },
    });
    expect((await manager.getActiveKey(userId, 'openai'))?.id).toBe(keyId);
    const aiConfig = await createBYOKAIIntegration(manager).configFactory.createConfigWithBYOK(userId, {
      preferredProviders: ['anthropic', 'openai'],
    });
    expect(Object.keys(aiConfig.providers)).toEqual(['openai']);
  });
});
