/**
 * The real Node server (`startServer`, production mode): an early 413 closes the connection
 * cleanly so a keep-alive client's next request works, and an alert webhook aimed at this machine
 * through an IPv4-mapped IPv6 literal is refused when created and never delivered.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger } from '@stack-2025/byok-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/byok-server/src/config.js';
import { type RunningServer, startServer } from '../apps/byok-server/src/server.js';
import { JWT_SECRET, MASTER_KEY, tempDir, tokenFor, uid } from '../apps/byok-server/test/helpers.js';
import { webhookAlert } from '../packages/byok-core/test/alerts.js';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  socketReused: boolean;
}

/** One request through `agent`; `chunks` are written one by one (chunked unless a length is set). */
function send(
  agent: Agent,
  url: string,
  options: { method?: string; headers?: Record<string, string>; chunks?: Buffer[] } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { agent, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            socketReused: req.reusedSocket,
          }),
        );
      },
    );
    // Writing may fail once the server has answered and closed: that is the point of the 413.
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : reject(error),
    );
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

describe('the production server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: RunningServer;
  let receiver: Server;
  const delivered: string[] = [];

  beforeAll(async () => {
    dir = await tempDir();
    receiver = createServer((req, res) => {
      delivered.push(req.url ?? '');
      req.resume();
      res.end('ok');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    server = await startServer(
      loadConfig(
        {
          NODE_ENV: 'production',
          PORT: '0',
          HOST: '127.0.0.1',
          BYOK_ENCRYPTION_KEY: MASTER_KEY,
          BYOK_JWT_SECRET: JWT_SECRET,
          BYOK_DATA_DIR: join(dir.path, 'data'),
        } as NodeJS.ProcessEnv,
        { container: false },
      ),
      { logger: createLogger({ level: 'silent' }), drainMs: 500 },
    );
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await dir?.remove();
  });

  it.each([
    ['a chunked body', (_size: number) => ({ 'transfer-encoding': 'chunked' }) as Record<string, string>],
    ['a Content-Length body', (size: number) => ({ 'content-length': String(size) })],
  ])(
    'answers an early 413 on %s with Connection: close; the next request on the agent works',
    async (_name, framing) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const token = await tokenFor(uid());
        const warm = await send(agent, `${server.url}/health`);
        expect(warm.status).toBe(200);
        const chunks = Array.from({ length: 8 }, () => Buffer.alloc(32 * 1024, 'a'));
        const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
        const tooLarge = await send(agent, `${server.url}/api/workspaces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...framing(size) },
          chunks,
        });
        expect(tooLarge.status).toBe(413);
        expect(tooLarge.headers.connection).toBe('close');
        expect(JSON.parse(tooLarge.body).error.code).toBe('PAYLOAD_TOO_LARGE');
        // Several requests in a row on the same agent: none may be reset.
        for (let i = 0; i < 3; i++) {
          const next = await send(agent, `${server.url}/api/me`, {
            headers: { authorization: `Bearer ${token}` },
          });
          expect(next.status).toBe(200);
        }
      } finally {
        agent.destroy();
      }
    },
  );

  it('refuses a webhook on http://[::ffff:127.0.0.1]:PORT/ and delivers nothing', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const userId = uid();
    const token = await tokenFor(userId);
    const webhookUrl = `http://[::ffff:127.0.0.1]:${port}/`;
    const agent = new Agent({ keepAlive: false });
    const body = JSON.stringify({
      alertType: 'requests',
      thresholdValue: 1,
      thresholdPeriod: 'daily',
      notificationChannels: ['webhook'],
      webhookUrl,
    });
    const created = await send(agent, `${server.url}/api/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      chunks: [Buffer.from(body)],
    });
    expect(created.status, created.body).toBe(400);
    expect(JSON.parse(created.body).error.code).toBe('INVALID_INPUT');

    // Stored around the API (an old row, another client of the library): delivery refuses it too.
    await webhookAlert(server.system.database, userId, webhookUrl);
    await server.system.manager.recordUsage({ userId, provider: 'openai', model: 'gpt-4o', inputTokens: 1 });
    await server.system.manager.context.alerts.drain();
    const { rows } = await server.system.database.db.query<{ status: string; last_error: string }>(
      'SELECT status, last_error FROM byok.alert_notifications WHERE owner_id = $1',
      [userId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('failed');
    expect(rows[0]?.last_error).toMatch(/not a public internet host/);
    expect(delivered).toEqual([]);
  });
});
