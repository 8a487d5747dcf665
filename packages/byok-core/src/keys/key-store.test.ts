import { describe, expect, it } from 'vitest';
import {
  capturingLogger,
  databaseBackends,
  OTHER_MASTER_KEY,
  TEST_MASTER_KEY,
  uniqueId,
} from '../../test/backends.js';
import { codeOf } from '../../test/error-code.js';
import { useManager } from '../../test/manager.js';
import { encryptLegacy } from '../crypto/index.js';
import { isBYOKError } from '../errors/index.js';
import { BYOKManager } from '../manager/byok-manager.js';
import { Environment, ProviderType } from '../providers/index.js';
import { toDatabase } from '../store/database.js';
import { DatabaseMigration } from '../store/migrator.js';

const openaiKey = (tail = 'a') => `sk-proj-${tail.repeat(8)}${Math.random().toString(36).slice(2, 10)}`;

describe.each(databaseBackends)('key store on $name', (backend) => {
  let client: unknown;
  let manager: BYOKManager;
  useManager(backend, (opened) => {
    ({ client, manager } = opened);
  });

  const db = () => toDatabase(client);
  /** Stores an OpenAI key for `userId` (its secret: `openaiKey(tail)`). */
  const addOpenAi = (userId: string, tail?: string) =>
    manager.addKey({ userId, provider: 'openai', keyData: { apiKey: openaiKey(tail) } });

  it('adds a key and hands it back decrypted, with details masked', async () => {
    const userId = uniqueId();
    const apiKey = openaiKey('q');
    const keyId = await manager.addKey({
      userId,
      provider: ProviderType.OPENAI,
      keyData: { apiKey, organization: 'org-123' },
      alias: 'My OpenAI Key',
      description: 'Production OpenAI key for chat features',
    });
    expect(keyId).toMatch(/^key_[0-9a-z]{20}$/);
    const key = await manager.getActiveKey(userId, ProviderType.OPENAI);
    expect(key).toMatchObject({
      id: keyId,
      provider: 'openai',
      keyData: { apiKey, organization: 'org-123' },
    });
    const details = await manager.getKeyDetails(keyId);
    expect(details).toMatchObject({ id: keyId, alias: 'My OpenAI Key', status: 'active', healthScore: 100 });
    expect(details?.keyHint).toBe(`sk-proj-…${apiKey.slice(-4)}`);
    expect(JSON.stringify(details)).not.toContain(apiKey);
  });

  it('returns null when the owner has no key for the provider or environment', async () => {
    const userId = uniqueId();
    await manager.addKey({
      userId,
      provider: 'openai',
      keyData: { apiKey: openaiKey() },
      environment: 'development',
    });
    expect(await manager.getActiveKey(userId, ProviderType.ANTHROPIC)).toBeNull();
    expect(await manager.getActiveKey(userId, ProviderType.OPENAI)).toBeNull();
    expect(await manager.getActiveKey(userId, ProviderType.OPENAI, Environment.DEVELOPMENT)).not.toBeNull();
  });

  it('keeps owners apart: another owner gets nothing and "not found", never the row', async () => {
    const alice = uniqueId('alice');
    const mallory = uniqueId('mallory');
    const keyId = await addOpenAi(alice, 'b');
    expect(await manager.getActiveKey(mallory, 'openai')).toBeNull();
    expect(await manager.getKeyDetails(keyId, { scope: { userId: mallory } })).toBeNull();
    expect(await manager.listKeys(mallory)).toEqual([]);
    expect(await codeOf(manager.updateKey(keyId, { alias: 'mine' }, { scope: { userId: mallory } }))).toBe(
      'KEY_NOT_FOUND',
    );
    expect(await codeOf(manager.deleteKey(keyId, { scope: { userId: mallory } }))).toBe('KEY_NOT_FOUND');
    expect(await codeOf(manager.revokeKey(keyId, { scope: { userId: mallory } }))).toBe('KEY_NOT_FOUND');
    expect(await codeOf(manager.decryptKey(keyId, { scope: { userId: mallory } }))).toBe('KEY_NOT_FOUND');
    expect(await manager.getActiveKey(alice, 'openai')).not.toBeNull();
  });

  it('updates alias, disables, enables, replaces the secret, revokes and deletes, each audited', async () => {
    const userId = uniqueId();
    const keyId = await manager.addKey({
      userId,
      provider: 'anthropic',
      keyData: { apiKey: `sk-ant-api03-${'x'.repeat(90)}` },
    });
    await manager.updateKey(keyId, { alias: 'renamed', description: 'desc' });
    await manager.updateKey(keyId, { enabled: false });
    expect(await manager.getActiveKey(userId, 'anthropic')).toBeNull();
    await manager.updateKey(keyId, { enabled: true });
    const replacement = `sk-ant-api03-${'y'.repeat(90)}`;
    const details = await manager.updateKey(keyId, { keyData: { apiKey: replacement } });
    expect(details.keyHint.endsWith('yyyy')).toBe(true);
    expect((await manager.getActiveKey(userId, 'anthropic'))?.keyData.apiKey).toBe(replacement);
    await manager.revokeKey(keyId);
    expect(await manager.getActiveKey(userId, 'anthropic')).toBeNull();
    expect(await codeOf(manager.updateKey(keyId, { enabled: true }))).toBe('CONFLICT');
    await manager.deleteKey(keyId);
    expect(await manager.getKeyDetails(keyId)).toBeNull();
    const actions = (await manager.audit.list({ owner: { type: 'user', id: userId } }))
      .map((e) => e.action)
      .reverse();
    expect(actions).toEqual([
      'key.created',
      'key.updated',
      'key.disabled',
      'key.enabled',
      'key.secret_replaced',
      'key.revoked',
      'key.deleted',
    ]);
    expect((await manager.audit.verifyChain()).ok).toBe(true);
  });

  it('lists with filters and serves keys in priority order', async () => {
    const userId = uniqueId();
    const first = await manager.addKey({
      userId,
      provider: 'openai',
      keyData: { apiKey: openaiKey('c') },
      priority: 5,
    });
    const second = await manager.addKey({
      userId,
      provider: 'openai',
      keyData: { apiKey: openaiKey('d') },
      priority: 1,
    });
    await manager.addKey({
      userId,
      provider: 'deepgram',
      keyData: { apiKey: 'f'.repeat(40) },
      environment: 'staging',
    });
    expect((await manager.getActiveKey(userId, 'openai'))?.id).toBe(second);
    expect((await manager.listKeys(userId)).length).toBe(3);
    expect((await manager.listKeys(userId, { provider: 'openai' })).map((k) => k.id).sort()).toEqual(
      [first, second].sort(),
    );
    expect((await manager.listKeys(userId, { environment: 'staging' })).map((k) => k.provider)).toEqual([
      'deepgram',
    ]);
    expect(await codeOf(manager.listKeys(userId, { provider: 'nope' as ProviderType }))).toBe(
      'UNKNOWN_PROVIDER',
    );
  });

  it('stores workspace keys the same way, apart from the members own keys', async () => {
    const owner = uniqueId('owner');
    const workspace = await manager.workspaces.createWorkspace({ name: 'Acme', ownerUserId: owner });
    const keyId = await manager.addKey({
      workspaceId: workspace.id,
      provider: 'twilio',
      keyData: twilioKeyData(),
    });
    expect((await manager.getActiveKey({ workspaceId: workspace.id }, 'twilio'))?.id).toBe(keyId);
    expect(await manager.getActiveKey(owner, 'twilio')).toBeNull();
    expect(
      await codeOf(
        manager.addKey({ workspaceId: 'ws_missing', provider: 'openai', keyData: { apiKey: openaiKey() } }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('refuses bad input before anything is stored', async () => {
    const userId = uniqueId();
    const cases: [unknown, string][] = [
      [{ userId, provider: 'nope', keyData: { apiKey: 'x' } }, 'UNKNOWN_PROVIDER'],
      [{ userId, provider: 'openai', keyData: { apiKey: 'not-a-key-at-all' } }, 'INVALID_KEY_FORMAT'],
      [{ userId, provider: 'openai', keyData: {} }, 'INVALID_INPUT'],
      [{ userId, provider: 'openai', keyData: { apiKey: openaiKey(), extra: 'x' } }, 'INVALID_INPUT'],
      [{ provider: 'openai', keyData: { apiKey: openaiKey() } }, 'INVALID_INPUT'],
      [
        { userId, provider: 'openai', keyData: { apiKey: openaiKey() }, environment: 'prod' },
        'INVALID_INPUT',
      ],
      [{ userId, provider: 'openai', keyData: { apiKey: openaiKey() }, surprise: true }, 'INVALID_INPUT'],
      [
        { userId, workspaceId: 'ws_x', provider: 'openai', keyData: { apiKey: openaiKey() } },
        'INVALID_INPUT',
      ],
    ];
    for (const [input, code] of cases) {
      expect(await codeOf(manager.addKey(input as never))).toBe(code);
    }
    const { rows } = await db().query('SELECT 1 FROM byok.keys WHERE owner_id = $1', [userId]);
    expect(rows).toEqual([]);
  });

  it('refuses a flipped byte in the IV, the tag or the ciphertext', async () => {
    const userId = uniqueId();
    const keyId = await addOpenAi(userId, 'e');
    const { rows } = await db().query<{ ciphertext: string }>(
      'SELECT ciphertext FROM byok.keys WHERE id = $1',
      [keyId],
    );
    const original = rows[0]?.ciphertext as string;
    for (const part of [2, 3, 4]) {
      const pieces = original.split(':');
      const bytes = Buffer.from(pieces[part] as string, 'base64url');
      bytes[0] = (bytes[0] as number) ^ 0x01;
      pieces[part] = bytes.toString('base64url');
      await db().query('UPDATE byok.keys SET ciphertext = $2 WHERE id = $1', [keyId, pieces.join(':')]);
      const error = await manager.decryptKey(keyId).catch((e: unknown) => e);
      expect(isBYOKError(error) && error.code).toBe('DECRYPTION_FAILED');
      expect((error as Error).message).toBe('Failed to decrypt API key');
    }
    await db().query('UPDATE byok.keys SET ciphertext = $2 WHERE id = $1', [keyId, original]);
    expect((await manager.decryptKey(keyId)).id).toBe(keyId);
  });

  it('refuses a ciphertext copied onto another row or another owner', async () => {
    const alice = uniqueId('alice');
    const bob = uniqueId('bob');
    const source = await addOpenAi(alice, 'f');
    const sameOwner = await addOpenAi(alice, 'g');
    const otherOwner = await addOpenAi(bob, 'h');
    const { rows } = await db().query<{ ciphertext: string }>(
      'SELECT ciphertext FROM byok.keys WHERE id = $1',
      [source],
    );
    // Each read once first: what a read keeps of a row (its ciphertext split, its associated data) must not carry over.
    for (const id of [source, sameOwner, otherOwner]) expect((await manager.decryptKey(id)).id).toBe(id);
    for (const target of [sameOwner, otherOwner]) {
      await db().query('UPDATE byok.keys SET ciphertext = $2 WHERE id = $1', [target, rows[0]?.ciphertext]);
      expect(await codeOf(manager.decryptKey(target))).toBe('DECRYPTION_FAILED');
    }
  });

  it('refuses the wrong master key and names the fingerprint it needs', async () => {
    const wrong = new BYOKManager({
      encryptionKey: OTHER_MASTER_KEY,
      database: { client },
      logger: capturingLogger().logger,
    });
    const error = await wrong.ready().catch((e: unknown) => e);
    expect(isBYOKError(error) && error.code).toBe('MASTER_KEY_MISMATCH');
    expect((error as Error).message).toContain(manager.context.encryption.activeFingerprint as string);
    expect(await codeOf(wrong.getActiveKey(uniqueId(), 'openai'))).toBe('MASTER_KEY_MISMATCH');
    await wrong.close();
  });

  it('without a usable master key, every credential operation fails with ENCRYPTION_NOT_CONFIGURED', async () => {
    const { logger, lines } = capturingLogger();
    const saved = { a: process.env.BYOK_ENCRYPTION_KEY, b: process.env.ENCRYPTION_MASTER_KEY };
    delete process.env.BYOK_ENCRYPTION_KEY;
    delete process.env.ENCRYPTION_MASTER_KEY;
    try {
      for (const encryptionKey of [undefined, 'too-short']) {
        const unconfigured = new BYOKManager({ encryptionKey, database: { client }, logger });
        expect(lines.some((line) => line.includes('ENCRYPTION_MASTER_KEY not configured'))).toBe(true);
        const userId = uniqueId();
        for (const call of [
          unconfigured.addKey({ userId, provider: 'openai', keyData: { apiKey: openaiKey() } }),
          unconfigured.getActiveKey(userId, 'openai'),
          unconfigured.getKeyDetails('key_x'),
          unconfigured.listKeys(userId),
          unconfigured.deleteKey('key_x'),
        ]) {
          const error = await call.catch((e: unknown) => e);
          expect(isBYOKError(error) && error.code).toBe('ENCRYPTION_NOT_CONFIGURED');
          expect((error as Error).message).toBe('ENCRYPTION_MASTER_KEY not configured');
        }
        expect(unconfigured.context.encryption.test()).toBe(false);
        await unconfigured.close();
      }
    } finally {
      if (saved.a !== undefined) process.env.BYOK_ENCRYPTION_KEY = saved.a;
      if (saved.b !== undefined) process.env.ENCRYPTION_MASTER_KEY = saved.b;
    }
  });

  it('leaves neither the change nor its audit entry when a write fails halfway', async () => {
    await db().query(`
      CREATE OR REPLACE FUNCTION byok.test_fail_audit() RETURNS trigger AS $$
      BEGIN
        IF NEW.details->>'alias' = 'fail-in-audit' THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await db().query(
      'CREATE OR REPLACE TRIGGER test_fail_audit BEFORE INSERT ON byok.audit_log FOR EACH ROW EXECUTE FUNCTION byok.test_fail_audit()',
    );
    try {
      const userId = uniqueId();
      const before = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM byok.audit_log');
      await expect(
        manager.addKey({
          userId,
          provider: 'openai',
          keyData: { apiKey: openaiKey() },
          alias: 'fail-in-audit',
        }),
      ).rejects.toThrow();
      expect((await db().query('SELECT 1 FROM byok.keys WHERE owner_id = $1', [userId])).rows).toEqual([]);
      expect((await db().query('SELECT 1 FROM byok.data_keys WHERE owner_id = $1', [userId])).rows).toEqual(
        [],
      );
      const after = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM byok.audit_log');
      expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
      expect((await manager.audit.verifyChain()).ok).toBe(true);
    } finally {
      await db().query('DROP TRIGGER IF EXISTS test_fail_audit ON byok.audit_log');
    }
  });

  it("still reads the spec's legacy iv:authTag:ciphertext format", async () => {
    // As a database of an older deployment: a fresh one has no legacy value, so reads of them are off.
    await db().query("DELETE FROM byok.system_flags WHERE name = 'legacy_ciphertext_none_left'");
    const userId = uniqueId();
    const keyId = await addOpenAi(userId, 'i');
    const legacySecret = openaiKey('j');
    await db().query('UPDATE byok.keys SET ciphertext = $2 WHERE id = $1', [
      keyId,
      encryptLegacy(TEST_MASTER_KEY, legacySecret),
    ]);
    await manager.context.cache.invalidate([`key:${keyId}`, `active:user:${userId}:openai:production`]);
    expect((await manager.getActiveKey(userId, 'openai'))?.keyData).toEqual({ apiKey: legacySecret });
  });

  it('counts key use per hour off the hot path', async () => {
    const userId = uniqueId();
    const keyId = await addOpenAi(userId, 'k');
    for (let i = 0; i < 5; i += 1) await manager.getActiveKey(userId, 'openai');
    expect(
      (await db().query('SELECT 1 FROM byok.key_access_hourly WHERE key_id = $1', [keyId])).rows,
    ).toEqual([]);
    await manager.context.access.flush();
    await manager.getActiveKey(userId, 'openai');
    await manager.context.access.flush();
    const { rows } = await db().query<{ access_count: string }>(
      'SELECT access_count FROM byok.key_access_hourly WHERE key_id = $1',
      [keyId],
    );
    expect(Number(rows[0]?.access_count)).toBe(6);
  });

  it('lists the keys a bulk validation goes through: not revoked, one owner or everyone', async () => {
    const [userA, userB] = [uniqueId(), uniqueId()];
    const kept = await addOpenAi(userA, 'v');
    const gone = await addOpenAi(userA, 'w');
    const other = await addOpenAi(userB, 'x');
    await manager.keys.revokeKey(gone);
    expect((await manager.keys.listKeysToValidate({ userId: userA })).map((k) => k.id)).toEqual([kept]);
    const everyone = (await manager.keys.listKeysToValidate()).map((k) => k.id);
    expect(everyone).toEqual(expect.arrayContaining([kept, other]));
    expect(everyone).not.toContain(gone);
  });

  it('reports migration status and applies nothing twice', async () => {
    const migration = new DatabaseMigration(client);
    expect(await migration.runMigrations()).toEqual([]);
    const status = await migration.getMigrationStatus();
    expect(status).toMatchObject({ upToDate: true, pending: [] });
    expect(status.currentVersion).toBe(status.latestVersion);
    expect(status.applied[0]).toMatchObject({ version: 1, name: '0001_init' });
  });
});

function twilioKeyData() {
  return { accountSid: `AC${'0123456789abcdef'.repeat(2)}`, authToken: 'abcdef0123456789'.repeat(2) };
}
