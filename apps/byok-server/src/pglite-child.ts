import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BYOKError } from '@stack-2025/byok-core';

/**
 * The initialiser beside this module and the flags to run it: the `.js` file when built; from
 * sources (tsx, Vitest) the `.ts` file through tsx and the workspace's source condition.
 */
function initialiserCommand(): string[] {
  const built = fileURLToPath(new URL('./pglite-init.js', import.meta.url));
  if (existsSync(built)) return [built];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const source = fileURLToPath(new URL('./pglite-init.ts', import.meta.url));
  return ['--conditions=@stack-2025/source', '--import', tsx, source];
}

/**
 * Builds a new, migrated PGlite cluster at `dir` in a short-lived child process (see
 * `pglite-init.ts` for why).
 */
export async function initialisePgliteFolder(dir: string): Promise<number[]> {
  const child = spawn(process.execPath, [...initialiserCommand(), dir], {
    // An IPC channel only so the child sees this process end (`disconnect`) and stops with it.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // `close`, not `exit`: the answer on stdout is complete only once its pipe is.
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new BYOKError(
      'INTERNAL_ERROR',
      `Could not create the embedded database in ${dir}: ${stderr.trim()}`,
      {
        details: { dir, exitCode: code },
      },
    );
  }
  const report = JSON.parse(stdout.trim().split('\n').pop() || '{}') as { applied?: number[] };
  return report.applied ?? [];
}
