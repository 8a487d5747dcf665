import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import { openManager } from '../../test/manager.js';
import type { Owner } from '../crypto/index.js';
import { createLogger } from '../logging/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { type ChainScope, createFallbackStore, type FallbackStore } from './fallback-store.js';
import type { Database } from './types.js';

const userOf = (id: string): Owner => ({ type: 'user', id });
const openaiKey = () => `sk-test-chain-${uniqueId('k')}-${'a1'.repeat(12)}`;
const HOUR_MS = 60 * 60_000;

describe.each(databaseBackends)('fallback store on $name', (backend) => {
  let close: () => Promise<void>;
  let manager: BYOKManager;
  let db: Database;
  let store: FallbackStore;

  const addKey = (owner: Owner, environment: 'production' | 'development' = 'production') =>
    manager.addKey({
      ...(owner.type === 'user' ? { userId: owner.id } : { workspaceId: owner.id }),
      provider: 'openai',
      environment,
      keyData: { apiKey: openaiKey() },
    });
  const keyState = async (id: string) =>
    (
      await db.query<{ cooldown_until: Date | string | null; last_validation_status: string | null }>(
        'SELECT cooldown_until, last_validation_status FROM byok.keys WHERE id = $1',
        [id],
      )
    ).rows[0];
  const cooldownOf = async (id: string) => {
    const value = (await keyState(id))?.cooldown_until;
    return value === null || value === undefined ? null : new Date(value).getTime();
  };

  beforeAll(async () => {
    ({ manager, close } = await openManager(backend, {
      logger: createLogger({ level: 'silent' }),
    }));
    db = manager.context.db;
    store = createFallbackStore(db);
  });
  afterAll(() => close());

  describe('chains', () => {
    it('stores a chain, reads it back, replaces it; other scopes see nothing', async () => {
      const owner = userOf(uniqueId());
      const scope: ChainScope = { owner, provider: 'openai', environment: 'production' };
      expect(await store.findChain(scope)).toBeNull();
      const stored = await store.upsertChain(scope, {
        primaryKeyId: 'key_a',
        fallbackSequence: ['key_b', 'key_c'],
        useSystemFallback: true,
        maxRetries: 2,
        retryDelayMs: 250,
      });
      expect(stored).toMatchObject({
        primaryKeyId: 'key_a',
        fallbackSequence: ['key_b', 'key_c'],
        useSystemFallback: true,
        maxRetries: 2,
        retryDelayMs: 250,
      });
      expect(stored.updatedAt).toBeInstanceOf(Date);
      expect(await store.findChain(scope)).toEqual(stored);

      const replaced = await store.upsertChain(scope, {
        primaryKeyId: null,
        fallbackSequence: [],
        useSystemFallback: false,
        maxRetries: 0,
        retryDelayMs: 0,
      });
      expect(replaced).toMatchObject({ primaryKeyId: null, fallbackSequence: [], maxRetries: 0 });
      expect(await store.findChain(scope)).toEqual(replaced);

      expect(await store.findChain({ ...scope, environment: 'development' })).toBeNull();
      expect(await store.findChain({ ...scope, provider: 'anthropic' })).toBeNull();
      expect(await store.findChain({ ...scope, owner: userOf(uniqueId()) })).toBeNull();
      expect(await store.findChain({ ...scope, owner: { type: 'workspace', id: owner.id } })).toBeNull();
    });

    it('writes in the caller’s transaction: a rollback leaves no chain', async () => {
      const scope: ChainScope = { owner: userOf(uniqueId()), provider: 'openai', environment: 'production' };
      await expect(
        db.transaction(async (tx) => {
          await store.upsertChain(
            scope,
            {
              primaryKeyId: null,
              fallbackSequence: ['key_x'],
              useSystemFallback: false,
              maxRetries: 1,
              retryDelayMs: 0,
            },
            tx,
          );
          expect(await store.findChain(scope, tx)).not.toBeNull();
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await store.findChain(scope)).toBeNull();
    });
  });

  describe('keys and cooldowns', () => {
    it('finds an owner’s keys by id, optionally by provider and environment', async () => {
      const owner = userOf(uniqueId());
      const prod = await addKey(owner);
      const dev = await addKey(owner, 'development');
      const found = await store.findOwnerKeys(owner, [prod, dev, 'key_missing']);
      expect(found.map((row) => row.id).sort()).toEqual([prod, dev].sort());
      expect(
        (
          await store.findOwnerKeys(owner, [prod, dev], { provider: 'openai', environment: 'production' })
        ).map((row) => row.id),
      ).toEqual([prod]);
      expect(await store.findOwnerKeys(owner, [prod], { provider: 'anthropic' })).toEqual([]);
      expect(await store.findOwnerKeys(owner, [])).toEqual([]);
    });

    it('parks an active key, never shortening a longer cooldown; records a refusal only when given', async () => {
      const owner = userOf(uniqueId());
      const keyId = await addKey(owner);
      const long = new Date(Date.now() + HOUR_MS);
      expect(await store.coolDownKey({ keyId, owner, until: long, refusal: null })).toBe(true);
      expect(await cooldownOf(keyId)).toBe(long.getTime());
      expect((await keyState(keyId))?.last_validation_status).toBeNull();

      const short = new Date(Date.now() + 60_000);
      expect(await store.coolDownKey({ keyId, owner, until: short, refusal: 'invalid_key' })).toBe(true);
      expect(await cooldownOf(keyId)).toBe(long.getTime());
      expect((await keyState(keyId))?.last_validation_status).toBe('invalid_key');

      const longer = new Date(Date.now() + 2 * HOUR_MS);
      expect(await store.coolDownKey({ keyId, owner, until: longer, refusal: null })).toBe(true);
      expect(await cooldownOf(keyId)).toBe(longer.getTime());
      expect((await keyState(keyId))?.last_validation_status).toBe('invalid_key');
    });

    it('leaves keys that are not active alone', async () => {
      const owner = userOf(uniqueId());
      const keyId = await addKey(owner);
      await manager.updateKey(keyId, { enabled: false });
      const until = new Date(Date.now() + HOUR_MS);
      expect(await store.coolDownKey({ keyId, owner, until, refusal: 'revoked' })).toBe(false);
      expect(await keyState(keyId)).toEqual({ cooldown_until: null, last_validation_status: null });
    });
  });

  describe('owner isolation of by-id methods', () => {
    it('findOwnerKeys and coolDownKey neither see nor change another owner’s key', async () => {
      const owner = userOf(uniqueId());
      const intruder = userOf(uniqueId());
      const keyId = await addKey(owner);
      expect(await store.findOwnerKeys(intruder, [keyId])).toEqual([]);
      expect(await store.findOwnerKeys({ type: 'workspace', id: owner.id }, [keyId])).toEqual([]);
      const until = new Date(Date.now() + HOUR_MS);
      expect(await store.coolDownKey({ keyId, owner: intruder, until, refusal: 'invalid_key' })).toBe(false);
      expect(
        await store.coolDownKey({ keyId, owner: { type: 'workspace', id: owner.id }, until, refusal: null }),
      ).toBe(false);
      expect(await keyState(keyId)).toEqual({ cooldown_until: null, last_validation_status: null });
      // The owner's own call goes through.
      expect((await store.findOwnerKeys(owner, [keyId])).map((row) => row.id)).toEqual([keyId]);
      expect(await store.coolDownKey({ keyId, owner, until, refusal: null })).toBe(true);
    });
  });
});
