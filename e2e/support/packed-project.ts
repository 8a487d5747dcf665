/*
 * Packs every library workspace with `npm pack` and installs the tarballs into a fresh temporary
 * project, the way a consumer would: no workspace links, no `@stack-2025/source` condition. The
 * installed project is cached per tarball content (in the OS temp folder), so test files that need
 * it in one run install once.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** The library workspaces a consumer installs, with every export path of each. */
export const PACKED_PACKAGES: Record<string, { dir: string; exports: string[] }> = {
  '@stack-2025/byok-core': {
    dir: 'packages/byok-core',
    exports: ['', '/server', '/testing', '/metrics', '/http', '/trpc', '/next', '/express'],
  },
  '@stack-2025/byok-ui': { dir: 'packages/byok-ui', exports: ['', '/styles.css'] },
  '@stack-2025/logger': { dir: 'packages/logger', exports: [''] },
  '@stack-2025/ai-general-core': { dir: 'packages/ai-general-core', exports: [''] },
  '@stack-2025/deepgram-agent-core': { dir: 'packages/deepgram-agent-core', exports: ['', '/testing'] },
};

/** What a consumer installs beside our packages: the peers and the types the guide's samples use. */
const CONSUMER_DEPENDENCIES: Record<string, string> = {
  '@electric-sql/pglite': '^0.5.16',
  pg: '^8.23.1',
  ioredis: '^5.9.2',
  react: '^19.3.1',
  'react-dom': '^19.3.1',
  express: '^5.3.0',
  '@trpc/server': '^11.25.2',
  zod: '^4.6.7',
  openai: '^6.0.0',
  typescript: '~5.9.3',
  '@types/node': '^20.19.0',
  '@types/react': '^19.3.0',
  '@types/express': '^5.0.6',
  '@types/pg': '^8.23.1',
  tsx: '^4.23.15',
};

/** The `dist` folders `npm run build` must have made; missing ones are named. */
export function missingBuilds(): string[] {
  return Object.values(PACKED_PACKAGES)
    .map(({ dir }) => join(dir, 'dist', 'index.js'))
    .filter((file) => !existsSync(join(REPO_ROOT, file)));
}

export interface PackedProject {
  /** The consumer project's folder (its own node_modules). */
  dir: string;
  /** Tarball file names, by package. */
  tarballs: Record<string, string>;
}

/** Packs the workspaces (after `npm run build`) and returns an installed consumer project. */
export async function packedProject(): Promise<PackedProject> {
  const missing = missingBuilds();
  if (missing.length > 0) throw new Error(`Run \`npm run build\` first: missing ${missing.join(', ')}`);
  const packDir = await mkdtemp(join(tmpdir(), 'byok-pack-'));
  const names = Object.keys(PACKED_PACKAGES);
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--pack-destination', packDir, ...names.flatMap((name) => ['-w', name])],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  const packed = JSON.parse(stdout) as { name: string; filename: string }[];
  const hash = createHash('sha256');
  const tarballs: Record<string, string> = {};
  for (const { name, filename } of packed.sort((a, b) => a.name.localeCompare(b.name))) {
    tarballs[name] = filename;
    hash.update(name).update(await readFile(join(packDir, filename)));
  }
  hash.update(JSON.stringify(CONSUMER_DEPENDENCIES));
  const finalDir = join(tmpdir(), `byok-consumer-${hash.digest('hex').slice(0, 16)}`);
  const installed = (root: string): boolean => existsSync(join(root, 'consumer', '.installed'));
  if (installed(finalDir)) {
    await rm(packDir, { recursive: true, force: true });
    return { dir: join(finalDir, 'consumer'), tarballs };
  }
  const dir = join(packDir, 'consumer');
  await mkdir(dir);
  const dependencies: Record<string, string> = { ...CONSUMER_DEPENDENCIES };
  for (const [name, filename] of Object.entries(tarballs)) dependencies[name] = `file:../${filename}`;
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'byok-consumer', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  // From the npm cache where it can (the CI's `npm ci` filled it); the registry only for what is missing.
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
  );
  await writeFile(join(dir, '.installed'), new Date().toISOString());
  // The tarballs stay beside the project (`file:../x.tgz`); the rename is atomic, so two test files
  // installing at once end with one cached project and one private one.
  try {
    await rename(packDir, finalDir);
    return { dir: join(finalDir, 'consumer'), tarballs };
  } catch {
    return { dir, tarballs };
  }
}
