/**
 * `byok validate` (every key, every owner, against the fake providers) and
 * `byok keys import-env` (plan, dry run, import with an undo id, conflicts, rollback).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type BYOKSystem, createBYOKForStack2025, createLogger } from '@stack-2025/byok-core';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteDir } from '../apps/byok-server/src/database.js';
import {
  anthropicKey,
  MASTER_KEY,
  openaiKey,
  runCli,
  tempDir,
  uid,
} from '../apps/byok-server/test/helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let dataDir: string;
let fake: FakeProviders;

/** Opens the data folder's PGlite in this process (no CLI may be running). */
async function withSystem<T>(fn: (system: BYOKSystem) => Promise<T>): Promise<T> {
  const db = await PGlite.create(pgliteDir(dataDir));
  const system = await createBYOKForStack2025({
    encryptionKey: MASTER_KEY,
    decryptionKeys: [],
    postgresClient: db,
    logger: createLogger({ level: 'silent' }),
  });
  try {
    return await fn(system);
  } finally {
    await system.close();
    await db.close();
  }
}

const env = (extra: Record<string, string> = {}) => ({
  BYOK_DATA_DIR: dataDir,
  BYOK_ENCRYPTION_KEY: MASTER_KEY,
  BYOK_OPENAI_BASE_URL: fake.baseUrls.openai,
  BYOK_ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
  ...extra,
});

beforeAll(async () => {
  dir = await tempDir();
  dataDir = join(dir.path, 'data');
  await mkdir(dataDir, { recursive: true });
  fake = await startFakeProviders();
});
afterAll(async () => {
  await fake.close();
  await dir.remove();
});

describe('byok validate', () => {
  const good = { user: uid('good'), secret: openaiKey() };
  const bad = { user: uid('bad'), secret: `sk-ant-invalid${uid('x')}` };
  const keyIds: Record<string, string> = {};

  beforeAll(async () => {
    await withSystem(async (system) => {
      keyIds.good = await system.manager.addKey({
        userId: good.user,
        provider: 'openai',
        keyData: { apiKey: good.secret },
      });
      keyIds.bad = await system.manager.addKey({
        userId: bad.user,
        provider: 'anthropic',
        keyData: { apiKey: bad.secret },
      });
      const revoked = await system.manager.addKey({
        userId: good.user,
        provider: 'anthropic',
        keyData: { apiKey: anthropicKey() },
      });
      await system.manager.revokeKey(revoked);
    });
  }, 60_000);

  it('tests every key of every owner, prints a table without secrets, exits 1 when one is invalid', {
    timeout: 60_000,
  }, async () => {
    fake.clear();
    const res = await runCli(['validate', '--concurrency', '4'], env(), dir.path);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toMatch(/^KEY\s+OWNER\s+PROVIDER\s+ENV\s+OUTCOME\s+HEALTH\s+MS\s+DETAIL$/m);
    expect(res.stdout).toMatch(
      new RegExp(`${keyIds.good}\\s+user:${good.user}\\s+openai\\s+production\\s+valid\\s+\\d+`),
    );
    expect(res.stdout).toMatch(
      new RegExp(`${keyIds.bad}\\s+user:${bad.user}\\s+anthropic\\s+production\\s+invalid_key`),
    );
    expect(res.stdout).toContain('Provider validation failed');
    expect(res.stdout).toContain('2 key(s): 1 valid, 1 not valid');
    expect(res.stdout + res.stderr).not.toContain(good.secret);
    expect(res.stdout + res.stderr).not.toContain(bad.secret);
    expect(res.stdout + res.stderr).not.toContain(MASTER_KEY);
    // The revoked key is left alone; the two others were really sent to the provider.
    expect(fake.requests.filter((r) => r.provider === 'openai' || r.provider === 'anthropic')).toHaveLength(
      2,
    );
  });

  it('exits 0 when every selected key is valid, and prints JSON with --json', {
    timeout: 60_000,
  }, async () => {
    const res = await runCli(['validate', '--user', good.user, '--json'], env(), dir.path);
    expect(res.code, res.stderr).toBe(0);
    const rows = JSON.parse(res.stdout);
    expect(rows).toEqual([
      expect.objectContaining({ keyId: keyIds.good, isValid: true, status: 'valid', provider: 'openai' }),
    ]);
    await withSystem(async (system) => {
      const { rows: stored } = await system.database.db.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM byok.key_validations WHERE key_id = $1',
        [keyIds.good],
      );
      expect(Number(stored[0]?.n)).toBe(2);
      // A bulk check audits only a change of status: the bad key became invalid.
      const audit = await system.audit.list({ owner: { type: 'user', id: bad.user } });
      expect(audit.map((e) => e.action)).toContain('key.tested');
      expect(JSON.stringify(audit)).toContain('cli:validate');
    });
  });
});

describe('byok keys import-env', () => {
  const user = uid('importer');
  const openai = openaiKey();
  const anthropic = anthropicKey();
  let envFile: string;
  let importId: string;

  beforeAll(async () => {
    envFile = join(dir.path, '.env');
    await writeFile(envFile, `OPENAI_API_KEY=${openai}\nANTHROPIC_API_KEY="${anthropic}"\nUNRELATED=1\n`, {
      mode: 0o600,
    });
  });

  const keysOf = (owner: string) =>
    withSystem(async (system) =>
      (await system.manager.listKeys(owner)).map((k) => ({ provider: k.provider, id: k.id, alias: k.alias })),
    );

  it('--dry-run prints the plan with masked keys and stores nothing', { timeout: 60_000 }, async () => {
    const res = await runCli(
      ['keys', 'import-env', '--user', user, '--env-file', envFile, '--dry-run'],
      env(),
      dir.path,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Import plan for user ${user} (production):`);
    expect(res.stdout).toMatch(/openai\s+OPENAI_API_KEY \(.*\.env\)\s+sk-proj-…\S{4}\s+add/);
    expect(res.stdout).toMatch(/anthropic\s+ANTHROPIC_API_KEY/);
    expect(res.stdout).toContain('Dry run: nothing was stored.');
    expect(res.stdout + res.stderr).not.toContain(openai);
    expect(res.stdout + res.stderr).not.toContain(anthropic);
    expect(await keysOf(user)).toEqual([]);
  });

  it('imports, prints the import id and how to undo it; a second run adds nothing', {
    timeout: 90_000,
  }, async () => {
    const res = await runCli(['keys', 'import-env', '--user', user, '--env-file', envFile], env(), dir.path);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/added\s+openai → key_/);
    expect(res.stdout).toMatch(/added\s+anthropic → key_/);
    importId = /Import id: (imp_\w+)/.exec(res.stdout)?.[1] as string;
    expect(importId).toMatch(/^imp_/);
    expect(res.stdout).toContain(`Undo it with: byok keys import-env --rollback ${importId}`);
    expect(res.stdout + res.stderr).not.toContain(openai);
    const keys = await keysOf(user);
    expect(keys.map((k) => k.provider).sort()).toEqual(['anthropic', 'openai']);
    await withSystem(async (system) => {
      expect((await system.manager.getActiveKey(user, 'openai'))?.keyData.apiKey).toBe(openai);
    });
    const again = await runCli(
      ['keys', 'import-env', '--user', user, '--env-file', envFile],
      env(),
      dir.path,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/skipped\s+openai: already stored/);
    expect(again.stdout).toContain('Nothing was added.');
    expect(await keysOf(user)).toHaveLength(2);
  });

  it('skips a different key for a provider that has one, unless --yes', { timeout: 90_000 }, async () => {
    const other = openaiKey();
    const res = await runCli(
      ['keys', 'import-env', '--user', user],
      env({ OPENAI_API_KEY: other }),
      dir.path,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/openai\s+OPENAI_API_KEY \(environment\)\s+\S+\s+skip \(conflict\)/);
    expect(res.stdout).toContain('run again with --yes');
    expect(await keysOf(user)).toHaveLength(2);
    const yes = await runCli(
      ['keys', 'import-env', '--user', user, '--yes'],
      env({ OPENAI_API_KEY: other }),
      dir.path,
    );
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toMatch(/added\s+openai → key_/);
    expect(await keysOf(user)).toHaveLength(3);
    expect(yes.stdout + yes.stderr).not.toContain(other);
  });

  it('--rollback removes what one import added, once; an unknown id exits 1', {
    timeout: 90_000,
  }, async () => {
    const res = await runCli(['keys', 'import-env', '--rollback', importId], env(), dir.path);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Undone: removed 2 key(s) added by import ${importId}.`);
    // The key of the --yes import is still there.
    expect((await keysOf(user)).map((k) => k.provider)).toEqual(['openai']);
    const again = await runCli(['keys', 'import-env', '--rollback', importId], env(), dir.path);
    expect(again.stdout).toContain('already undone');
    const unknown = await runCli(['keys', 'import-env', '--rollback', 'imp_nope'], env(), dir.path);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No import imp_nope');
  });

  it('refuses a workspace the user does not administer, and a missing --user', {
    timeout: 60_000,
  }, async () => {
    const missing = await runCli(['keys', 'import-env'], env(), dir.path);
    expect(missing.code).toBe(2);
    const res = await runCli(
      ['keys', 'import-env', '--user', user, '--workspace', 'ws_not_theirs'],
      env({ OPENAI_API_KEY: openaiKey() }),
      dir.path,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not an admin or owner of workspace ws_not_theirs');
  });
});
