import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY, runCli, tempDir, uid } from '../apps/byok-server/test/helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await tempDir();
  env = { BYOK_DATA_DIR: join(dir.path, 'data'), BYOK_ENCRYPTION_KEY: MASTER_KEY };
  // Data commands work on an existing database only: make it, as `byok serve` would.
  const migrated = await runCli(['migrate'], env, dir.path);
  expect(migrated.code, migrated.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await dir.remove();
});

describe('byok gateway-tokens.happy', () => {
  it('creates (shown once), lists (never the token) and revokes a token', { timeout: 300_000 }, async () => {
    const user = uid('cli');
    const created = await runCli(
      ['gateway-tokens', 'create', '--user', user, '--name', 'chat app', '--budget', '20', '--json'],
      env,
      dir.path,
    );
    expect(created.code, created.stderr).toBe(0);
    const { id, token } = JSON.parse(created.stdout.trim()) as { id: string; token: string };
    expect(token).toMatch(/^byok_gt_[0-9A-Za-z]{43}$/);
    const listed = await runCli(['gateway-tokens', 'list', '--user', user], env, dir.path);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain(`byok_gt_…${token.slice(-4)}`);
    expect(listed.stdout).toContain('budget $20/month');
    expect(listed.stdout).toContain(`0 requests, $0 in ${new Date().toISOString().slice(0, 7)}`);
    expect(listed.stdout).not.toContain(token);
    const revoked = await runCli(['gateway-tokens', 'revoke', id, '--user', user], env, dir.path);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await runCli(['gateway-tokens', 'list', '--user', user], env, dir.path);
    expect(after.stdout).toMatch(new RegExp(`${id}\\trevoked`));
    const other = await runCli(['gateway-tokens', 'revoke', id, '--user', uid('other')], env, dir.path);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('NOT_FOUND');
  });
});
