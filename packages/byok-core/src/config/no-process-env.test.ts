import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');
/** The configuration step's one read of the process environment. */
const EDGE = 'config/process-env.ts';
/**
 * Files of other folders that still default to `process.env` while their owners move them to the
 * configuration step (their values are always handed down from it now). Each entry must still
 * read it: the test fails when one is fixed and left on this list, so the list only shrinks.
 */
const PENDING: readonly string[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `process.env` in code, not in comments (TSDoc examples show applications reading their own env). */
export function readsProcessEnv(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return /\bprocess\.env\b/.test(code);
}

describe('no process.env below the configuration step', () => {
  const readers = sourceFiles(SRC)
    .filter((file) => readsProcessEnv(readFileSync(file, 'utf8')))
    .map((file) => relative(SRC, file).split('\\').join('/'));

  it('only config/process-env.ts reads the process environment', () => {
    expect(readers.filter((file) => file !== EDGE && !PENDING.includes(file))).toEqual([]);
    expect(readers).toContain(EDGE);
  });

  it('every file on the pending list still reads it (remove fixed ones)', () => {
    expect(PENDING.filter((file) => !readers.includes(file))).toEqual([]);
  });

  it('catches a read in code but not in a comment', () => {
    expect(readsProcessEnv('const a = process.env.X;')).toBe(true);
    expect(readsProcessEnv('const { X } = process.env;')).toBe(true);
    expect(readsProcessEnv('/** e.g. `process.env.BYOK_JWT_SECRET` */\nconst a = 1;')).toBe(false);
    expect(readsProcessEnv('// process.env here\nconst a = 1;')).toBe(false);
  });
});
