import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createBYOKForStack2025, createLogger, EncryptionService, isBYOKError } from '@stack-2025/byok-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteDir } from '../apps/byok-server/src/database.js';
import { openaiKey, runCli, tempDir, uid } from '../apps/byok-server/test/helpers.js';

const OLD = EncryptionService.generateMasterKey();
const NEW = EncryptionService.generateMasterKey();
const NEWER = EncryptionService.generateMasterKey();
const USERS = 4;

let dir: Awaited<ReturnType<typeof tempDir>>;
let dataDir: string;
const stored = new Map<string, string>(); // user → secret

async function withData<T>(fn: (db: PGlite) => Promise<T>): Promise<T> {
  const db = await PGlite.create(pgliteDir(dataDir));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Opens the data with exactly these master keys and reads every stored key back. */
async function readAll(encryptionKey: string, decryptionKeys: string[] = []): Promise<Map<string, string>> {
  return withData(async (db) => {
    const system = await createBYOKForStack2025({
      encryptionKey,
      decryptionKeys,
      postgresClient: db,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const read = new Map<string, string>();
      for (const user of stored.keys()) {
        const key = await system.manager.getActiveKey(user, 'openai');
        if (key?.keyData.apiKey) read.set(user, key.keyData.apiKey);
      }
      return read;
    } finally {
      await system.close();
    }
  });
}

async function openFails(encryptionKey: string): Promise<string> {
  try {
    await readAll(encryptionKey);
    return 'opened';
  } catch (error) {
    return isBYOKError(error) ? error.code : String(error);
  }
}

const fingerprints = () =>
  withData(async (db) => {
    const { rows } = await db.query<{ master_fingerprint: string }>(
      'SELECT DISTINCT master_fingerprint FROM byok.data_keys ORDER BY 1',
    );
    return rows.map((r) => r.master_fingerprint);
  });

beforeAll(async () => {
  dir = await tempDir();
  dataDir = join(dir.path, 'data');
  await mkdir(dataDir, { recursive: true });
  await withData(async (db) => {
    const system = await createBYOKForStack2025({
      encryptionKey: OLD,
      decryptionKeys: [],
      postgresClient: db,
      logger: createLogger({ level: 'silent' }),
    });
    for (let i = 0; i < USERS; i++) {
      const user = uid();
      const secret = openaiKey();
      await system.manager.addKey({ userId: user, provider: 'openai', keyData: { apiKey: secret } });
      stored.set(user, secret);
    }
    await system.close();
  });
}, 120_000);
afterAll(async () => {
  await dir.remove();
});

describe('byok rotate-encryption-keys', () => {
  it('--dry-run counts and changes nothing', { timeout: 120_000 }, async () => {
    const before = await fingerprints();
    const res = await runCli(
      ['rotate-encryption-keys', '--dry-run'],
      { BYOK_DATA_DIR: dataDir, ENCRYPTION_MASTER_KEY: OLD, NEW_ENCRYPTION_MASTER_KEY: NEW },
      dir.path,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Dry run: ${USERS} data key(s) would be rewrapped`);
    expect(await fingerprints()).toEqual(before);
    expect(before).toHaveLength(1);
  });

  it('the runbook form (ENCRYPTION_MASTER_KEY=old NEW_ENCRYPTION_MASTER_KEY=new) rewraps everything; only the new key reads it', {
    timeout: 120_000,
  }, async () => {
    const [oldFingerprint] = await fingerprints();
    const res = await runCli(
      ['rotate-encryption-keys'],
      { BYOK_DATA_DIR: dataDir, ENCRYPTION_MASTER_KEY: OLD, NEW_ENCRYPTION_MASTER_KEY: NEW },
      dir.path,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Old master key fingerprint(s): ${oldFingerprint}`);
    const newFingerprint = /New master key fingerprint:\s+(mk_\w+)/.exec(res.stdout)?.[1];
    expect(newFingerprint).toMatch(/^mk_/);
    expect(res.stdout).toContain(`Processed ${USERS} of ${USERS}: ${USERS} succeeded, 0 failed`);
    expect(res.stderr).toMatch(/progress: \d+\/4 processed/);
    expect(res.stdout + res.stderr).not.toContain(OLD);
    expect(res.stdout + res.stderr).not.toContain(NEW);
    expect(await fingerprints()).toEqual([newFingerprint]);
    expect(await readAll(NEW)).toEqual(stored);
    expect(await openFails(OLD)).toBe('MASTER_KEY_MISMATCH');
    const actions = await withData(async (db) => {
      const { rows } = await db.query<{ action: string }>(
        "SELECT action FROM byok.audit_log WHERE action LIKE 'master_key.%' ORDER BY id",
      );
      return rows.map((r) => r.action);
    });
    expect(actions).toEqual(['master_key.rotation_started', 'master_key.rotation_completed']);
    // The audit log was re-sealed under the new key: it verifies with the new key alone.
    expect(res.stdout).toMatch(new RegExp(`Audit log re-sealed under ${newFingerprint}: \\d+ chain\\(s\\)`));
    const verify = await runCli(
      ['audit', 'verify'],
      { BYOK_DATA_DIR: dataDir, ENCRYPTION_MASTER_KEY: NEW },
      dir.path,
    );
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  it('the keyring form (BYOK_ENCRYPTION_KEY=new BYOK_DECRYPTION_KEYS=old) works in batches of one', {
    timeout: 120_000,
  }, async () => {
    const res = await runCli(
      ['rotate-encryption-keys', '--batch-size', '1'],
      { BYOK_DATA_DIR: dataDir, BYOK_ENCRYPTION_KEY: NEWER, BYOK_DECRYPTION_KEYS: `${OLD},${NEW}` },
      dir.path,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr.match(/progress: /g)?.length).toBeGreaterThanOrEqual(USERS);
    expect(await readAll(NEWER)).toEqual(stored);
    expect(await openFails(NEW)).toBe('MASTER_KEY_MISMATCH');
  });

  it('fails (non-zero, naming the needed fingerprint) when the old key is wrong, and changes nothing', {
    timeout: 120_000,
  }, async () => {
    const before = await fingerprints();
    const res = await runCli(
      ['rotate-encryption-keys'],
      {
        BYOK_DATA_DIR: dataDir,
        ENCRYPTION_MASTER_KEY: OLD,
        NEW_ENCRYPTION_MASTER_KEY: EncryptionService.generateMasterKey(),
      },
      dir.path,
    );
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('MASTER_KEY_MISMATCH');
    expect(res.stderr).toContain(before[0]);
    expect(await fingerprints()).toEqual(before);
  });

  it('refuses to run without keys (exit 2) and rejects a bad --batch-size', { timeout: 60_000 }, async () => {
    const none = await runCli(['rotate-encryption-keys'], { BYOK_DATA_DIR: dataDir }, dir.path);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('NEW_ENCRYPTION_MASTER_KEY');
    const bad = await runCli(
      ['rotate-encryption-keys', '--batch-size', '0'],
      { BYOK_DATA_DIR: dataDir },
      dir.path,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('batch-size');
  });
});
