/**
 * One process per PGlite folder, with real processes: a running `byok serve` keeps a second server
 * and every data command out (exit 2, naming its pid, command and URL); SIGTERM frees the folder;
 * after SIGKILL the next start takes the folder over at once.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPath, ownerPath } from '../apps/byok-server/src/data-lock.js';
import {
  MASTER_KEY,
  runCli,
  type SpawnedServer,
  spawnServer,
  tempDir,
} from '../apps/byok-server/test/helpers.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('a PGlite data folder held by byok serve', { timeout: 240_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let dataDir: string;
  let server: SpawnedServer | undefined;
  const env = () => ({
    BYOK_DATA_DIR: dataDir,
    BYOK_ENCRYPTION_KEY: MASTER_KEY,
    BYOK_ENABLE_VALIDATION: 'false',
  });

  beforeAll(async () => {
    dir = await tempDir();
    dataDir = join(dir.path, 'data');
    server = await spawnServer(env(), dir.path);
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await dir.remove();
  });

  it('records who holds it: pid, command and URL, beside the lock', async () => {
    const owner = JSON.parse(await readFile(ownerPath(dataDir), 'utf8'));
    expect(owner).toMatchObject({ pid: server?.process.pid, url: server?.url });
    expect(owner.command).toMatch(/cli\.ts serve$/);
    expect(await exists(lockPath(dataDir))).toBe(true);
  });

  it('a second server refuses to start: exit 2, naming the holder', async () => {
    const second = await runCli(['serve'], { ...env(), PORT: '0', HOST: '127.0.0.1' }, dir.path);
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toContain('DATA_FOLDER_LOCKED');
    expect(second.stderr).toContain(`process ${server?.process.pid}`);
    expect(second.stderr).toContain(`serving ${server?.url}`);
  });

  it('every command that opens the database refuses with exit 2 and says how to proceed', async () => {
    const commands = [
      ['audit', 'verify'],
      ['audit', 'export'],
      ['migrate'],
      ['migrate', 'status'],
      ['validate'],
      ['rotate-encryption-keys', '--dry-run'],
      ['keys', 'import-env', '--user', 'u1', '--dry-run'],
    ];
    const results = await Promise.all(commands.map((args) => runCli(args, env(), dir.path)));
    results.forEach((res, i) => {
      const label = commands[i]?.join(' ');
      expect(res.code, `${label}: ${res.stderr}`).toBe(2);
      expect(res.stderr, label).toContain(
        `The data folder ${dataDir} is in use by process ${server?.process.pid}`,
      );
      expect(res.stderr, label).toContain('Stop the service and run this again');
      expect(res.stdout, label).not.toContain('intact');
    });
  });

  it('SIGTERM frees the folder: the lock and owner file are gone and the CLI works', async () => {
    expect(await server?.stop('SIGTERM')).toBe(0);
    server = undefined;
    expect(await exists(lockPath(dataDir))).toBe(false);
    expect(await exists(ownerPath(dataDir))).toBe(false);
    const verify = await runCli(['audit', 'verify'], env(), dir.path);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('Audit log intact');
  });

  it('after SIGKILL the lock is stale: the next command and the next server start at once', async () => {
    const killed = await spawnServer(env(), dir.path);
    await killed.stop('SIGKILL');
    // SIGKILL leaves both behind: the folder must not stay blocked.
    expect(await exists(lockPath(dataDir))).toBe(true);
    expect(JSON.parse(await readFile(ownerPath(dataDir), 'utf8')).pid).toBe(killed.process.pid);
    const started = performance.now();
    const verify = await runCli(['audit', 'verify'], env(), dir.path);
    expect(verify.code, verify.stderr).toBe(0);
    // Well under the 60 s mtime staleness: the dead pid is recognised.
    expect(performance.now() - started).toBeLessThan(45_000);
    server = await spawnServer(env(), dir.path);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });
});
