/**
 * The quick build `npm start` uses: esbuild transpiles the library's and the server's TypeScript
 * file by file into the same `dist/` layout `tsc -b` writes (ESM, Node 20), without type-checking
 * or declaration files — about a second instead of tsc's twenty. `npm run build` (tsc) stays the
 * build for packages, types and CI; `npm run typecheck` checks the types.
 */
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

for (const pkg of ['packages/byok-core', 'apps/byok-server']) {
  const src = join(ROOT, pkg, 'src');
  await build({
    entryPoints: sources(src),
    outdir: join(ROOT, pkg, 'dist'),
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}
// What byok-core's own build copies beside the code: the migrations and the dated price table.
const core = join(ROOT, 'packages/byok-core');
cpSync(join(core, 'src/store/migrations'), join(core, 'dist/store/migrations'), { recursive: true });
cpSync(join(core, 'src/usage/price-table.json'), join(core, 'dist/usage/price-table.json'));
