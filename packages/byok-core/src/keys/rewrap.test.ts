import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, databaseBackends, uniqueId } from '../../test/backends.js';
import { EncryptionService, encryptLegacy } from '../crypto/index.js';
import { isBYOKError } from '../errors/index.js';
import { BYOKManager } from '../manager/byok-manager.js';
import { toDatabase } from '../store/database.js';
import { rewrapDataKeys } from './rewrap.js';

const OLD_KEY = 'rotation-old-master-key-0123456789abcdef';
const NEW_KEY = 'rotation-new-master-key-0123456789abcdef';

describe.each(databaseBackends)('master-key rotation (DEK rewrap) on $name', (backend) => {
  let client: unknown;
  let close: () => Promise<void>;
  const logger = capturingLogger().logger;
  const owners: { userId: string; apiKey: string }[] = [];

  beforeAll(async () => {
    ({ client, close } = await backend.open());
    const old = new BYOKManager({ encryptionKey: OLD_KEY, database: { client }, logger });
    for (let i = 0; i < 25; i += 1) {
      const owner = { userId: uniqueId(), apiKey: `sk-proj-rotation${i}xxxxxxxxxx` };
      owners.push(owner);
      await old.addKey({ userId: owner.userId, provider: 'openai', keyData: { apiKey: owner.apiKey } });
    }
    await old.close();
  });
  afterAll(async () => close());

  it('moves values in the legacy format into the envelope format, readable under the new key', async () => {
    const legacyOwner = { userId: uniqueId(), apiKey: 'sk-proj-legacyvalue000001' };
    const seeding = new BYOKManager({ encryptionKey: OLD_KEY, database: { client }, logger });
    const keyId = await seeding.addKey({
      userId: legacyOwner.userId,
      provider: 'openai',
      keyData: { apiKey: 'sk-proj-placeholder0000' },
    });
    await seeding.close();
    await toDatabase(client).query('UPDATE byok.keys SET ciphertext = $2 WHERE id = $1', [
      keyId,
      encryptLegacy(OLD_KEY, legacyOwner.apiKey),
    ]);
    // As a database of an older deployment: a fresh one has no legacy value, so reads of them are off.
    await toDatabase(client).query(
      "DELETE FROM byok.system_flags WHERE name = 'legacy_ciphertext_none_left'",
    );
    owners.push(legacyOwner);
  });

  it('dry run counts and changes nothing', async () => {
    const encryption = new EncryptionService({ encryptionKey: NEW_KEY, decryptionKeys: [OLD_KEY] });
    const report = await rewrapDataKeys(toDatabase(client), encryption, { dryRun: true });
    expect(report).toMatchObject({ total: 26, processed: 0, dryRun: true, completed: false });
  });

  it('resumes after being stopped halfway, then finishes with processed == succeeded', async () => {
    const encryption = new EncryptionService({ encryptionKey: NEW_KEY, decryptionKeys: [OLD_KEY] });
    const stop = new AbortController();
    const progress: number[] = [];
    const first = await rewrapDataKeys(toDatabase(client), encryption, {
      batchSize: 10,
      signal: stop.signal,
      onProgress: (p) => {
        progress.push(p.processed);
        if (p.processed >= 10) stop.abort();
      },
    });
    expect(first).toMatchObject({ total: 26, processed: 10, succeeded: 10, completed: false });

    // Meanwhile a server holding both keys keeps reading every key.
    const during = new BYOKManager({
      encryptionKey: NEW_KEY,
      decryptionKeys: [OLD_KEY],
      database: { client },
      logger,
    });
    for (const owner of owners)
      expect((await during.getActiveKey(owner.userId, 'openai'))?.keyData.apiKey).toBe(owner.apiKey);
    await during.close();

    const second = await rewrapDataKeys(toDatabase(client), encryption, { batchSize: 10 });
    expect(second).toMatchObject({
      total: 16,
      processed: 16,
      succeeded: 16,
      failed: 0,
      completed: true,
      legacyFailed: [],
    });
    // The server's reads above upgraded the legacy value to the bound format (on its first
    // successful read), so none was left for the rotation; legacy-values.test.ts covers that path.
    expect(second.legacyUpgraded.length).toBe(0);
    const { rows } = await toDatabase(client).query<{ ciphertext: string }>(
      "SELECT ciphertext FROM byok.keys WHERE status <> 'revoked' AND ciphertext NOT LIKE 'ck1:%'",
    );
    expect(rows).toEqual([]);
  });

  it('leaves every credential readable under the new key only', async () => {
    const fresh = new BYOKManager({ encryptionKey: NEW_KEY, database: { client }, logger });
    for (const owner of owners)
      expect((await fresh.getActiveKey(owner.userId, 'openai'))?.keyData.apiKey).toBe(owner.apiKey);
    await fresh.close();

    const stale = new BYOKManager({ encryptionKey: OLD_KEY, database: { client }, logger });
    const error = await stale.getActiveKey(owners[0]?.userId as string, 'openai').catch((e: unknown) => e);
    expect(isBYOKError(error) && error.code).toBe('MASTER_KEY_MISMATCH');
    await stale.close();

    const { rows } = await toDatabase(client).query<{ fingerprint: string; retired: boolean }>(
      'SELECT fingerprint, retired_at IS NOT NULL AS retired FROM byok.master_keys ORDER BY first_seen_at',
    );
    expect(rows.map((r) => r.retired)).toEqual([true, false]);
  });
});
