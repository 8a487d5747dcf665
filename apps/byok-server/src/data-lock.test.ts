import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isBYOKError } from '@stack-2025/byok-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { type LockHolder, lockDataFolder, lockPath, ownerPath } from './data-lock.js';
import { openDatabase } from './database.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir('byok-lock-');
});
afterEach(async () => {
  await dir.remove();
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The pid of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isBYOKError(error), String(error)).toBe(true);
  return error as Error & { code: string; details: { holder?: LockHolder } };
}

/** A lock left behind exactly as a holder killed with SIGKILL leaves it. */
async function leftBehind(holder: LockHolder, ageMs = 0) {
  await mkdir(lockPath(dir.path));
  await writeFile(ownerPath(dir.path), JSON.stringify(holder));
  if (ageMs) {
    const when = new Date(Date.now() - ageMs);
    await utimes(lockPath(dir.path), when, when);
  }
}

describe('lockDataFolder', () => {
  it('writes an owner file naming this process, refuses a second holder, and releases both files', async () => {
    const lock = await lockDataFolder(dir.path);
    const owner = JSON.parse(await readFile(ownerPath(dir.path), 'utf8')) as LockHolder;
    expect(owner).toMatchObject({
      pid: process.pid,
      host: hostname(),
      command: expect.stringContaining('node'),
    });
    expect((await stat(ownerPath(dir.path))).mode & 0o777).toBe(0o600);

    const error = await refusal(lockDataFolder(dir.path));
    expect(error.code).toBe('DATA_FOLDER_LOCKED');
    expect(error.message).toContain(`process ${process.pid}`);
    expect(error.message).toContain(dir.path);

    await lock.describe({ url: 'http://127.0.0.1:4321' });
    const described = JSON.parse(await readFile(ownerPath(dir.path), 'utf8')) as LockHolder;
    expect(described.url).toBe('http://127.0.0.1:4321');

    await lock.release();
    await lock.release();
    expect(await exists(lockPath(dir.path))).toBe(false);
    expect(await exists(ownerPath(dir.path))).toBe(false);
    const again = await lockDataFolder(dir.path);
    await again.release();
  });

  it('refuses a lock held by a live process, naming its pid, command and URL', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await leftBehind({
        pid: child.pid as number,
        command: 'node …/cli.js serve',
        host: hostname(),
        startedAt: new Date().toISOString(),
        url: 'http://127.0.0.1:3999',
      });
      const error = await refusal(lockDataFolder(dir.path));
      expect(error.code).toBe('DATA_FOLDER_LOCKED');
      expect(error.message).toContain(
        `process ${child.pid} (node …/cli.js serve, serving http://127.0.0.1:3999`,
      );
      expect(error.message).toContain('Stop the service');
      expect(error.details.holder?.pid).toBe(child.pid);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over at once a lock whose holder died (SIGKILL leaves lock and owner file behind)', async () => {
    await leftBehind({
      pid: await deadPid(),
      command: 'node …/cli.js serve',
      host: hostname(),
      startedAt: new Date().toISOString(),
    });
    const started = performance.now();
    const lock = await lockDataFolder(dir.path);
    expect(performance.now() - started).toBeLessThan(5000);
    const owner = JSON.parse(await readFile(ownerPath(dir.path), 'utf8')) as LockHolder;
    expect(owner.pid).toBe(process.pid);
    await lock.release();
  });

  it('never takes over a holder on another host while its lock is fresh, but does once it is stale', async () => {
    const holder = {
      pid: process.pid,
      command: 'node …/cli.js serve',
      host: 'some-other-host',
      startedAt: new Date().toISOString(),
    };
    await leftBehind(holder);
    const error = await refusal(lockDataFolder(dir.path, { staleMs: 5_000 }));
    expect(error.message).toContain('on host some-other-host');
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath(dir.path), old, old);
    const lock = await lockDataFolder(dir.path, { staleMs: 5_000 });
    await lock.release();
  });
});

describe('openDatabase', () => {
  it('holds a PGlite folder for one opener at a time, and frees it on close', async () => {
    const config = { databaseUrl: undefined, dataDir: join(dir.path, 'data'), poolSize: 1 };
    const first = await openDatabase(config);
    const error = await refusal(openDatabase(config));
    expect(error.code).toBe('DATA_FOLDER_LOCKED');
    await first.close();
    const second = await openDatabase(config);
    await second.close();
  });

  it('with mustExist, creates nothing where there is no database', async () => {
    const dataDir = join(dir.path, 'none');
    const error = await refusal(
      openDatabase({ databaseUrl: undefined, dataDir, poolSize: 1 }, { mustExist: true }),
    );
    expect(error.code).toBe('DATABASE_NOT_FOUND');
    expect(error.message).toContain(dataDir);
    expect(await exists(dataDir)).toBe(false);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'takes no lock with DATABASE_URL: several openers at once',
    async () => {
      const config = {
        databaseUrl: process.env.TEST_DATABASE_URL,
        dataDir: join(dir.path, 'pg'),
        poolSize: 1,
      };
      const [a, b] = await Promise.all([openDatabase(config), openDatabase(config)]);
      expect(a.lock).toBeUndefined();
      expect(await exists(config.dataDir)).toBe(false);
      await Promise.all([a.close(), b.close()]);
    },
  );
});
