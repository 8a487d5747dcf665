import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { createServiceFetch, createServiceListener } from '../apps/byok-server/src/server.js';

const tagged = (name: string) => async () => new Response(name);

describe('service listener.happy', () => {
  it('sends /v1/… and /anthropic/… to the gateway’s Node entry, everything else where it went before', async () => {
    const fetch = createServiceFetch({
      handler: tagged('api'),
      dashboard: { serve: tagged('dashboard') } as never,
      demo: { handle: async () => undefined } as never,
      basePath: '/api',
    });
    const listener = createServiceListener({
      rest: getRequestListener((request) => fetch(request)),
      gateway: {
        handles: (path) => path.startsWith('/v1/') || path.startsWith('/anthropic/'),
        node: async (_req, res) => void res.end('gateway'),
      },
      demoPath: '/api/auth/demo',
    });
    const server = createServer(listener).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const answer = async (method: string, path: string) =>
        (await globalThis.fetch(`${base}${path}`, { method })).text();
      expect(await answer('POST', '/v1/chat/completions')).toBe('gateway');
      expect(await answer('POST', '/anthropic/v1/messages?beta=true')).toBe('gateway');
      expect(await answer('GET', '/v1/models')).toBe('gateway');
      expect(await answer('GET', '/api/keys')).toBe('api');
      expect(await answer('GET', '/metrics')).toBe('api');
      expect(await answer('GET', '/')).toBe('dashboard');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
