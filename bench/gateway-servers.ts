/**
 * The processes `bench/gateway.ts` measures, one per mode, each printing `{"port":…}` (and what
 * else the driver needs) as its first stdout line:
 *  - `upstream`: an OpenAI-shaped fake answering `/v1/chat/completions` at once, or after 20 ms when
 *    the body says `"user": "slow"`; JSON or SSE (with the final usage chunk), nothing recorded;
 *  - `proxy`: a bare pass-through proxy on undici (the floor any gateway pays);
 *  - `gateway`: the BYOK gateway (its node:http entry, as the service serves it) on a scratch
 *    PostgreSQL database, with one user, key and token.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createBYOKForStack2025 } from '@stack-2025/byok-core';
import { createGatewayHandler } from '@stack-2025/byok-core/gateway';
import pg from 'pg';

// The proxy runs on the undici the gateway ships with (byok-core's), not whichever the repo root resolves.
const { Agent, request } = createRequire(import.meta.resolve('@stack-2025/byok-core/gateway'))(
  'undici',
) as typeof import('undici');

const mode = process.argv[2];
const announce = (value: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(value)}\n`);

const usage = {
  prompt_tokens: 12,
  completion_tokens: 7,
  total_tokens: 19,
  prompt_tokens_details: { cached_tokens: 4 },
};
const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_790_000_000,
  model: 'gpt-6-luna',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello from the bench upstream.' },
      finish_reason: 'stop',
    },
  ],
  usage,
});
const chunk = (delta: Record<string, unknown>, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_790_000_000, model: 'gpt-6-luna', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const streamEvents = [
  chunk({ role: 'assistant', content: '' }, null),
  chunk({ content: 'Hello from' }, null),
  chunk({ content: ' the bench upstream.' }, null),
  chunk({}, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_790_000_000, model: 'gpt-6-luna', choices: [], usage })}\n\n`,
  'data: [DONE]\n\n',
];

async function upstream(): Promise<void> {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      let body: { stream?: boolean; user?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        // not JSON: answered like any other request
      }
      const answer = () => {
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' });
          for (const event of streamEvents) res.write(event);
          res.end();
        } else {
          res.writeHead(200, {
            'content-type': 'application/json',
            'x-request-id': 'req_bench',
            'content-length': Buffer.byteLength(completion),
          });
          res.end(completion);
        }
      };
      if (body.user === 'slow') setTimeout(answer, 20);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => announce({ port: (server.address() as AddressInfo).port }));
}

async function proxy(): Promise<void> {
  const target = process.env.UPSTREAM_URL as string;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    try {
      const answer = await request(`${target}${req.url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
        body: Buffer.concat(parts),
        dispatcher,
      });
      res.writeHead(answer.statusCode, {
        'content-type': String(answer.headers['content-type'] ?? 'application/json'),
      });
      for await (const part of answer.body) res.write(part);
      res.end();
    } catch {
      res.writeHead(502).end();
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => announce({ port: (server.address() as AddressInfo).port }));
}

async function gateway(): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env.GATEWAY_DATABASE_URL, max: 10 });
  pool.on('error', () => undefined);
  const system = await createBYOKForStack2025({
    encryptionKey: 'bench-gateway-master-key-0123456789abcdef',
    postgresClient: pool,
    providers: { openai: { baseUrl: `${process.env.UPSTREAM_URL}/v1` } },
  });
  const userId = 'bench_gateway_user';
  await system.manager.addKey({
    userId,
    provider: 'openai',
    keyData: { apiKey: 'sk-bench-0123456789abcdefghijklmnop' },
  });
  const { token } = await system.manager.createGatewayToken({ userId, name: 'bench' });
  const handler = createGatewayHandler({ system });
  const writer = system.manager.context.usageWriter;
  // The gateway's node:http entry, as the service mounts it.
  const server = createServer((req, res) => {
    if (req.url === '/bench/stats') res.end(JSON.stringify(writer.stats()));
    else void handler.node(req, res);
  }).listen(0, '127.0.0.1');
  server.once('listening', () => announce({ port: (server.address() as AddressInfo).port, token }));
  process.on('SIGTERM', async () => {
    await system.close();
    await pool.end();
    process.exit(0);
  });
}

if (mode === 'upstream' || mode === 'proxy') {
  // Exit on SIGTERM rather than die of it, so `--cpu-prof` can write its profile.
  process.on('SIGTERM', () => process.exit(0));
}
if (mode === 'upstream') await upstream();
else if (mode === 'proxy') await proxy();
else if (mode === 'gateway') await gateway();
else throw new Error(`unknown mode ${mode}`);
