#!/usr/bin/env node
// The `byok` command. In a clone of the repository (the TypeScript sources and tsx are there) it
// runs the sources: `npx byok …` works right after `npm ci`, before any build, and never runs a
// stale build. An installed package or the Docker image (no sources, no tsx) runs its build.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/cli.ts', import.meta.url);
const built = new URL('../dist/cli.js', import.meta.url);

async function loadSourceHooks() {
  try {
    // tsx's loader registers its hooks when imported (what `node --import tsx` does).
    await import('tsx');
  } catch {
    return false;
  }
  // Our packages point their `@stack-2025/source` export condition at their sources: added to
  // every resolution here, as `node --conditions=@stack-2025/source` would.
  register(
    'data:text/javascript,export async function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,"@stack-2025/source"]})}',
  );
  return true;
}

let entry;
if (existsSync(source) && (await loadSourceHooks())) entry = source;
else if (existsSync(built)) entry = built;
else {
  process.stderr.write(
    'byok: no build found; run `npm run build:server` (or install the dev dependencies)\n',
  );
  process.exit(2);
}

const { main } = await import(entry.href);
const code = await main();
process.exitCode = code;
// As cli.ts does when run directly: a stray handle of a client library must not keep the process alive.
setTimeout(() => process.exit(code), 100).unref();
