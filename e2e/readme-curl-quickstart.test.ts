/**
 * The README's "Quick start with curl", run as written with bash against `byok serve` on a new
 * PGlite folder (development mode, so the demo sign-in is on). Only `BASE` is set to where this
 * server listens, and OpenAI's base URL points at the fake provider, so nothing leaves the machine.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  runProcess,
  type SpawnedServer,
  spawnServer,
  tempDir,
} from '../apps/byok-server/test/helpers.js';

async function quickStartScript(): Promise<string> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Quick start with curl')[1]?.split('\n## ')[0] ?? '';
  const script = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!script) throw new Error('README has no bash block under "Quick start with curl"');
  return script;
}

describe('the README quick start with curl', () => {
  let fake: FakeProviders;
  let server: SpawnedServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    fake = await startFakeProviders();
    dir = await tempDir();
    server = await spawnServer(
      { BYOK_DATA_DIR: join(dir.path, 'data'), BYOK_OPENAI_BASE_URL: fake.baseUrls.openai },
      dir.path,
      120_000,
    );
  }, 150_000);

  afterAll(async () => {
    await server?.stop();
    await fake?.close();
    await dir?.remove();
  });

  it('gets a demo token, adds, lists and tests a key, and reads usage', { timeout: 60_000 }, async () => {
    const script = await quickStartScript();
    expect(script).toMatch(/^BASE=/m);
    const run = await runProcess(
      'bash',
      ['-euo', 'pipefail', '-c', script.replace(/^BASE=.*$/m, `BASE=${server.url}`)],
      {
        cwd: dir.path,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const answers = run.stdout.trim().split('\n');
    const [list, test, usage] = answers.map((line) => JSON.parse(line) as Record<string, unknown>);
    const keys = (list?.keys ?? []) as { alias: string | null; keyHint: string }[];
    const added = keys.find((k) => k.alias === 'My OpenAI key');
    expect(added?.keyHint).toMatch(/…/);
    expect(run.stdout).not.toContain('sk-proj-your-key-here-0123456789');
    expect(test?.result).toMatchObject({ isValid: true });
    expect(usage).toHaveProperty('totals');
  });
});
