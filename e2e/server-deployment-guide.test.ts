/**
 * spec/byoai-deployment-guide.md, walked as written against a running `byok serve` process on
 * PGlite, with the fake providers standing in for OpenAI:
 *
 *   Environment Variables   `byok generate-key` (≙ `openssl rand -base64 32`), ENCRYPTION_MASTER_KEY
 *   Rotation 1. Preparation  a second key
 *   (a running service)      a workspace with an OpenAI key, tested through
 *                            POST /api/workspaces/{id}/ai-providers/{id}/test
 *   Rotation 2. Re-encrypt   stop; ENCRYPTION_MASTER_KEY=old NEW_ENCRYPTION_MASTER_KEY=new byok rotate-encryption-keys
 *   Rotation 3. Deploy       restart with the new key; GET /health
 *   Rotation 4. Verify       POST /api/workspaces/{id}/ai-providers/{id}/test again
 *   Rollback Procedure       see the last test: after a rewrap the old key alone no longer reads
 *                            the data keys, so "restore the old key" means the old key back as the
 *                            one that encrypts *with the new one still readable*
 *                            (BYOK_ENCRYPTION_KEY=old BYOK_DECRYPTION_KEYS=new), and — to be on the
 *                            old key alone — the rotation run in reverse. The old key by itself is
 *                            refused at start-up, loudly, naming the fingerprint it lacks.
 */
import { join } from 'node:path';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  JWT_SECRET,
  jsonOf,
  openaiKey,
  runCli,
  type SpawnedServer,
  spawnServer,
  tempDir,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

describe('the BYOAI deployment guide, step by step', { timeout: 300_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fake: FakeProviders;
  let oldKey: string;
  let newKey: string;
  let token: string;
  let workspaceId: string;
  let keyId: string;
  const secret = openaiKey();
  let running: SpawnedServer | undefined;

  /** What every step's server shares: production, PGlite in the temp folder, the fake OpenAI. */
  const serverEnv = (keys: Record<string, string>) => ({
    NODE_ENV: 'production',
    BYOK_DATA_DIR: join(dir.path, 'data'),
    BYOK_JWT_SECRET: JWT_SECRET,
    // The detailed health report (fingerprint, counts) is for the operator's service token only.
    BYOK_ADMIN_TOKEN: ADMIN_TOKEN,
    BYOK_OPENAI_BASE_URL: fake.baseUrls.openai,
    ...keys,
  });
  const operator = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${running?.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });
  const testRoute = () =>
    api(`/api/workspaces/${workspaceId}/ai-providers/${keyId}/test`, { method: 'POST' });
  const stop = async () => {
    const code = await running?.stop('SIGTERM');
    running = undefined;
    return code;
  };

  beforeAll(async () => {
    dir = await tempDir();
    fake = await startFakeProviders();
    token = await tokenFor(uid('ops'));
  });
  afterAll(async () => {
    await running?.stop('SIGKILL');
    await fake.close();
    await dir.remove();
  });

  it('Environment Variables: generates a 32+ character key (openssl rand -base64 32)', async () => {
    const [a, b] = await Promise.all([
      runCli(['generate-key'], {}, dir.path),
      runCli(['generate-key'], {}, dir.path),
    ]);
    oldKey = a.stdout.trim();
    newKey = b.stdout.trim();
    expect(oldKey.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(oldKey, 'base64')).toHaveLength(32);
    expect(newKey).not.toBe(oldKey);
  });

  it('starts with ENCRYPTION_MASTER_KEY; /health answers; a workspace key tests valid', async () => {
    running = await spawnServer(serverEnv({ ENCRYPTION_MASTER_KEY: oldKey }), dir.path);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
    expect((await fetch(`${running.url}/health/byok`)).status).toBe(401);
    expect(await jsonOf(await fetch(`${running.url}/health/ready`))).toEqual({ status: 'ready' });
    const health = await fetch(`${running.url}/health/byok`, operator);
    expect(health.status).toBe(200);
    expect((await jsonOf(health)).status).toBe('healthy');
    const ws = await api('/api/workspaces', { method: 'POST', body: JSON.stringify({ name: 'Production' }) });
    workspaceId = (await jsonOf(ws)).workspace.id;
    const key = await api(`/api/workspaces/${workspaceId}/ai-providers`, {
      method: 'POST',
      body: JSON.stringify({ provider: 'openai', keyData: { apiKey: secret }, alias: 'Team OpenAI' }),
    });
    expect(key.status).toBe(201);
    keyId = (await jsonOf(key)).key.id;
    fake.clear();
    const test = await testRoute();
    expect(test.status).toBe(200);
    const body = await test.text();
    expect(JSON.parse(body).result).toMatchObject({ keyId, isValid: true, status: 'valid' });
    expect(body).not.toContain(secret);
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);
  });

  it('Rotation 2: stops, and re-encrypts with ENCRYPTION_MASTER_KEY=old NEW_ENCRYPTION_MASTER_KEY=new', async () => {
    expect(await stop()).toBe(0);
    const rotation = await runCli(
      ['rotate-encryption-keys'],
      {
        BYOK_DATA_DIR: join(dir.path, 'data'),
        NODE_ENV: 'production',
        ENCRYPTION_MASTER_KEY: oldKey,
        NEW_ENCRYPTION_MASTER_KEY: newKey,
      },
      dir.path,
      { timeoutMs: 120_000 },
    );
    expect(rotation.code, rotation.stderr).toBe(0);
    expect(rotation.stdout).toMatch(/Processed (\d+) of \1: \1 succeeded, 0 failed/);
    expect(rotation.stdout).toContain('Done: every data key is under the new master key');
    expect(rotation.stdout + rotation.stderr).not.toContain(oldKey);
    expect(rotation.stdout + rotation.stderr).not.toContain(newKey);
  });

  it('Rotation 3 and 4: restarts with the new key; /health and the test route work again', async () => {
    running = await spawnServer(serverEnv({ ENCRYPTION_MASTER_KEY: newKey }), dir.path);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
    expect((await jsonOf(await fetch(`${running.url}/health/byok`, operator))).status).toBe('healthy');
    fake.clear();
    const test = await testRoute();
    expect(test.status).toBe(200);
    expect((await jsonOf(test)).result.isValid).toBe(true);
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(await stop()).toBe(0);
  });

  it('Rollback: the old key alone is refused loudly; old-with-new-readable serves at once; a reverse rotation puts the data back on the old key alone', async () => {
    // "Restore old ENCRYPTION_MASTER_KEY, restart" taken literally: the rewrapped data keys are
    // under the new key now, so the server refuses to start rather than write under a key that
    // cannot read what is stored — and names the fingerprint it needs.
    const literal = await runCli(
      ['serve'],
      serverEnv({ ENCRYPTION_MASTER_KEY: oldKey, PORT: '0', HOST: '127.0.0.1' }),
      dir.path,
      {
        timeoutMs: 60_000,
      },
    );
    expect(literal.code).not.toBe(0);
    expect(literal.stderr + literal.stdout).toMatch(/MASTER_KEY_MISMATCH|master key/i);
    expect(literal.stderr + literal.stdout).not.toContain(oldKey);

    // Rollback, step 1 (a restart, nothing rewritten): the old key encrypts again, the new key is
    // kept for reading what the rotation rewrapped.
    running = await spawnServer(
      serverEnv({ BYOK_ENCRYPTION_KEY: oldKey, BYOK_DECRYPTION_KEYS: newKey }),
      dir.path,
    );
    expect((await jsonOf(await fetch(`${running.url}/health/byok`, operator))).status).toBe('healthy');
    expect((await jsonOf(await testRoute())).result.isValid).toBe(true);
    expect(await stop()).toBe(0);

    // Rollback, step 2 (when the old key must be the only one again): the rotation in reverse.
    const reverse = await runCli(
      ['rotate-encryption-keys'],
      {
        BYOK_DATA_DIR: join(dir.path, 'data'),
        NODE_ENV: 'production',
        ENCRYPTION_MASTER_KEY: newKey,
        NEW_ENCRYPTION_MASTER_KEY: oldKey,
      },
      dir.path,
      { timeoutMs: 120_000 },
    );
    expect(reverse.code, reverse.stderr).toBe(0);
    running = await spawnServer(serverEnv({ ENCRYPTION_MASTER_KEY: oldKey }), dir.path);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
    expect((await jsonOf(await fetch(`${running.url}/health/byok`, operator))).status).toBe('healthy');
    fake.clear();
    expect((await jsonOf(await testRoute())).result.isValid).toBe(true);
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(await stop()).toBe(0);

    // Every step left its trace in an intact audit log.
    // Verifying needs the master key: the reverse rotation re-sealed the log under the old key.
    const verify = await runCli(
      ['audit', 'verify'],
      { BYOK_DATA_DIR: join(dir.path, 'data'), ENCRYPTION_MASTER_KEY: oldKey },
      dir.path,
    );
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});

/**
 * Invariant 4 after the rollback above: the rewrap marks every master key but its target as
 * retired, and a later rewrap back to a retired key leaves that key retired too — after the
 * reverse rotation no key is "in use" in `byok.master_keys`, so start-up no longer refuses a key
 * that reads nothing. Expected to fail until the core upserts clear `retired_at` (see the report:
 * `ON CONFLICT (fingerprint) DO UPDATE SET retired_at = NULL` in `checkMasterKey` and
 * `rewrapDataKeys`); then flip `it.fails` to `it`.
 */
describe('after a rotation and its reverse (the rollback)', () => {
  it('refuses a master key that reads none of the stored data keys', { timeout: 60_000 }, async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { createBYOKForStack2025, createLogger, EncryptionService } = await import('@stack-2025/byok-core');
    const db = new PGlite();
    const logger = createLogger({ level: 'silent' });
    const [a, b, wrong] = [1, 2, 3].map(() => EncryptionService.generateMasterKey()) as [
      string,
      string,
      string,
    ];
    const open = (encryptionKey: string, decryptionKeys: string[] = []) =>
      createBYOKForStack2025({ encryptionKey, decryptionKeys, postgresClient: db, logger });
    try {
      let system = await open(a);
      await system.manager.addKey({ userId: 'u', provider: 'openai', keyData: { apiKey: openaiKey() } });
      await system.close();
      system = await open(b, [a]);
      expect((await system.rotateMasterKey()).completed).toBe(true);
      await system.close();
      system = await open(a, [b]);
      expect((await system.rotateMasterKey()).completed).toBe(true);
      await system.close();
      await expect(open(wrong)).rejects.toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
    } finally {
      await db.close();
    }
  });
});
