import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, databaseBackends, TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { encryptLegacy } from '../crypto/index.js';
import { BYOKManager } from '../manager/byok-manager.js';
import type { Database } from '../store/types.js';
import { countLegacyValues, NONE_LEFT_FLAG } from './legacy-values.js';
import { rewrapDataKeys } from './rewrap.js';

const secret = (tag: string) => `sk-proj-legacy${tag}${uniqueId().slice(-10)}0123456789`;

describe.each(databaseBackends)('legacy values on $name', (backend) => {
  let close: () => Promise<void>;
  let client: unknown;
  let manager: BYOKManager;
  const logs = capturingLogger();
  const db = (): Database => manager.context.db;

  beforeAll(async () => {
    const opened = await backend.open();
    close = opened.close;
    client = opened.client;
    manager = new BYOKManager({ encryptionKey: TEST_MASTER_KEY, database: { client }, logger: logs.logger });
    await manager.ready();
  });
  afterAll(async () => {
    await manager.close();
    await close();
  });

  const noneLeftFlag = async () =>
    (await db().query('SELECT 1 FROM byok.system_flags WHERE name = $1', [NONE_LEFT_FLAG])).rows.length > 0;
  /** As a database written by an older deployment: legacy values present, no flag. */
  const asOldDatabase = () => db().query('DELETE FROM byok.system_flags WHERE name = $1', [NONE_LEFT_FLAG]);
  const ciphertextOf = async (keyId: string) =>
    (await db().query<{ ciphertext: string }>('SELECT ciphertext FROM byok.keys WHERE id = $1', [keyId]))
      .rows[0]?.ciphertext as string;
  /** A key of `userId` whose stored value is replaced by `value` (cache dropped). */
  const keyHolding = async (userId: string, value: string) => {
    const keyId = await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: secret('p') } });
    await setCiphertext(keyId, userId, value);
    return keyId;
  };
  const setCiphertext = async (keyId: string, userId: string, value: string) => {
    await db().query('UPDATE byok.keys SET ciphertext = $2 WHERE id = $1', [keyId, value]);
    await manager.context.cache.invalidate([`key:${keyId}`, `active:user:${userId}:openai:production`]);
  };

  it('a fresh database has none, so migration 0006 turns legacy reads off from the start', async () => {
    expect(await countLegacyValues(db())).toBe(0);
    expect(await noneLeftFlag()).toBe(true);
    const userId = uniqueId();
    await keyHolding(userId, encryptLegacy(TEST_MASTER_KEY, secret('x')));
    await expect(manager.getActiveKey(userId, 'openai')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    await db().query('DELETE FROM byok.keys WHERE owner_id = $1', [userId]);
  });

  it('reads a legacy value while some are left, upgrades it to the bound format on that read, and records when none is left', async () => {
    await asOldDatabase();
    const alice = uniqueId();
    const bob = uniqueId();
    const aliceSecret = secret('a');
    const bobSecret = secret('b');
    const aliceKey = await keyHolding(alice, encryptLegacy(TEST_MASTER_KEY, aliceSecret));
    const bobKey = await keyHolding(
      bob,
      encryptLegacy(TEST_MASTER_KEY, JSON.stringify({ apiKey: bobSecret })),
    );
    expect(await countLegacyValues(db())).toBe(2);

    expect((await manager.getActiveKey(alice, 'openai'))?.keyData).toEqual({ apiKey: aliceSecret });
    expect(await ciphertextOf(aliceKey)).toMatch(/^ck1:/);
    expect(await countLegacyValues(db())).toBe(1);
    expect(await noneLeftFlag()).toBe(false);
    // Read again: now from the bound value.
    expect((await manager.getActiveKey(alice, 'openai'))?.keyData).toEqual({ apiKey: aliceSecret });

    expect((await manager.getActiveKey(bob, 'openai'))?.keyData).toEqual({ apiKey: bobSecret });
    expect(await ciphertextOf(bobKey)).toMatch(/^ck1:/);
    expect(await countLegacyValues(db())).toBe(0);
    expect(await noneLeftFlag()).toBe(true);
  });

  it('refuses a legacy value copied onto another owner’s row once none is left, and never binds it there', async () => {
    await asOldDatabase();
    const victim = uniqueId();
    const attacker = uniqueId();
    const stolen = encryptLegacy(TEST_MASTER_KEY, secret('v'));
    await keyHolding(victim, stolen);
    await manager.getActiveKey(victim, 'openai'); // upgraded: none left
    expect(await noneLeftFlag()).toBe(true);

    const attackerKey = await keyHolding(attacker, stolen);
    await expect(manager.getActiveKey(attacker, 'openai')).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
    await expect(manager.decryptKey(attackerKey)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    expect(await ciphertextOf(attackerKey)).toBe(stolen);
    expect(logs.lines.join('\n')).toMatch(/Legacy ciphertext refused/);

    // Rotation does not upgrade (bind) it either: reported as failed, left as it is.
    const report = await rewrapDataKeys(db(), manager.context.encryption);
    expect(report.legacyUpgraded).not.toContain(attackerKey);
    expect(report.legacyFailed.map((f) => f.keyId)).toContain(attackerKey);
    expect(await ciphertextOf(attackerKey)).toBe(stolen);

    // An explicit setting turns legacy reads back on (e.g. to import old data); false never reads them.
    const permissive = new BYOKManager({
      encryptionKey: TEST_MASTER_KEY,
      database: { client },
      logger: logs.logger,
      allowLegacyCiphertext: true,
    });
    await expect(permissive.decryptKey(attackerKey)).resolves.toMatchObject({ id: attackerKey });
    await permissive.close();
    await db().query('DELETE FROM byok.keys WHERE owner_id = $1', [attacker]);
  });

  it('allowLegacyCiphertext: false refuses them even while some are left', async () => {
    await asOldDatabase();
    const userId = uniqueId();
    const keyId = await keyHolding(userId, encryptLegacy(TEST_MASTER_KEY, secret('s')));
    const strict = new BYOKManager({
      encryptionKey: TEST_MASTER_KEY,
      database: { client },
      logger: logs.logger,
      allowLegacyCiphertext: false,
    });
    await expect(strict.decryptKey(keyId)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    await strict.close();
    // Rotation while some are left upgrades it and records that none is left.
    const report = await rewrapDataKeys(db(), manager.context.encryption);
    expect(report.legacyUpgraded).toContain(keyId);
    expect(await ciphertextOf(keyId)).toMatch(/^ck1:/);
    expect(await noneLeftFlag()).toBe(true);
  });
});
