/**
 * The CLI as a newcomer meets it in a clone: `npx byok` at the root after `npm ci` (no build
 * needed), the data folder found exactly as `serve` finds it, and no empty database created by a
 * command that needs an existing one.
 */
import { cp, mkdir, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/byok-server/src/config.js';
import { defaultDataDir, findRepositoryRoot, hasPgliteDatabase } from '../apps/byok-server/src/data-dir.js';
import { type CliResult, REPO_ROOT, runCli, runProcess, tempDir } from '../apps/byok-server/test/helpers.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return runProcess(command, args, { cwd, env, timeoutMs: 90_000 });
}

describe('npx byok in a clone', { timeout: 120_000 }, () => {
  it('`npx byok --help` works at the repository root and in a workspace folder', async () => {
    for (const cwd of [REPO_ROOT, join(REPO_ROOT, 'apps/byok-server')]) {
      const res = await run('npx', ['--no-install', 'byok', '--help'], cwd);
      expect(res.code, `${cwd}: ${res.stderr}`).toBe(0);
      expect(res.stdout).toContain('Usage: byok');
      expect(res.stdout).toContain('audit');
    }
  });

  it('the bin runs from the TypeScript sources when there is no build next to it', async () => {
    // A copy of the bin beside the real sources and no dist/: what a clone looks like before a build.
    const dir = await tempDir();
    try {
      const app = join(dir.path, 'apps/byok-server');
      await mkdir(join(app, 'bin'), { recursive: true });
      await cp(join(REPO_ROOT, 'apps/byok-server/bin/byok.js'), join(app, 'bin/byok.js'));
      await symlink(join(REPO_ROOT, 'apps/byok-server/src'), join(app, 'src'));
      await symlink(join(REPO_ROOT, 'node_modules'), join(dir.path, 'node_modules'));
      expect(await exists(join(app, 'dist'))).toBe(false);
      const res = await run(process.execPath, [join(app, 'bin/byok.js'), 'generate-key'], dir.path);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout.trim()).toMatch(/^[A-Za-z0-9+/=]{43,}$/);
    } finally {
      await dir.remove();
    }
  });
});

describe('the data folder, found like serve finds it', { timeout: 120_000 }, () => {
  it('is the repository ./data from anywhere in the clone, the current ./data outside it', async () => {
    expect(findRepositoryRoot(join(REPO_ROOT, 'apps/byok-server/src'))).toBe(REPO_ROOT);
    expect(defaultDataDir(join(REPO_ROOT, 'apps/byok-server'))).toBe(join(REPO_ROOT, 'data'));
    expect(defaultDataDir(REPO_ROOT)).toBe(join(REPO_ROOT, 'data'));
    const dir = await tempDir();
    try {
      expect(findRepositoryRoot(dir.path)).toBeUndefined();
      expect(defaultDataDir(dir.path)).toBe(join(dir.path, 'data'));
      // BYOK_DATA_DIR wins, relative to the current directory.
      expect(loadConfig({ BYOK_DATA_DIR: join(dir.path, 'x') }).dataDir).toBe(join(dir.path, 'x'));
      expect(loadConfig({}).dataDir).toBe(defaultDataDir());
    } finally {
      await dir.remove();
    }
  });

  it('`byok audit verify` in a fresh folder: exit 2, says there is no database, creates nothing', async () => {
    const dir = await tempDir();
    try {
      for (const args of [['audit', 'verify'], ['audit', 'export'], ['validate'], ['migrate', 'status']]) {
        const res = await runCli(args, {}, dir.path);
        expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2);
        expect(res.stderr).toContain(`DATABASE_NOT_FOUND: No BYOK database at ${join(dir.path, 'data')}`);
        expect(res.stdout).not.toContain('intact');
      }
      expect(await exists(join(dir.path, 'data'))).toBe(false);
    } finally {
      await dir.remove();
    }
  });

  it('an empty PGlite database (no BYOK tables) is no database either', async () => {
    const dir = await tempDir();
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      await mkdir(join(dir.path, 'data'), { recursive: true });
      const db = await PGlite.create(join(dir.path, 'data/pglite'));
      await db.close();
      const res = await runCli(['audit', 'verify'], { BYOK_DATA_DIR: join(dir.path, 'data') }, dir.path);
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toContain('holds no BYOK tables');
    } finally {
      await dir.remove();
    }
  });

  it.skipIf(hasPgliteDatabase(join(REPO_ROOT, 'data')))(
    'run from apps/byok-server, a command looks in the repository ./data and never makes apps/byok-server/data',
    async () => {
      const res = await runCli(['audit', 'verify'], {}, join(REPO_ROOT, 'apps/byok-server'));
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toContain(`No BYOK database at ${join(REPO_ROOT, 'data')}`);
      expect(await exists(join(REPO_ROOT, 'apps/byok-server/data'))).toBe(false);
    },
  );
});
