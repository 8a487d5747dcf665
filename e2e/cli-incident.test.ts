/**
 * The key-compromise runbook as two commands: `byok incident start` rotates the master key, marks
 * credentials compromised (no longer served until re-entered), audits it and notifies owners
 * through their alert channels; `byok incident report` lists every use and change of each key in
 * a window.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  type BYOKSystem,
  createBYOKForStack2025,
  createLogger,
  EncryptionService,
  isBYOKError,
} from '@stack-2025/byok-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteDir } from '../apps/byok-server/src/database.js';
import { openaiKey, runCli, tempDir, uid } from '../apps/byok-server/test/helpers.js';

const OLD = EncryptionService.generateMasterKey();
const NEW = EncryptionService.generateMasterKey();

let dir: Awaited<ReturnType<typeof tempDir>>;
let dataDir: string;
const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
let hookServer: ReturnType<typeof createServer>;
let hookUrl: string;
const alice = uid('alice');
const bob = uid('bob');
const carol = uid('carol');
const secrets = { alice: openaiKey(), bob: openaiKey(), carol: openaiKey() };

async function withSystem<T>(encryptionKey: string, fn: (system: BYOKSystem) => Promise<T>): Promise<T> {
  const db = await PGlite.create(pgliteDir(dataDir));
  try {
    const system = await createBYOKForStack2025({
      encryptionKey,
      postgresClient: db,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      return await fn(system);
    } finally {
      await system.close();
    }
  } finally {
    await db.close();
  }
}

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { BYOK_DATA_DIR: dataDir, ...env }, dir.path, { timeoutMs: 120_000 });

beforeAll(async () => {
  hookServer = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += String(chunk);
    });
    request.on('end', () => {
      hooks.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
  dir = await tempDir();
  dataDir = join(dir.path, 'data');
  await mkdir(dataDir, { recursive: true });
  await withSystem(OLD, async (system) => {
    await system.manager.addKey({ userId: alice, provider: 'openai', keyData: { apiKey: secrets.alice } });
    await system.manager.addKey({ userId: bob, provider: 'openai', keyData: { apiKey: secrets.bob } });
    await system.manager.addKey({ userId: carol, provider: 'openai', keyData: { apiKey: secrets.carol } });
    await system.database.createUsageAlert({
      userId: alice,
      alertType: 'cost',
      thresholdValue: 100,
      thresholdPeriod: 'monthly',
      notificationChannels: ['webhook'],
      webhookUrl: hookUrl,
    });
    // A use of alice's key, for the report.
    expect((await system.manager.getActiveKey(alice, 'openai'))?.keyData.apiKey).toBe(secrets.alice);
  });
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => hookServer.close(() => resolve()));
  await dir.remove();
});

describe('byok incident start', () => {
  it('refuses to skip the runbook rotation silently', async () => {
    const res = await cli(['incident', 'start', '--reason', 'leaked backup'], { ENCRYPTION_MASTER_KEY: OLD });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('NEW_ENCRYPTION_MASTER_KEY');
  });

  it('rotates, marks the chosen owners compromised, audits it and notifies them', async () => {
    const res = await cli(
      [
        'incident',
        'start',
        '--reason',
        'master key seen in a CI log',
        '--owner',
        `user:${alice}`,
        '--owner',
        `user:${bob}`,
      ],
      { ENCRYPTION_MASTER_KEY: OLD, NEW_ENCRYPTION_MASTER_KEY: NEW },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Incident inc_\w+: 2 key\(s\) of 2 owner\(s\) marked compromised/);
    expect(res.stdout).toContain("Notices queued to owners' alert channels: 1");
    expect(`${res.stdout}${res.stderr}`).not.toContain(secrets.alice);

    // The webhook went to alice (she has an alert); bob has none, so the dashboard tells him.
    expect(hooks).toHaveLength(1);
    const notice = JSON.parse(hooks[0]?.body ?? '{}');
    expect(notice).toMatchObject({
      type: 'key_compromise.notice',
      owner: { type: 'user', id: alice },
      incident: { reason: 'master key seen in a CI log' },
      keys: [{ provider: 'openai' }],
    });
    expect(hooks[0]?.body).not.toContain(secrets.alice);

    await withSystem(NEW, async (system) => {
      // Rotated: the old key alone no longer opens the data (checked below); marked keys not served.
      expect(await system.manager.getActiveKey(alice, 'openai')).toBeNull();
      expect(await system.manager.getActiveKey(bob, 'openai')).toBeNull();
      expect((await system.manager.getActiveKey(carol, 'openai'))?.keyData.apiKey).toBe(secrets.carol);
      const [key] = await system.manager.listKeys({ userId: alice });
      expect(key?.status).toBe('compromised');
      // Enabling is refused; entering the secret again brings it back.
      await expect(
        system.manager.updateKey(key?.id as string, { enabled: true }, { scope: { userId: alice } }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      const fresh = openaiKey();
      await system.manager.updateKey(
        key?.id as string,
        { keyData: { apiKey: fresh } },
        { scope: { userId: alice } },
      );
      expect((await system.manager.getActiveKey(alice, 'openai'))?.keyData.apiKey).toBe(fresh);
      const audit = await system.audit.list({ owner: { type: 'user', id: bob } });
      expect(audit.map((entry) => entry.action)).toContain('key.compromised');
    });
    const opened = await withSystem(OLD, async () => 'opened').catch((error: unknown) =>
      isBYOKError(error) ? error.code : String(error),
    );
    expect(opened).toBe('MASTER_KEY_MISMATCH');
  }, 180_000);
});

describe('byok incident report', () => {
  it('lists each key used or changed in the window, as a table and as JSON lines', async () => {
    const table = await cli(['incident', 'report', '--since', '1h']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Keys used or changed from .* to .*: 3/);
    expect(table.stdout).toContain(`user:${alice}`);
    expect(table.stdout).toContain('key.compromised by cli:incident');

    const lines = await cli([
      'incident',
      'report',
      '--since',
      new Date(Date.now() - 3_600_000).toISOString(),
      '--json',
    ]);
    expect(lines.code, lines.stderr).toBe(0);
    const events = lines.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const uses = events.filter((event) => event.type === 'use' && event.owner.id === alice);
    expect(uses.reduce((sum, event) => sum + event.count, 0)).toBeGreaterThanOrEqual(1);
    expect(events.some((event) => event.type === 'audit' && event.action === 'key.secret_replaced')).toBe(
      true,
    );
    expect(lines.stdout).not.toContain(secrets.alice);
  }, 120_000);
});
