/**
 * The process guards of `byok serve`, in real child processes: a lost connection nobody listened
 * for and an unhandled rejection are logged and survived; any other uncaught exception is logged
 * as fatal and ends the process with 1.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const GUARDS = pathToFileURL(join(ROOT, 'apps/byok-server/src/process-guards.ts')).href;

/** Runs `body` after installing the guards; the child prints "alive" 300 ms later if it still runs. */
function runGuarded(body: string): Promise<{ code: number | null; output: string }> {
  const script = `
    const { installProcessGuards } = await import(${JSON.stringify(GUARDS)});
    const { createLogger } = await import('@stack-2025/byok-core');
    const { EventEmitter } = await import('node:events');
    installProcessGuards(createLogger({ level: 'info' }));
    ${body}
    setTimeout(() => { console.log('alive'); process.exit(0); }, 300);
  `;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@stack-2025/source', '--import', TSX, '--input-type=module', '-e', script],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
    });
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('installProcessGuards', () => {
  it("survives a database connection's unhandled 'error' event (57P01) and logs it", async () => {
    const { code, output } = await runGuarded(`
      const client = new EventEmitter();
      setTimeout(() => client.emit('error', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })), 10);
    `);
    expect(output).toContain('unhandled connection error (kept serving; clients reconnect)');
    expect(output).toContain('alive');
    expect(code).toBe(0);
  });

  it('survives an unhandled rejection and logs it at error level', async () => {
    const { code, output } = await runGuarded(`
      setTimeout(() => { Promise.reject(new Error('a job failed')); }, 10);
    `);
    expect(output).toMatch(/"level":50.*unhandled promise rejection \(kept serving\)/);
    expect(output).toContain('a job failed');
    expect(output).toContain('alive');
    expect(code).toBe(0);
  });

  it('exits 1 on any other uncaught exception (a bug), after logging it as fatal', async () => {
    const { code, output } = await runGuarded(`
      setTimeout(() => { null.property; }, 10);
    `);
    expect(output).toMatch(/"level":60.*uncaught exception: exiting/);
    expect(output).not.toContain('alive');
    expect(code).toBe(1);
  });
});
