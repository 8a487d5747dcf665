import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/private-services.js';
import { expectOneRequest, providerCases, unique } from '../../test/provider-cases.js';
import { type FakeProviders, startFakeProviders } from '../testing/fake-providers.js';
import { type KeyData, ProviderType, secretValues } from './index.js';
import { type ProbeResult, probeKey } from './probe.js';

const SHORT_TIMEOUT_MS = 200;

let fake: FakeProviders;
let closedPort: number;

beforeAll(async () => {
  fake = await startFakeProviders();
  closedPort = await freePort();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.clear());

/** Every message and field of a result must be free of every secret of the credential. */
function expectNoSecret(result: ProbeResult, provider: ProviderType, keyData: KeyData): void {
  const serialized = JSON.stringify(result);
  for (const secret of secretValues(provider, keyData)) expect(serialized).not.toContain(secret);
}

describe.each(providerCases)('probeKey against the fake $provider', (c) => {
  const probe = (keyData: KeyData, timeoutMs = 2000, baseUrl = fake.baseUrls[c.provider]) =>
    probeKey(c.provider, keyData, { baseUrl, timeoutMs });

  /** The single request the probe sent, checked for path and auth (the key travels in a header only). */
  const sentRequest = (keyData: KeyData) => expectOneRequest(fake, c, keyData);

  it('valid key → valid', async () => {
    const keyData = c.keyData('ok');
    const result = await probe(keyData);
    expect(result).toMatchObject({ outcome: 'valid', statusCode: 200, isRetryable: false });
    expect(result.balance).toEqual(c.balance);
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(0);
    sentRequest(keyData);
    expectNoSecret(result, c.provider, keyData);
  });

  // A failing answer by key marker: its outcome and status, whether a retry may help, and no wait hint.
  it.each([
    { marker: 'invalid', outcome: 'invalid_key', statusCode: c.invalidStatus, isRetryable: false },
    { marker: 'forbidden', outcome: 'permission_denied', statusCode: 403, isRetryable: false },
    { marker: 'billing', outcome: 'billing', statusCode: c.billingStatus, isRetryable: false },
    { marker: 'outage', outcome: 'outage', statusCode: c.outageStatus, isRetryable: true },
  ])('$marker key → $outcome', async ({ marker, ...expected }) => {
    const keyData = c.keyData(marker);
    const result = await probe(keyData);
    expect(result).toMatchObject(expected);
    expect(result.retryAfterMs).toBeUndefined();
    sentRequest(keyData);
    expectNoSecret(result, c.provider, keyData);
  });

  it('rate limited with a configured retry-after → rate_limited, retryAfterMs', async () => {
    const keyData = c.keyData('ok');
    fake.setBehavior(secretValues(c.provider, keyData)[0]!, { kind: 'rate_limited', retryAfterSeconds: 7 });
    const result = await probe(keyData);
    expect(result).toMatchObject({
      outcome: 'rate_limited',
      statusCode: 429,
      isRetryable: true,
      retryAfterMs: 7000,
    });
    sentRequest(keyData);
    expectNoSecret(result, c.provider, keyData);
  });

  it('rate limited by marker → the hint the real provider gives', async () => {
    const keyData = c.keyData('ratelimit');
    const result = await probe(keyData);
    expect(result).toMatchObject({ outcome: 'rate_limited', statusCode: 429, isRetryable: true });
    expect(result.retryAfterMs).toBe(c.defaultRetryAfterMs);
  });

  it('a server that never answers → timeout within the limit', async () => {
    const keyData = c.keyData('hang');
    const result = await probe(keyData, SHORT_TIMEOUT_MS);
    expect(result).toMatchObject({ outcome: 'timeout', isRetryable: true });
    expect(result.statusCode).toBeUndefined();
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 20);
    expect(result.responseTimeMs).toBeLessThan(SHORT_TIMEOUT_MS + 500);
    sentRequest(keyData);
    expectNoSecret(result, c.provider, keyData);
  });

  it('a closed port → network_error', async () => {
    const keyData = c.keyData('ok');
    const result = await probe(keyData, 2000, `http://127.0.0.1:${closedPort}/${c.provider}`);
    expect(result).toMatchObject({
      outcome: 'network_error',
      isRetryable: true,
      providerCode: 'ECONNREFUSED',
    });
    expect(result.statusCode).toBeUndefined();
    expectNoSecret(result, c.provider, keyData);
  });

  it('a slow answer inside the limit → valid', async () => {
    const keyData = c.keyData('ok');
    fake.setBehavior(secretValues(c.provider, keyData)[0]!, { kind: 'slow', delayMs: 30 });
    const result = await probe(keyData, 1000);
    expect(result.outcome).toBe('valid');
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(25);
  });
});

describe('probeKey safety', () => {
  it('scrubs a key the provider echoes back (OpenAI "Incorrect API key provided: sk-…")', async () => {
    const keyData = { apiKey: `sk-test-invalid-${unique()}-${'z9'.repeat(20)}` };
    const result = await probeKey(ProviderType.OPENAI, keyData, {
      baseUrl: fake.baseUrls.openai,
      timeoutMs: 2000,
    });
    expect(result.outcome).toBe('invalid_key');
    expect(result.message).toContain('Incorrect API key provided');
    expect(result.message).not.toContain(keyData.apiKey);
    expect(result.message).not.toContain('z9z9z9');
  });

  it('scrubs exact secrets even when they do not look like keys', async () => {
    const secret = `plain${'x'.repeat(20)}`;
    const fakeFetch: typeof fetch = async () =>
      new Response(
        JSON.stringify({ err_code: 'INVALID_AUTH', err_msg: `bad ${secret.slice(0, 20)} / ${secret}` }),
        {
          status: 401,
        },
      );
    const result = await probeKey(
      ProviderType.DEEPGRAM,
      { apiKey: secret },
      { baseUrl: 'http://unused.test', timeoutMs: 500, fetch: fakeFetch },
    );
    expect(result.outcome).toBe('invalid_key');
    expect(result.message).not.toContain(secret);
  });

  it('sends OpenAI organization and project headers when given', async () => {
    const keyData = {
      apiKey: `sk-test-ok-${unique()}-${'y8'.repeat(12)}`,
      organization: 'org-123',
      project: 'proj_456',
    };
    await probeKey(ProviderType.OPENAI, keyData, { baseUrl: fake.baseUrls.openai, timeoutMs: 2000 });
    expect(fake.requests[0]?.headers['openai-organization']).toBe('org-123');
    expect(fake.requests[0]?.headers['openai-project']).toBe('proj_456');
  });

  it('refuses a malformed credential before sending anything', async () => {
    await expect(
      probeKey(ProviderType.OPENAI, { apiKey: 'nope' }, { baseUrl: fake.baseUrls.openai, timeoutMs: 500 }),
    ).rejects.toMatchObject({ code: 'INVALID_KEY_FORMAT' });
    expect(fake.requests).toHaveLength(0);
  });

  describe('against a misbehaving server', () => {
    let server: Server;
    let base: string;
    const sockets = new Set<Socket>();

    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url?.startsWith('/redirect')) {
          res.writeHead(302, { location: 'http://127.0.0.1:1/steal' }).end();
          return;
        }
        // Headers and a first chunk, then nothing: the body never finishes.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":[');
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('times out on a body that never finishes', async () => {
      const keyData = { apiKey: `sk-test-ok-${unique()}-${'x7'.repeat(12)}` };
      const result = await probeKey(ProviderType.OPENAI, keyData, {
        baseUrl: `${base}/stall`,
        timeoutMs: SHORT_TIMEOUT_MS,
      });
      expect(result.outcome).toBe('timeout');
      expect(result.responseTimeMs).toBeLessThan(SHORT_TIMEOUT_MS + 500);
    });

    it('does not follow redirects (custom auth headers would go along)', async () => {
      const keyData = { apiKey: `sk-ant-api03-${unique()}-${'w6'.repeat(20)}` };
      const result = await probeKey(ProviderType.ANTHROPIC, keyData, {
        baseUrl: `${base}/redirect`,
        timeoutMs: 1000,
      });
      expect(result).toMatchObject({ outcome: 'unexpected', statusCode: 302, isRetryable: false });
    });
  });
});
