/**
 * Creates a new embedded database folder in a child process of its own. PostgreSQL's `initdb`
 * and the first migrations grow PGlite's WebAssembly heap to ~750 MB, and a WebAssembly heap never
 * shrinks: done in the serving process, that peak would stay its resident size for good. Done here,
 * the memory goes back to the system when this process exits, and the server opens a finished
 * folder like on any restart.
 *
 * Run as `node pglite-init.js <target folder>`; the cluster is built in a sibling folder and
 * renamed into place only once migrated, so a crash leaves no half-made database behind.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DatabaseMigration } from '@stack-2025/byok-core';
import { PGLITE_SETTINGS } from './pglite-settings.js';

async function initialise(target: string): Promise<number[]> {
  const building = `${target}.initialising-${process.pid}`;
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  await rm(building, { recursive: true, force: true });
  const db = await PGlite.create(building, { postgresqlconf: PGLITE_SETTINGS });
  let applied: number[];
  try {
    applied = await new DatabaseMigration(db).runMigrations();
  } finally {
    await db.close();
  }
  await rename(building, target);
  return applied;
}

// Started by a server that has since gone (killed during its start): stop too.
process.on('disconnect', () => process.exit(1));

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: pglite-init <folder>\n');
  process.exit(2);
}
initialise(target).then(
  (applied) => {
    // One line for the parent: what was applied, and the peak for whoever measures first-start memory.
    const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(`${JSON.stringify({ applied, maxRssMb })}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
