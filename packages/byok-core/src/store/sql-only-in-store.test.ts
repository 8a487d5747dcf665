import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A statement naming a table of the `byok` schema. */
const SQL_ON_BYOK = /\b(?:from|into|update|join|table|truncate)\s+"?byok"?\.\w+|to_regclass\(\s*'byok\./i;

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

/** Files outside `store/` whose text holds SQL against `byok.*`. */
export async function sqlOutsideStore(): Promise<string[]> {
  const offenders: string[] = [];
  for (const root of await sourceRoots()) {
    for (const file of await sourceFiles(root)) {
      const path = relative(ROOT, file).split(sep).join('/');
      if (path.startsWith('packages/byok-core/src/store/')) continue;
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
