/**
 * The gateway's guarantees, each over real HTTP in front of the fake providers: the key never
 * leaves (canary, also when an upstream echoes it), errors in the caller's dialect, failover only
 * before the first byte, budgets and rate limits, pacing of streamed chunks, client disconnects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, openaiKey, startGatewayWorld, uid, usageOf } from './gateway-support.js';

let world: GatewayWorld;

/** A user with OpenAI keys (in chain order, no pause between attempts) and a gateway token. */
async function owner(keys: string[], tokenExtra: Record<string, unknown> = {}) {
  const userId = uid('u');
  const manager = world.system.manager;
  const ids: string[] = [];
  for (const [i, apiKey] of keys.entries()) {
    ids.push(await manager.addKey({ userId, provider: 'openai', keyData: { apiKey }, priority: i } as never));
  }
  if (ids.length > 0) {
    await world.system.fallback.configureFallbackChain(userId, 'openai', 'production', {
      primaryKeyId: ids[0] ?? null,
      fallbackSequence: ids.slice(1),
      retryDelayMs: 0,
      maxRetries: 3,
    });
  }
  const created = await manager.createGatewayToken({ userId, name: 'app', ...tokenExtra });
  return { userId, keyIds: ids, token: created.token, tokenId: created.id };
}

const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'gpt-6-luna', messages: [{ role: 'user', content: 'hi' }], ...extra });

const post = (path: string, token: string | undefined, body: string, headers: Record<string, string> = {}) =>
  fetch(`${world.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body,
  });

/** The `error` object of an answer in the OpenAI dialect. */
async function errorOf(response: Response): Promise<{ code: string; type: string; message: string }> {
  return ((await response.json()) as { error: { code: string; type: string; message: string } }).error;
}

async function everything(response: Response): Promise<string> {
  return `${JSON.stringify([...response.headers.entries()])}\n${await response.text()}`;
}

// Both entries: the service's `node:http` one and the Fetch API one (library and Next.js users).
describe.each(['node', 'fetch'] as const)('through the %s entry', (entry) => {
  beforeAll(async () => {
    world = await startGatewayWorld({ entry });
  });
  afterAll(async () => {
    await world?.close();
  });

  describe('gateway.body', () => {
    it('forwards a body it did not change byte for byte, and sends as parsed one a provider could read differently', async () => {
      const { token } = await owner([openaiKey('body')]);
      const hi = '[{"role":"user","content":"hi"}]';
      const asIs = `{ "messages": ${hi},\n  "model": "gpt-6-luna", "temperature": 0.25 }`;
      expect((await post('/v1/chat/completions', token, asIs)).status).toBe(200);
      expect(world.fake.requests.at(-1)?.body).toBe(asIs);
      // A key twice (JSON.parse keeps the last, other parsers the first) or spelt with an escape.
      for (const tricky of [
        `{"model":"gpt-other","model":"gpt-6-luna","messages":${hi}}`,
        `{"mod\\u0065l":"gpt-other","model":"gpt-6-luna","messages":${hi}}`,
      ]) {
        const response = await post('/v1/chat/completions', token, tricky);
        expect(response.status, tricky).toBe(200);
        await response.text();
        const sent = world.fake.requests.at(-1)?.body ?? '';
        expect(sent, tricky).not.toContain('gpt-other');
        expect(JSON.parse(sent), tricky).toEqual({
          model: 'gpt-6-luna',
          messages: [{ role: 'user', content: 'hi' }],
        });
      }
      const twice = `{"model":"gpt-6-luna","stream":true,"stream_options":{},"stream_options":{"include_usage":true},"messages":${hi}}`;
      const streamed = await post('/v1/chat/completions', token, twice);
      expect(streamed.status).toBe(200);
      await streamed.text();
      const sent = world.fake.requests.at(-1)?.body ?? '';
      expect(sent.match(/stream_options/g)).toHaveLength(1);
      expect(JSON.parse(sent).stream_options).toEqual({ include_usage: true });
    });
  });

  describe('gateway.security', () => {
    it('never lets the key out, even when the upstream echoes the Authorization header back', async () => {
      const secret = openaiKey('canary');
      const { token } = await owner([secret]);
      world.fake.setBehavior(secret, 'echo');
      const plain = await post('/v1/chat/completions', token, chatBody());
      const streamed = await post('/v1/chat/completions', token, chatBody({ stream: true }));
      for (const response of [plain, streamed]) {
        expect(response.status).toBe(200);
        const seen = await everything(response);
        expect(seen).toContain('[redacted]');
        expect(seen).not.toContain(secret);
        expect(seen).not.toContain(secret.slice(8));
      }
      // The fake did receive it: the scrubbing above is what kept it in.
      expect(world.fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);
    });

    it('scrubs a key the provider quotes in its error (401 with the key in the message)', async () => {
      const secret = openaiKey('invalid');
      const { token } = await owner([secret]);
      const response = await post('/v1/chat/completions', token, chatBody());
      expect(response.status).toBe(401);
      const seen = await everything(response);
      expect(seen).not.toContain(secret);
      const body = JSON.parse(seen.slice(seen.indexOf('\n') + 1));
      expect(body.error.code).toBe('NO_KEY_AVAILABLE');
      expect(body.error.message).toContain('[redacted]');
    });

    it('refuses a missing, unknown or revoked token in the caller’s dialect', async () => {
      const { token, tokenId, userId } = await owner([openaiKey()]);
      const none = await post('/v1/chat/completions', undefined, chatBody());
      expect(none.status).toBe(401);
      expect(await errorOf(none)).toMatchObject({
        type: 'authentication_error',
        code: 'UNAUTHENTICATED',
      });
      const anthropic = await post('/anthropic/v1/messages', undefined, chatBody(), {
        'x-api-key': 'byok_gt_nope',
      });
      expect(anthropic.status).toBe(401);
      expect(await anthropic.json()).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error' },
      });
      expect((await post('/v1/chat/completions', token, chatBody())).status).toBe(200);
      await world.system.manager.revokeGatewayToken(tokenId, userId);
      const revoked = await post('/v1/chat/completions', token, chatBody());
      expect(revoked.status).toBe(401);
    });

    it('refuses models and providers the token may not use, before any upstream call', async () => {
      const { token } = await owner([openaiKey()], {
        allowedModels: ['gpt-6.1-*'],
        allowedProviders: ['openai'],
      });
      const before = world.fake.requests.length;
      const model = await post('/v1/chat/completions', token, chatBody());
      expect(model.status).toBe(403);
      expect((await errorOf(model)).code).toBe('FORBIDDEN');
      const provider = await post(
        '/v1/chat/completions',
        token,
        chatBody({ model: 'deepseek/deepseek-flash' }),
      );
      expect(provider.status).toBe(403);
      const unknown = await post('/v1/chat/completions', token, chatBody({ model: 'nope/x' }));
      expect(unknown.status).toBe(400);
      expect(world.fake.requests.length).toBe(before);
      const models = await fetch(`${world.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      const listed = ((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id);
      expect(listed).toEqual(['openai/gpt-6.1-sol']);
    });

    it('refuses a body past 10 MiB with 413, declared or streamed, before any upstream call', async () => {
      const { token } = await owner([openaiKey()]);
      const before = world.fake.requests.length;
      const huge = chatBody({ padding: 'x'.repeat(10 * 1024 * 1024) });
      const declared = await post('/v1/chat/completions', token, huge);
      expect(declared.status).toBe(413);
      expect((await errorOf(declared)).code).toBe('PAYLOAD_TOO_LARGE');
      // No content-length: the limit is found while reading.
      const streamed = await fetch(`${world.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: new Blob([huge]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(world.fake.requests.length).toBe(before);
    });
  });

  describe('gateway.failover', () => {
    it.each([
      ['429 with Retry-After', { kind: 'rate_limited', retryAfterSeconds: 7 } as const],
      ['503', 'outage' as const],
      ['a dropped connection', 'drop' as const],
    ])('first key answers %s → the second serves', async (_name, behavior) => {
      const first = openaiKey();
      const second = openaiKey();
      const { token, keyIds, tokenId } = await owner([first, second]);
      world.fake.setBehavior(first, behavior);
      const response = await post('/v1/chat/completions', token, chatBody());
      expect(response.status).toBe(200);
      expect(response.headers.get('x-byok-key-id')).toBe(keyIds[1]);
      const { choices } = (await response.json()) as { choices: { message: { content: string } }[] };
      expect(choices[0]?.message.content).toBe('Hello from the fake provider.');
      const rows = await usageOf(world.system, tokenId);
      expect(rows.map((r) => [r.key_id, r.success])).toEqual([[keyIds[1], true]]);
      if (typeof behavior === 'object') {
        const details = await world.system.manager.getKeyDetails(keyIds[0] as string);
        const parkedFor = (details?.cooldownUntil?.getTime() ?? 0) - Date.now();
        // Retry-After: 7 → parked about 7 s through the existing cooldowns.
        expect(parkedFor).toBeGreaterThan(5000);
        expect(parkedFor).toBeLessThan(8000);
      }
    });

    it('does not retry once the first chunk reached the client', async () => {
      const first = openaiKey();
      const second = openaiKey();
      const { token, tokenId, keyIds } = await owner([first, second]);
      world.fake.setBehavior(first, { kind: 'stream', intervalMs: 5, chunks: 5, breakAfter: 2 });
      world.fake.clear();
      const response = await post('/v1/chat/completions', token, chatBody({ stream: true }));
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow();
      const calls = world.fake.requests.filter((r) => r.path.endsWith('/chat/completions'));
      expect(calls).toHaveLength(1);
      const rows = await usageOf(world.system, tokenId);
      expect(rows.map((r) => [r.key_id, r.success])).toEqual([[keyIds[0], false]]);
    });

    it('answers the last upstream status with our code when every key failed', async () => {
      const { token } = await owner([openaiKey('outage'), openaiKey('outage')]);
      const response = await post('/v1/chat/completions', token, chatBody());
      expect(response.status).toBe(503);
      expect((await errorOf(response)).code).toBe('PROVIDER_UNAVAILABLE');
      expect(response.headers.get('x-byok-error-code')).toBe('PROVIDER_UNAVAILABLE');
    });
  });

  describe('gateway.limits', () => {
    it('50 concurrent requests against a budget for 10 forward at most 10 (+1 per instance)', async () => {
      const cost = world.chatCostUsd;
      const secret = openaiKey();
      const { token, tokenId } = await owner([secret], { monthlyBudgetUsd: cost * 10 });
      world.fake.clear();
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => post('/v1/chat/completions', token, chatBody())),
      );
      const statuses = answers.map((r) => r.status);
      const forwarded = world.fake.requests.filter(
        (r) => r.headers.authorization === `Bearer ${secret}`,
      ).length;
      expect(forwarded).toBeGreaterThanOrEqual(10);
      expect(forwarded).toBeLessThanOrEqual(11);
      expect(statuses.filter((s) => s === 200)).toHaveLength(forwarded);
      const refused = answers.filter((r) => r.status === 429);
      expect(refused).toHaveLength(50 - forwarded);
      expect((await errorOf(refused[0] as Response)).code).toBe('BUDGET_EXCEEDED');
      const rows = await usageOf(world.system, tokenId);
      expect(rows).toHaveLength(forwarded);
    });

    it('refuses the request past the per-minute limit with 429 RATE_LIMITED and Retry-After', async () => {
      const { token } = await owner([openaiKey()], { requestsPerMinute: 3 });
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await post('/v1/chat/completions', token, chatBody());
        statuses.push(last.status);
        if (last.status === 200) await last.arrayBuffer();
      }
      // A minute boundary between the calls would reset the window: accept one more success then.
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[3]).toBe(429);
      expect((await errorOf(last as Response)).code).toBe('RATE_LIMITED');
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });

  describe('gateway.streaming', () => {
    // A 5 ms bound on a 2-core runner shared with another test worker: one scheduling hiccup can
    // exceed it, so a failed measurement is taken again (up to twice) before the test fails.
    it('passes chunks through at the pace the upstream sends them (one every 50 ms, within 5 ms)', {
      retry: 2,
    }, async () => {
      const secret = openaiKey();
      const { token } = await owner([secret]);
      // One streamed request first, so that first-use costs (module loading, JIT) stay out of the timing.
      await (await post('/v1/chat/completions', token, chatBody({ stream: true }))).text();
      world.fake.setBehavior(secret, { kind: 'stream', intervalMs: 50, chunks: 8 });
      world.fake.clear();
      const response = await post('/v1/chat/completions', token, chatBody({ stream: true }));
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      const arrivals: number[] = [];
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const now = performance.now();
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          arrivals.push(now);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
      // role chunk, 8 content chunks, finish, usage, [DONE]: every event but the first waits 50 ms.
      expect(arrivals).toHaveLength(12);
      // Compared with when the fake (same process, same clock) wrote each event: the pace the
      // upstream set, not the timer's own jitter on a busy machine.
      const written = world.fake.requests.find((r) => r.path.endsWith('/chat/completions'))?.writtenAt ?? [];
      expect(written).toHaveLength(12);
      const sent = written.slice(1).map((t, i) => t - (written[i] as number));
      // The first events ride with the response's start (the gateway's time to first byte, which the
      // bench measures on its own); the pace is the spacing of every event the upstream wrote after
      // the client already had the response's first bytes.
      const firstPaced = written.findIndex((t) => t > (arrivals[0] as number));
      expect(firstPaced).toBeGreaterThan(0);
      expect(firstPaced).toBeLessThan(6);
      for (let i = firstPaced; i < written.length; i++) {
        const gap = (arrivals[i] as number) - (arrivals[i - 1] as number);
        const upstreamGap = (written[i] as number) - (written[i - 1] as number);
        if (i > firstPaced) expect(Math.abs(gap - upstreamGap)).toBeLessThanOrEqual(5);
        // Each paced event reaches the client within 5 ms of being written.
        expect((arrivals[i] as number) - (written[i] as number)).toBeLessThanOrEqual(5);
      }
      for (const gap of sent) expect(gap).toBeGreaterThanOrEqual(49);
    });

    it('a client that goes away aborts the upstream request, and the usage so far is recorded', async () => {
      const secret = openaiKey();
      const { token, tokenId } = await owner([secret]);
      world.fake.setBehavior(secret, { kind: 'stream', intervalMs: 40, chunks: 50 });
      world.fake.clear();
      const response = await post('/v1/chat/completions', token, chatBody({ stream: true }), {});
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await reader.read();
      await reader.cancel();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const upstream = world.fake.requests.find((r) => r.path.endsWith('/chat/completions'));
      expect(upstream?.closedEarly).toBe(true);
      const rows = await usageOf(world.system, tokenId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ success: false, status_code: 200 });
    });
  });

  describe('gateway.metrics', () => {
    it('counts requests by provider and status, and exposes TTFB, overhead and the writer queue', async () => {
      const { token } = await owner([openaiKey()]);
      expect((await post('/v1/chat/completions', token, chatBody())).status).toBe(200);
      const text = await world.system.metrics.registry.metrics();
      expect(text).toMatch(/byok_gateway_requests_total\{provider="openai",status="200"\} [1-9]/);
      expect(text).toMatch(/byok_gateway_ttfb_seconds_count\{provider="openai"\} [1-9]/);
      expect(text).toMatch(/byok_gateway_overhead_seconds_count [1-9]/);
      expect(text).toMatch(/byok_usage_writer_queue_depth \d+/);
      expect(text).not.toContain(token);
    });
  });
});
