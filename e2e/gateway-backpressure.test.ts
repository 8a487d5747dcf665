/**
 * Backpressure through both gateway entries: a client that stops reading stops the upstream too,
 * instead of the gateway buffering the answer in memory.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, openaiKey, startGatewayWorld, uid } from './gateway-support.js';

const CHUNK = `data: {"x":"${'a'.repeat(64 * 1024)}"}\n\n`;
const LIMIT = 200 * 1024 * 1024;

/** An upstream that streams as fast as its socket takes it, up to 200 MiB, and counts what it wrote. */
async function floodUpstream() {
  const state = { written: 0 };
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const pump = () => {
      while (state.written < LIMIT) {
        state.written += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => res.off('drain', pump));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.each(['node', 'fetch'] as const)('gateway.streaming backpressure through the %s entry', (entry) => {
  let upstream: Awaited<ReturnType<typeof floodUpstream>>;
  let world: GatewayWorld;
  beforeAll(async () => {
    upstream = await floodUpstream();
    world = await startGatewayWorld({ entry, baseUrls: { openai: upstream.url } });
  });
  afterAll(async () => {
    await world?.close();
    await upstream?.close();
  });

  it('a client that stops reading holds the upstream back (no unbounded buffering)', async () => {
    const userId = uid('bp');
    await world.system.manager.addKey({ userId, provider: 'openai', keyData: { apiKey: openaiKey() } });
    const { token } = await world.system.manager.createGatewayToken({ userId, name: 'bp' });
    const { port } = new URL(world.url);
    const body = JSON.stringify({ model: 'gpt-6-luna', messages: [], stream: true });
    // A raw request whose answer is paused at once: nothing is read after the headers.
    const answer = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
    answer.pause();
    expect(answer.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stalledAt = upstream.state.written;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Socket buffers on both hops hold a few MiB at most; without backpressure all 200 MiB flow.
    expect(stalledAt).toBeLessThan(48 * 1024 * 1024);
    expect(upstream.state.written - stalledAt).toBeLessThan(4 * 1024 * 1024);
    // Reading again resumes the flow.
    let received = 0;
    answer.on('data', (part: Buffer) => {
      received += part.length;
    });
    answer.resume();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toBeGreaterThan(0);
    expect(upstream.state.written).toBeGreaterThan(stalledAt);
    answer.destroy();
  });
});
