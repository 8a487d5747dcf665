import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const FIXTURE = join(import.meta.dirname, 'fixtures/architecture');

async function depcruise(cwd: string, paths: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [DEPCRUISE, ...paths, '--config', CONFIG, '--output-type', 'err'],
      {
        cwd,
      },
    );
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('architecture rules (.dependency-cruiser.cjs, npm run lint:architecture)', () => {
  it('hold for the library and the server', async () => {
    const result = await depcruise(ROOT, ['packages/byok-core/src', 'apps/byok-server/src']);
    expect(result.output).toContain('no dependency violations found');
    expect(result.code).toBe(0);
  }, 120_000);

  it('catch an upward import, a cycle, a folder outside the layers and a deep import on purpose', async () => {
    const result = await depcruise(FIXTURE, ['packages', 'apps']);
    expect(result.code).toBe(4);
    expect(result.output).toMatch(
      /no-upward-from-foundation: packages\/byok-core\/src\/errors\/upward\.ts → packages\/byok-core\/src\/manager\/wired\.ts/,
    );
    expect(result.output).toMatch(/no-circular: packages\/byok-core\/src\/store\/(first|second)\.ts/);
    expect(result.output).toMatch(/layer-known: packages\/byok-core\/src\/stray\/orphan\.ts/);
    expect(result.output).toMatch(/apps-use-package-exports: apps\/byok-server\/src\/deep\.ts/);
    // A type-only import may reach up: the services name the options type they read.
    expect(result.output).not.toContain('errors/type-only.ts');
  }, 120_000);
});
