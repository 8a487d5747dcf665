/**
 * `npm run example` is rerunnable: its master key lives beside its data (0600) and follows the
 * rotation, so a second run reads the first run's keys instead of failing with MASTER_KEY_MISMATCH.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CliResult, REPO_ROOT, runProcess, tempDir } from '../apps/byok-server/test/helpers.js';

const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** The command `npm run example` runs, with the example's folder moved to `dir`. */
function runExample(dir: string): Promise<CliResult> {
  return runProcess(
    process.execPath,
    ['--conditions=@stack-2025/source', '--import', TSX_LOADER, 'examples/quickstart.ts'],
    { cwd: REPO_ROOT, env: { BYOK_QUICKSTART_DIR: dir }, timeoutMs: 150_000 },
  );
}

describe('npm run example', () => {
  it('runs twice on the same folder, the second run reading the first run’s key after two rotations', {
    timeout: 330_000,
  }, async () => {
    const dir = await tempDir();
    try {
      const data = join(dir.path, 'quickstart');
      const first = await runExample(data);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('has 1 key(s)');
      expect(first.stdout).toContain('read with the new key only: ok');
      const keyAfterFirst = await readFile(join(data, 'master.key'), 'utf8');
      expect((await stat(join(data, 'master.key'))).mode & 0o777).toBe(0o600);

      const second = await runExample(data);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).not.toContain('MASTER_KEY_MISMATCH');
      expect(second.stdout).toContain('has 2 key(s)');
      expect(second.stdout).toContain('read with the new key only: ok');
      expect(second.stdout).toMatch(/audit chain: \{"ok":true,"checked":2\}/);
      // The rotation replaced the key on disk, and left no half-finished rotation behind.
      const keyAfterSecond = await readFile(join(data, 'master.key'), 'utf8');
      expect(keyAfterSecond).not.toBe(keyAfterFirst);
      await expect(stat(join(data, 'master.key.next'))).rejects.toThrow();
      expect(first.stdout + second.stdout).not.toContain('sk-proj-quickstart-example-');
    } finally {
      await dir.remove();
    }
  });
});
