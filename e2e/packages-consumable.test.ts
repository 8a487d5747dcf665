/*
 * Every library package is consumable as published: `npm pack`, installed into a fresh project,
 * every export path imported by plain Node (no `@stack-2025/source` condition, no workspace links)
 * and type-checked by strict `tsc` from the packed `.d.ts` files. Needs `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKED_PACKAGES, type PackedProject, packedProject } from './support/packed-project.js';

const run = promisify(execFile);

describe('packed packages', () => {
  let project: PackedProject;

  beforeAll(async () => {
    project = await packedProject();
  }, 300_000);

  it('packs each library with its dist and README, without sources or tests', async () => {
    for (const [name, filename] of Object.entries(project.tarballs)) {
      const { stdout } = await run('tar', ['-tzf', join(project.dir, '..', filename)]);
      const files = stdout.split('\n').filter(Boolean);
      expect(files, name).toContain('package/dist/index.js');
      expect(files, name).toContain('package/dist/index.d.ts');
      expect(
        files.filter((file) => file.startsWith('package/src/')),
        name,
      ).toEqual([]);
      expect(
        files.filter((file) => /\.test\.(js|d\.ts)$/.test(file)),
        name,
      ).toEqual([]);
    }
    expect(Object.keys(project.tarballs).sort()).toEqual(Object.keys(PACKED_PACKAGES).sort());
  });

  it('imports every export path from the installed tarballs with plain node', async () => {
    const specifiers = Object.entries(PACKED_PACKAGES).flatMap(([name, { exports }]) =>
      exports.map((subpath) => `${name}${subpath}`),
    );
    const script = `
      const results = {};
      for (const specifier of ${JSON.stringify(specifiers)}) {
        const file = import.meta.resolve(specifier);
        if (specifier.endsWith('.css')) { results[specifier] = { file, exports: -1 }; continue; }
        const module = await import(specifier);
        results[specifier] = { file, exports: Object.keys(module).length };
      }
      console.log(JSON.stringify(results));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project.dir,
    });
    const results = JSON.parse(stdout) as Record<string, { file: string; exports: number }>;
    for (const specifier of specifiers) {
      const result = results[specifier];
      expect(result?.file, specifier).toMatch(/\/node_modules\/@stack-2025\/[^/]+\/dist\//);
      if (!specifier.endsWith('.css')) expect(result?.exports, specifier).toBeGreaterThan(0);
    }
    expect(results['@stack-2025/byok-ui/styles.css']?.file).toMatch(/dist\/styles\.css$/);
  });

  it('type-checks an import of every export path with strict tsc', async () => {
    const lines = Object.entries(PACKED_PACKAGES).flatMap(([name, { exports }]) =>
      exports
        .filter((subpath) => !subpath.endsWith('.css'))
        .map(
          (subpath, index) => `import * as m${name.replace(/\W/g, '_')}${index} from '${name}${subpath}';`,
        ),
    );
    const names = lines.map((line) => /import \* as (\w+)/.exec(line)?.[1]);
    await writeFile(
      join(project.dir, 'imports-check.ts'),
      `${lines.join('\n')}\nconsole.log(${names.join(', ')});\n`,
    );
    const tsc = join(project.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    args.push('--target', 'es2022', '--types', 'node', '--skipLibCheck', 'imports-check.ts');
    const outcome = await run(process.execPath, [tsc, ...args], { cwd: project.dir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(outcome).toBe('');
  });
});
