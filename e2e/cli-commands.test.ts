import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createBYOKForStack2025, createLogger } from '@stack-2025/byok-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteDir } from '../apps/byok-server/src/database.js';
import { MASTER_KEY, openaiKey, runCli, tempDir, uid } from '../apps/byok-server/test/helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let dataDir: string;
const env = () => ({ BYOK_DATA_DIR: dataDir });

/** Opens the data folder's PGlite in this process (the CLI must not be running). */
async function withData<T>(fn: (db: PGlite) => Promise<T>): Promise<T> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(pgliteDir(dataDir));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  dir = await tempDir();
  dataDir = join(dir.path, 'data');
});
afterAll(async () => {
  await dir.remove();
});

describe('byok generate-key', () => {
  it('prints a fresh key of at least 32 characters each time', async () => {
    const [a, b] = await Promise.all([
      runCli(['generate-key'], {}, dir.path),
      runCli(['generate-key'], {}, dir.path),
    ]);
    expect(a.code).toBe(0);
    const key = a.stdout.trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(key).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(b.stdout.trim()).not.toBe(key);
  });
});

describe('byok migrate', () => {
  it('reports pending migrations, applies them once, then reports up to date', {
    timeout: 120_000,
  }, async () => {
    // No database yet: status says so (exit 2) and creates nothing; `migrate` creates it.
    const before = await runCli(['migrate', 'status'], env(), dir.path);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain(`DATABASE_NOT_FOUND: No BYOK database at ${dataDir}`);
    await expect(stat(dataDir)).rejects.toThrow();
    const applied = await runCli(['migrate'], env(), dir.path);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Applied migrations: 1/);
    const again = await runCli(['migrate'], env(), dir.path);
    expect(again.stdout).toContain('nothing to apply');
    const after = await runCli(['migrate', 'status', '--json'], env(), dir.path);
    const status = JSON.parse(after.stdout);
    expect(status).toMatchObject({ upToDate: true, pending: [] });
    expect(status.applied.length).toBeGreaterThan(0);
    expect(status.currentVersion).toBe(status.latestVersion);
    // A fresh database has no value in the legacy (unbound) format, so legacy reads are off.
    expect(status.legacyValues).toBe(0);
  });

  it('refuses a bad DATABASE_URL with exit 2, naming the variable', async () => {
    const res = await runCli(['migrate', 'status'], { DATABASE_URL: 'mysql://x' }, dir.path);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('DATABASE_URL');
  });
});

describe('byok audit', () => {
  const secret = openaiKey();

  beforeAll(async () => {
    await withData(async (db) => {
      const system = await createBYOKForStack2025({
        encryptionKey: MASTER_KEY,
        decryptionKeys: [],
        postgresClient: db,
        logger: createLogger({ level: 'silent' }),
      });
      const user = uid();
      const keyId = await system.manager.addKey({
        userId: user,
        provider: 'openai',
        keyData: { apiKey: secret },
      });
      await system.manager.updateKey(keyId, { alias: 'renamed' });
      await system.manager.workspaces.createWorkspace({ name: 'W', ownerUserId: user });
      await system.close();
    });
  });

  const keyed = () => ({ ...env(), BYOK_ENCRYPTION_KEY: MASTER_KEY });

  it('verify exits 0 on an intact log', async () => {
    const res = await runCli(['audit', 'verify'], keyed(), dir.path);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Audit log intact: 3 entries verified in 2 chain\(s\)/);
  });

  it('checkpoint writes a sealed file that verify --checkpoint accepts, and refuses when edited', {
    timeout: 120_000,
  }, async () => {
    const file = join(dir.path, 'checkpoint.json');
    const made = await runCli(['audit', 'checkpoint', '--out', file], keyed(), dir.path);
    expect(made.code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const checkpoint = JSON.parse(await readFile(file, 'utf8'));
    expect(checkpoint).toMatchObject({ format: 'byok-audit-checkpoint/v1', chains: 2 });
    const ok = await runCli(['audit', 'verify', '--checkpoint', file], keyed(), dir.path);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('nothing rewritten behind the checkpoint');
    const edited = join(dir.path, 'edited.json');
    await writeFile(edited, JSON.stringify({ ...checkpoint, chains: 1 }));
    const refused = await runCli(['audit', 'verify', '--checkpoint', edited], keyed(), dir.path);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('checkpoint-invalid');
  });

  it('verify needs the master key that sealed the log', async () => {
    const res = await runCli(['audit', 'verify'], { ...env(), NODE_ENV: 'production' }, dir.path);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('BYOK_ENCRYPTION_KEY');
  });

  it('export writes one JSON line per entry, oldest first, to stdout or a 0600 file, with no secret', {
    timeout: 120_000,
  }, async () => {
    const res = await runCli(['audit', 'export'], env(), dir.path);
    expect(res.code).toBe(0);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((e) => e.action)).toEqual(['key.created', 'key.updated', 'workspace.created']);
    expect(lines[0]).toMatchObject({ id: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(res.stdout).not.toContain(secret);
    const out = join(dir.path, 'audit.jsonl');
    const toFile = await runCli(['audit', 'export', '--out', out], env(), dir.path);
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(await readFile(out, 'utf8')).toBe(res.stdout);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('verify exits 1 and names the entry after a change', async () => {
    const tampered = await withData(async (db) => {
      const { rows } = await db.query<{ id: string }>(
        `UPDATE byok.audit_log SET details = '{"alias":"evil"}' WHERE id = (SELECT min(id) FROM byok.audit_log WHERE action = 'key.updated') RETURNING id::text`,
      );
      return rows[0]?.id;
    });
    const res = await runCli(['audit', 'verify'], keyed(), dir.path);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('AUDIT LOG BROKEN: 1 problem(s)');
    expect(res.stdout).toMatch(new RegExp(`seq 2 \\(entry id ${tampered}\\) entry-mac`));
  });
});
