import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import { openManager } from '../../test/manager.js';
import type { Owner } from '../crypto/index.js';
import { createLogger } from '../logging/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { DEFAULT_COOLDOWNS } from '../validation/cooldown.js';
import { storeValidations, type ValidationWrite } from '../validation/result-writer.js';
import type { Database } from './types.js';
import { createValidationsStore, type ValidationRecord, type ValidationsStore } from './validations-store.js';

const apiKey = () => `sk-test-store-${uniqueId('k')}-${'a1'.repeat(12)}`;
const userOf = (id: string): Owner => ({ type: 'user', id });
const record = (keyId: string, status: string, responseTimeMs: number): ValidationRecord => ({
  keyId,
  isValid: status === 'valid',
  status,
  healthScore: status === 'valid' ? 100 : 50,
  errorCode: null,
  errorMessage: null,
  responseTimeMs,
  testsRun: ['authentication'],
});

describe.each(databaseBackends)('validations store on $name', (backend) => {
  let close: () => Promise<void>;
  let manager: BYOKManager;
  let db: Database;
  let store: ValidationsStore;

  const addKey = (userId: string, extra: { provider?: 'openai' | 'anthropic'; priority?: number } = {}) =>
    manager.addKey({
      userId,
      provider: extra.provider ?? 'openai',
      keyData: {
        apiKey: extra.provider === 'anthropic' ? `sk-ant-api03-${apiKey()}-${'b2'.repeat(10)}` : apiKey(),
      },
      ...(extra.priority !== undefined ? { priority: extra.priority } : {}),
    });
  const keyRow = async (id: string) =>
    (
      await db.query<{
        status: string;
        health_score: number;
        last_validation_status: string | null;
        last_validated_at: Date | null;
        cooldown_until: Date | string | null;
      }>(
        'SELECT status, health_score, last_validation_status, last_validated_at, cooldown_until FROM byok.keys WHERE id = $1',
        [id],
      )
    ).rows[0];
  const validationCount = async (id: string) =>
    Number(
      (
        await db.query<{ n: string }>('SELECT count(*) AS n FROM byok.key_validations WHERE key_id = $1', [
          id,
        ])
      ).rows[0]?.n,
    );

  beforeAll(async () => {
    ({ manager, close } = await openManager(backend, {
      logger: createLogger({ level: 'silent' }),
    }));
    db = manager.context.db;
    store = createValidationsStore(db);
  });
  afterAll(() => close());

  it('lists an owner’s keys that are not revoked, in a stable order, and nobody else’s', async () => {
    const userId = uniqueId();
    const later = await addKey(userId, { priority: 2 });
    const first = await addKey(userId, { priority: 1 });
    const claude = await addKey(userId, { provider: 'anthropic' });
    const revoked = await addKey(userId);
    await manager.revokeKey(revoked);
    await addKey(uniqueId());
    const ids = (await store.listOwnerKeys(userOf(userId))).map((row) => row.id);
    expect(ids).toEqual([claude, first, later]);
    expect(await store.listOwnerKeys(userOf(uniqueId()))).toEqual([]);
    expect(await store.listOwnerKeys({ type: 'workspace', id: userId })).toEqual([]);
  });

  it('inserts validations and reads them back as history, newest first, at most historySize', async () => {
    const owner = userOf(uniqueId());
    const keyId = await addKey(owner.id);
    for (const [status, ms] of [
      ['valid', 10],
      ['outage', 20],
      ['timeout', 30],
    ] as const) {
      await store.insertValidations([record(keyId, status, ms)]);
    }
    const [locked] = await db.transaction((tx) => store.lockKeysForValidation([{ id: keyId, owner }], 2, tx));
    expect(locked).toMatchObject({ id: keyId, owner, status: 'active', cooldownUntil: null });
    expect(locked?.history).toEqual([
      { status: 'timeout', responseTimeMs: 30 },
      { status: 'outage', responseTimeMs: 20 },
    ]);
    expect(await validationCount(keyId)).toBe(3);
    await store.insertValidations([]);
    expect(await validationCount(keyId)).toBe(3);
  });

  it('updates a key’s validation state and reports how many keys changed', async () => {
    const owner = userOf(uniqueId());
    const keyId = await addKey(owner.id);
    const until = new Date(Date.now() + 60_000);
    const changed = await store.updateKeyStates([
      { id: keyId, owner, healthScore: 60, outcome: 'rate_limited', status: 'active', cooldownUntil: until },
    ]);
    expect(changed).toBe(1);
    const row = await keyRow(keyId);
    expect(row).toMatchObject({ status: 'active', health_score: 60, last_validation_status: 'rate_limited' });
    expect(row?.last_validated_at).not.toBeNull();
    expect(new Date(row?.cooldown_until as string).getTime()).toBe(until.getTime());
    expect(await store.updateKeyStates([])).toBe(0);
  });

  it('lists due keys a page at a time: never or long ago validated, not cooling down unless refused', async () => {
    const owner = userOf(uniqueId());
    const fresh = await addKey(owner.id);
    const cooling = await addKey(owner.id);
    const refused = await addKey(owner.id);
    const disabled = await addKey(owner.id);
    await manager.updateKey(disabled, { enabled: false });
    await store.updateKeyStates([
      { id: fresh, owner, healthScore: 100, outcome: 'valid', status: 'active', cooldownUntil: null },
    ]);
    await db.query(
      `UPDATE byok.keys SET cooldown_until = now() + interval '1 hour', last_validation_status = 'rate_limited' WHERE id = $1`,
      [cooling],
    );
    await db.query(
      `UPDATE byok.keys SET cooldown_until = now() + interval '1 hour', last_validation_status = 'invalid_key' WHERE id = $1`,
      [refused],
    );
    const all: string[] = [];
    let afterId = '';
    for (;;) {
      const page = await store.listDueKeys({ freshForMs: 60_000, afterId, limit: 2 });
      expect(page.length).toBeLessThanOrEqual(2);
      all.push(...page.map((row) => row.id));
      if (page.length < 2) break;
      afterId = page.at(-1)?.id ?? afterId;
    }
    expect([...all].sort()).toEqual(all);
    expect(all).toContain(refused);
    expect(all).not.toContain(fresh);
    expect(all).not.toContain(cooling);
    expect(all).not.toContain(disabled);
    // Validated 1 ms ago is due when freshness is shorter than that.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await store.listDueKeys({ freshForMs: 1, afterId: '', limit: 10_000 });
    expect(again.map((row) => row.id)).toContain(fresh);
  });

  describe('owner isolation of by-id methods', () => {
    it('lockKeysForValidation and updateKeyStates do nothing for a key named with another owner', async () => {
      const owner = userOf(uniqueId());
      const intruder = userOf(uniqueId());
      const keyId = await addKey(owner.id);
      const before = await keyRow(keyId);
      expect(
        await db.transaction((tx) => store.lockKeysForValidation([{ id: keyId, owner: intruder }], 4, tx)),
      ).toEqual([]);
      expect(
        await db.transaction((tx) =>
          store.lockKeysForValidation([{ id: keyId, owner: { type: 'workspace', id: owner.id } }], 4, tx),
        ),
      ).toEqual([]);
      expect(
        await store.updateKeyStates([
          {
            id: keyId,
            owner: intruder,
            healthScore: 0,
            outcome: 'invalid_key',
            status: 'invalid',
            cooldownUntil: null,
          },
        ]),
      ).toBe(0);
      expect(await keyRow(keyId)).toEqual(before);
      // The right owner, in the same call, still gets its own row.
      const locked = await db.transaction((tx) =>
        store.lockKeysForValidation(
          [
            { id: keyId, owner: intruder },
            { id: keyId, owner },
          ],
          4,
          tx,
        ),
      );
      expect(locked.map((key) => key.owner)).toEqual([owner]);
    });

    it('storeValidations stores nothing for a row that names another owner', async () => {
      const owner = userOf(uniqueId());
      const keyId = await addKey(owner.id);
      const before = await keyRow(keyId);
      const write = (ownerId: string): ValidationWrite => ({
        row: { id: keyId, owner_type: 'user', owner_id: ownerId, provider: 'openai' },
        sample: { status: 'invalid_key', responseTimeMs: 5 },
        retryAfterMs: undefined,
        isValid: false,
        errorCode: 'INVALID_KEY',
        errorMessage: 'Provider validation failed: test',
        testsRun: ['authentication'],
        audit: 'status-change',
        trigger: 'bulk',
        context: { actor: { type: 'system', id: 'test' } },
      });
      const stored = await db.transaction((tx) =>
        storeValidations(store, tx, manager.context.audit, [write(uniqueId())], DEFAULT_COOLDOWNS),
      );
      expect(stored).toEqual([null]);
      expect(await validationCount(keyId)).toBe(0);
      expect(await keyRow(keyId)).toEqual(before);
      const own = await db.transaction((tx) =>
        storeValidations(store, tx, manager.context.audit, [write(owner.id)], DEFAULT_COOLDOWNS),
      );
      expect(own[0]).toMatchObject({ status: 'invalid', statusFrom: 'active', healthScore: 0 });
      expect(await validationCount(keyId)).toBe(1);
    });
  });
});
