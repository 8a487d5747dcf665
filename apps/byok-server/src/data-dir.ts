import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the embedded database lives inside the data folder. */
export const pgliteDir = (dataDir: string): string => join(dataDir, 'pglite');

function isByokRepository(dir: string): boolean {
  try {
    const root = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { workspaces?: unknown };
    if (!Array.isArray(root.workspaces) || !root.workspaces.includes('apps/byok-server')) return false;
    const server = JSON.parse(readFileSync(join(dir, 'apps/byok-server/package.json'), 'utf8')) as {
      name?: unknown;
    };
    return server.name === '@stack-2025/byok-server';
  } catch {
    return false;
  }
}

/** The root of the BYOK repository that contains `cwd`, or undefined outside one. */
export function findRepositoryRoot(cwd: string = process.cwd()): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (isByokRepository(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The data folder when `BYOK_DATA_DIR` is not set: the repository's `./data` from anywhere inside a
 * clone (so `byok` run from `apps/byok-server` finds the database `npm start` made at the root,
 * instead of creating a second, empty one), else `./data` of the current directory. `serve` and
 * every command call this, so they always agree.
 */
export function defaultDataDir(cwd: string = process.cwd()): string {
  return join(findRepositoryRoot(cwd) ?? resolve(cwd), 'data');
}

/** `BYOK_DATA_DIR` (relative to `cwd`) when given, else {@link defaultDataDir}. */
export function resolveDataDir(configured: string | undefined, cwd: string = process.cwd()): string {
  return configured ? resolve(cwd, configured) : defaultDataDir(cwd);
}

/** True when the data folder holds an initialised PGlite cluster (not just an empty folder). */
export function hasPgliteDatabase(dataDir: string): boolean {
  return existsSync(join(pgliteDir(dataDir), 'PG_VERSION'));
}
