/**
 * A PostgreSQL cluster and a Redis server that belong to one test or chaos run, so that they can
 * be stopped, restarted and killed without touching the shared servers other suites use.
 * PostgreSQL runs as the `postgres` user (initdb refuses root): through `runuser` when we are
 * root, directly when we are `postgres`; anyone else cannot start one (`privatePostgresSupport`).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PG_BIN_CANDIDATES = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
];

/** A port nobody listens on right now (the kernel's pick for port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function pgBinDir(): string | undefined {
  return PG_BIN_CANDIDATES.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** Why a private cluster cannot be started here, or undefined when it can. */
export function privatePostgresSupport(): string | undefined {
  if (!pgBinDir()) return 'no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql';
  const user = userInfo().username;
  if (user !== 'root' && user !== 'postgres') return `must run as root or postgres (not ${user})`;
  if (user === 'root' && !existsSync('/usr/sbin/runuser') && !existsSync('/usr/bin/runuser'))
    return 'runuser is missing';
  return undefined;
}

/** Runs a PostgreSQL binary as the postgres user. */
async function asPostgres(binary: string, args: string[]): Promise<string> {
  const path = join(pgBinDir() as string, binary);
  const root = userInfo().username === 'root';
  const { stdout } = await run(
    root ? 'runuser' : path,
    root ? ['-u', 'postgres', '--', path, ...args] : args,
    {
      timeout: 60_000,
    },
  );
  return stdout;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export interface PrivatePostgres {
  port: number;
  /** A connection URL (trust auth, user postgres) for `database`, default `postgres`. */
  url(database?: string): string;
  /** `pg_ctl stop -m fast`: every connection is closed (57P01), new ones are refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`. */
  restartFast(): Promise<void>;
  /** Stops the cluster (if running) and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * initdb in a fresh temporary folder (owned by postgres), then starts it on a free port on
 * 127.0.0.1 with its socket in that folder. fsync is off: faults here are process restarts, never
 * a machine crash, and a fast shutdown still writes a checkpoint, so nothing committed is lost.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const problem = privatePostgresSupport();
  if (problem) throw new Error(`cannot start a private PostgreSQL: ${problem}`);
  // As root, under /tmp: a TMPDIR inside root's home would not be reachable by postgres.
  const root = await mkdtemp(join(userInfo().username === 'root' ? '/tmp' : tmpdir(), 'byok-pg-'));
  const data = join(root, 'data');
  await mkdir(data, { mode: 0o700 });
  if (userInfo().username === 'root') {
    const { uid, gid } = await postgresIds();
    await chown(root, uid, gid);
    await chown(data, uid, gid);
  }
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const ctl = (args: string[]) =>
    asPostgres('pg_ctl', ['-D', data, '-l', join(root, 'log'), '-w', '-t', '30', ...args]);
  let running = false;
  const start = async () => {
    await ctl(['-o', options, 'start']);
    running = true;
  };
  await start();
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      await ctl(['-m', 'fast', 'stop']);
      running = false;
    },
    start,
    async restartFast() {
      await ctl(['-m', 'fast', '-o', options, 'restart']);
      running = true;
    },
    async destroy() {
      if (running) await ctl(['-m', 'immediate', 'stop']).catch(() => undefined);
      running = false;
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL: no goodbye to clients, like a crashed host. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: it saves nothing). */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** `redis-server` on a free port with persistence off; started and killed only by this handle. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = server;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 15_000);
      server.stdout?.on('data', (chunk: Buffer) => {
        output += String(chunk);
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
    server.stdout?.resume();
    server.stderr?.resume();
  };
  const kill = async () => {
    const server = child;
    child = undefined;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, destroy: kill };
}
