import { describe, expect, it } from 'vitest';
import { createServiceFetch } from '../apps/byok-server/src/server.js';

const tagged = (name: string) => async () => new Response(name);

describe('service fetch.happy', () => {
  it('sends /v1/… and /anthropic/… to the gateway, everything else where it went before', async () => {
    const gateway = Object.assign(tagged('gateway'), {
      handles: (path: string) => path.startsWith('/v1/') || path.startsWith('/anthropic/'),
    });
    const fetch = createServiceFetch({
      handler: tagged('api'),
      dashboard: { serve: tagged('dashboard') } as never,
      demo: { handle: async () => undefined } as never,
      basePath: '/api',
      gateway,
    });
    const answer = async (method: string, path: string) =>
      (await fetch(new Request(`http://byok.test${path}`, { method }))).text();
    expect(await answer('POST', '/v1/chat/completions')).toBe('gateway');
    expect(await answer('POST', '/anthropic/v1/messages')).toBe('gateway');
    expect(await answer('GET', '/v1/models')).toBe('gateway');
    expect(await answer('GET', '/api/keys')).toBe('api');
    expect(await answer('GET', '/metrics')).toBe('api');
    expect(await answer('GET', '/')).toBe('dashboard');
  });
});
