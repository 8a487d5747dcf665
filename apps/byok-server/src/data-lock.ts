import { readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BYOKError } from '@stack-2025/byok-core';
import lockfile from 'proper-lockfile';

/** The lock itself: a directory made atomically by proper-lockfile, its mtime refreshed while held. */
export const lockPath = (dataDir: string): string => join(dataDir, 'byok.lock');
/** Who holds the lock, beside it (proper-lockfile's directory must stay empty). */
export const ownerPath = (dataDir: string): string => join(dataDir, 'byok.lock.owner.json');

/** What the owner file says about the process holding a data folder. */
export interface LockHolder {
  pid: number;
  /** The command line, shortened: `node …/cli.js serve`. */
  command: string;
  host: string;
  startedAt: string;
  /** Where the holder serves HTTP, once it listens (only `serve` sets it). */
  url?: string;
}

export interface DataFolderLock {
  readonly dataDir: string;
  /** Adds facts to the owner file (the URL once the server listens). */
  describe(extra: Partial<LockHolder>): Promise<void>;
  /** Removes the owner file, then the lock. Safe to call twice. */
  release(): Promise<void>;
}

export interface LockOptions {
  /**
   * A lock whose mtime is older than this is taken over even when its owner cannot be checked
   * (another host on a shared folder, or no owner file). Long, because a live holder's event loop
   * may be busy for seconds (PGlite's first start). Default 60 s.
   */
  staleMs?: number;
  /** Called when the held lock was lost (mtime not ours, or not refreshed in time). */
  onCompromised?: (error: Error) => void;
}

/** Folders this process holds: its own pid in an owner file means "gone" only for the others. */
const heldHere = new Map<string, LockHolder>();

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function readHolder(dataDir: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(ownerPath(dataDir), 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when the holder is certainly gone: a process on this host that no longer runs, or one with
 * our own pid (a container restarted with the same pid 1 after a crash).
 */
const holderIsGone = (holder: LockHolder): boolean =>
  holder.host === hostname() && (holder.pid === process.pid || !isAlive(holder.pid));

function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another process (it did not record who it is)';
  const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
  const url = holder.url ? `, serving ${holder.url}` : '';
  return `process ${holder.pid}${where} (${holder.command}${url}, since ${holder.startedAt})`;
}

export function dataFolderLockedError(dataDir: string, holder: LockHolder | undefined): BYOKError {
  const isService = / serve\b/.test(holder?.command ?? '');
  const advice = isService
    ? 'Stop the service and run this again, or use the service itself (its REST API and dashboard). With PostgreSQL (DATABASE_URL) the service and the CLI can run side by side.'
    : 'Wait for it to finish, or stop it.';
  return new BYOKError(
    'DATA_FOLDER_LOCKED',
    `The data folder ${dataDir} is in use by ${describeHolder(holder)}: PGlite allows one process per folder. ${advice}${
      holder ? '' : ` If no such process runs, the lock (${lockPath(dataDir)}) is released after a minute.`
    }`,
    { details: { dataDir, ...(holder ? { holder } : {}) } },
  );
}

const commandLine = (): string => {
  const text = process.argv
    .slice(1)
    .map((arg) => arg.replace(/^.*[/\\](?=[^/\\]+$)/, '…/'))
    .join(' ');
  return `node ${text}`.slice(0, 200);
};

/**
 * Takes the data folder for this process alone (the folder must exist). A second process gets
 * `DATA_FOLDER_LOCKED` naming the holder; a lock left by a process that died (SIGKILL, power loss)
 * is taken over at once when its owner is provably gone, else once it is `staleMs` old.
 *
 * Race: two processes taking over the same dead holder's lock at once — only one of them can
 * rename the dead owner's file away, and only that one removes the lock.
 */
export async function lockDataFolder(dataDir: string, options: LockOptions = {}): Promise<DataFolderLock> {
  const staleMs = options.staleMs ?? 60_000;
  const mine = heldHere.get(dataDir);
  if (mine) throw dataFolderLockedError(dataDir, mine);
  const take = () =>
    lockfile.lock(dataDir, {
      lockfilePath: lockPath(dataDir),
      realpath: false,
      stale: staleMs,
      update: Math.min(10_000, Math.floor(staleMs / 4)),
      onCompromised:
        options.onCompromised ??
        ((error) => {
          process.stderr.write(`byok: lost the lock on ${dataDir}: ${error.message}\n`);
        }),
    });

  let releaseLock: (() => Promise<void>) | undefined;
  for (let attempt = 0; releaseLock === undefined; attempt += 1) {
    try {
      releaseLock = await take();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = await readHolder(dataDir);
      if (holder && holderIsGone(holder) && attempt < 3) {
        const claimed = `${ownerPath(dataDir)}.${process.pid}.stale`;
        const won = await rename(ownerPath(dataDir), claimed).then(
          () => true,
          () => false,
        );
        if (won) {
          await rmdir(lockPath(dataDir)).catch(() => undefined);
          await rm(claimed, { force: true });
        }
        continue;
      }
      // A holder between taking the lock and writing its owner file (or removing it on the way
      // out): look again shortly before calling it unknown.
      if (!holder && attempt < 10) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      throw dataFolderLockedError(dataDir, holder);
    }
  }

  let facts: LockHolder = {
    pid: process.pid,
    command: commandLine(),
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  const writeOwner = () => writeFile(ownerPath(dataDir), `${JSON.stringify(facts)}\n`, { mode: 0o600 });
  await writeOwner();
  heldHere.set(dataDir, facts);
  let released: Promise<void> | undefined;
  return {
    dataDir,
    async describe(extra) {
      facts = { ...facts, ...extra };
      if (released) return;
      heldHere.set(dataDir, facts);
      await writeOwner();
    },
    release() {
      released ??= (async () => {
        heldHere.delete(dataDir);
        // Owner file first: whoever takes the lock next writes its own, which must not be removed.
        await rm(ownerPath(dataDir), { force: true });
        await releaseLock?.().catch(() => undefined);
      })();
      return released;
    },
  };
}
