import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  jsonOf,
  openaiKey,
  type SpawnedServer,
  spawnServer,
  tempDir,
} from '../apps/byok-server/test/helpers.js';

const operator = { authorization: `Bearer ${ADMIN_TOKEN}` };
const admin = (user: string) => ({ authorization: `Bearer ${ADMIN_TOKEN}`, 'x-byok-user-id': user });

describe('byok serve on PGlite (development defaults)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('generates a 0600 dev master key, serves, drains on SIGTERM with exit 0, and reuses the key', {
    timeout: 120_000,
  }, async () => {
    const env = { BYOK_ADMIN_TOKEN: ADMIN_TOKEN };
    let server: SpawnedServer | undefined = await spawnServer(env, dir.path);
    let keyId: string;
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.output()).toContain('DEVELOPMENT MASTER KEY GENERATED');
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const doc = await fetch(`${server.url}/api/openapi.json`);
      expect(doc.status).toBe(200);
      expect((await jsonOf(doc)).openapi).toBe('3.1.0');
      const health = await fetch(`${server.url}/health/byok`, { headers: operator });
      expect(health.status).toBe(200);
      const secret = openaiKey();
      const created = await fetch(`${server.url}/api/keys`, {
        method: 'POST',
        headers: { ...admin('dev-user'), 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'openai', keyData: { apiKey: secret } }),
      });
      expect(created.status).toBe(201);
      keyId = (await jsonOf(created)).key.id;
      expect(server.output()).not.toContain(secret);
      // A request in flight when SIGTERM arrives is still answered: its body is half sent when
      // the signal comes and finished afterwards.
      const payload = JSON.stringify({
        provider: 'openai',
        keyData: { apiKey: openaiKey() },
        alias: 'in flight',
      });
      const { hostname, port } = new URL(server.url);
      let status = 0;
      const answered = new Promise<void>((resolve, reject) => {
        const req = request(
          {
            hostname,
            port,
            method: 'POST',
            path: '/api/keys',
            headers: {
              ...admin('dev-user'),
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            },
          },
          (res) => {
            status = res.statusCode ?? 0;
            res.resume();
            res.on('end', resolve);
          },
        );
        req.on('error', reject);
        req.write(payload.slice(0, 10));
        setTimeout(() => {
          server?.process.kill('SIGTERM');
          setTimeout(() => req.end(payload.slice(10)), 300);
        }, 300);
      });
      await answered;
      expect(status).toBe(201);
      const code = await server.stop('SIGTERM');
      expect(code).toBe(0);
      expect(server.output()).toContain('stopped');
      server = undefined;
    } finally {
      await server?.stop('SIGKILL');
    }

    const keyFile = join(dir.path, 'data', 'master.key');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const firstKey = await readFile(keyFile, 'utf8');
    expect(firstKey.trim().length).toBeGreaterThanOrEqual(32);

    const again = await spawnServer(env, dir.path);
    try {
      expect(again.output()).toContain('DEVELOPMENT MASTER KEY IN USE');
      expect(await readFile(keyFile, 'utf8')).toBe(firstKey);
      const read = await fetch(`${again.url}/api/keys/${keyId}`, { headers: admin('dev-user') });
      expect(read.status).toBe(200);
      expect((await jsonOf(read)).key.status).toBe('active');
    } finally {
      expect(await again.stop('SIGTERM')).toBe(0);
    }
  });
});

describe('byok serve in production without a master key', () => {
  it('starts, warns, answers /health/byok 503 and credential routes 503, and writes no key file', {
    timeout: 120_000,
  }, async () => {
    const dir = await tempDir();
    const server = await spawnServer(
      { NODE_ENV: 'production', BYOK_ADMIN_TOKEN: ADMIN_TOKEN, BYOK_DATA_DIR: join(dir.path, 'd') },
      dir.path,
    );
    try {
      expect(server.output()).toContain('ENCRYPTION_MASTER_KEY not configured');
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const health = await fetch(`${server.url}/health/byok`, { headers: operator });
      expect(health.status).toBe(503);
      const body = await health.json();
      expect(body).toMatchObject({ status: 'unhealthy', message: 'ENCRYPTION_MASTER_KEY not configured' });
      const add = await fetch(`${server.url}/api/keys`, {
        method: 'POST',
        headers: { ...admin('prod-user'), 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'openai', keyData: { apiKey: openaiKey() } }),
      });
      expect(add.status).toBe(503);
      expect((await jsonOf(add)).error).toMatchObject({
        code: 'ENCRYPTION_NOT_CONFIGURED',
        message: 'ENCRYPTION_MASTER_KEY not configured',
      });
      await expect(stat(join(dir.path, 'd', 'master.key'))).rejects.toThrow();
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
      await dir.remove();
    }
  });
});
