import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A statement naming a table of the `byok` schema. */
const SQL_ON_BYOK = /\b(?:from|into|update|join|table|truncate)\s+"?byok"?\.\w+|to_regclass\(\s*'byok\./i;

/**
 * Files that still hold SQL and belong to other engineers of issue #10; the lead removes each entry
 * when that work merges. Paths are relative to the repository root, with `/`.
 */
const ALLOWED_ELSEWHERE: Record<string, string> = {
  // TODO(#10): moved by "valfb" (validation store).
  'packages/byok-core/src/validation/': 'validation',
  // TODO(#10): moved by "valfb" (fallback store).
  'packages/byok-core/src/fallback/': 'fallback',
  // TODO(#10): moved by "alerts" (alerts store).
  'packages/byok-core/src/alerts/': 'alerts',
  // TODO(#10): moved by "usage" (usage store).
  'packages/byok-core/src/usage/': 'usage',
  // TODO(#10): moved by "config" (CLI split; calls the store functions named in the store report).
  'apps/byok-server/src/cli.ts': 'cli',
  // TODO(#10): moved by "config" (CLI split into cli/).
  'apps/byok-server/src/cli/': 'cli',
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      files.push(...(await sourceFiles(path)));
    } else if (/\.tsx?$/.test(entry.name) && !/\.(test|d)\.tsx?$/.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

async function sourceRoots(): Promise<string[]> {
  const roots: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of await readdir(join(ROOT, group), { withFileTypes: true })) {
      if (entry.isDirectory()) roots.push(join(ROOT, group, entry.name, 'src'));
    }
  }
  return roots;
}

/** Files outside `store/` whose text holds SQL against `byok.*`, minus the allow-list. */
export async function sqlOutsideStore(): Promise<string[]> {
  const offenders: string[] = [];
  for (const root of await sourceRoots()) {
    for (const file of await sourceFiles(root)) {
      const path = relative(ROOT, file).split(sep).join('/');
      if (path.startsWith('packages/byok-core/src/store/')) continue;
      if (Object.keys(ALLOWED_ELSEWHERE).some((prefix) => path.startsWith(prefix))) continue;
      if (SQL_ON_BYOK.test(await readFile(file, 'utf8'))) offenders.push(path);
    }
  }
  return offenders.sort();
}

describe('SQL lives only in store/', () => {
  it('finds no statement on byok.* outside packages/byok-core/src/store', async () => {
    expect(await sqlOutsideStore()).toEqual([]);
  });

  it('recognises the statements it looks for', () => {
    for (const sql of [
      'SELECT * FROM byok.keys',
      'insert into byok.users (id) values ($1)',
      'UPDATE byok.gateway_tokens SET',
      'x JOIN\n   byok.data_keys d ON',
      "SELECT to_regclass('byok.schema_migrations')",
    ]) {
      expect(SQL_ON_BYOK.test(sql), sql).toBe(true);
    }
    for (const text of ['byok.keys.list()', 'the byok.keys table', 'import from "byok"']) {
      expect(SQL_ON_BYOK.test(text), text).toBe(false);
    }
  });
});
