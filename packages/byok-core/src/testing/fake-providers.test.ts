import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderType } from '../providers/types.js';
import { FAKE_USAGE, type FakeProviders, startFakeProviders } from './fake-providers.js';

const SID = `AC${'1234567890abcdef'.repeat(2)}`;
const OTHER_SID = `AC${'fedcba0987654321'.repeat(2)}`;
const TOKEN = 'tok'.repeat(8);
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const KEYS = {
  openai: 'sk-test-fake-abcdefghijklmnop',
  anthropic: 'sk-ant-api03-fake-abcdefghijklmnop',
  gemini: 'AIzaSyFakeAbcdefghijklmnopqrstuvwx',
  deepseek: 'sk-fake0123456789abcdef',
  openrouter: 'sk-or-v1-fake0123456789abcdef',
  deepgram: 'fake0123456789abcdef0123456789',
} as const;

let fake: FakeProviders;

beforeAll(async () => {
  fake = await startFakeProviders();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.clear());

async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${fake.url}${path}`, init);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('startFakeProviders', () => {
  it('listens on 127.0.0.1 and gives one base URL per provider', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(fake.baseUrls).sort()).toEqual(Object.values(ProviderType).sort());
    expect(fake.baseUrls.openai).toBe(`${fake.url}/openai`);
  });

  it('records requests with provider, method, path, headers and body, and clear() forgets them', async () => {
    await call('/openai/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.openai}`, 'content-type': 'application/json' },
      body: '{"model":"gpt-6-luna","messages":[]}',
    });
    expect(fake.requests).toEqual([
      expect.objectContaining({
        provider: 'openai',
        method: 'POST',
        path: '/openai/chat/completions',
        body: '{"model":"gpt-6-luna","messages":[]}',
        headers: expect.objectContaining({ authorization: `Bearer ${KEYS.openai}` }),
      }),
    ]);
    fake.clear();
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 404 for an unknown provider prefix', async () => {
    const result = await call('/acme/models');
    expect(result.status).toBe(404);
    expect(fake.requests[0]?.provider).toBeUndefined();
  });
});

describe('authentication like the real providers', () => {
  it.each([
    ['openai', '/openai/models', {}, 401, { error: expect.objectContaining({ code: null }) }],
    ['openai wrong scheme', '/openai/models', { authorization: `Token ${KEYS.openai}` }, 401, {}],
    [
      'anthropic without x-api-key',
      '/anthropic/v1/models',
      { authorization: `Bearer ${KEYS.anthropic}`, 'anthropic-version': '2023-06-01' },
      401,
      { type: 'error', error: expect.objectContaining({ type: 'authentication_error' }) },
    ],
    [
      'anthropic without anthropic-version',
      '/anthropic/v1/models',
      { 'x-api-key': KEYS.anthropic },
      400,
      { error: expect.objectContaining({ type: 'invalid_request_error' }) },
    ],
    [
      'gemini without key',
      '/gemini/v1beta/models',
      {},
      403,
      { error: expect.objectContaining({ status: 'PERMISSION_DENIED' }) },
    ],
    [
      'gemini with a bearer API key',
      '/gemini/v1beta/models',
      { authorization: `Bearer ${KEYS.gemini}` },
      401,
      { error: expect.objectContaining({ status: 'UNAUTHENTICATED' }) },
    ],
    [
      'deepseek',
      '/deepseek/user/balance',
      {},
      401,
      { error: expect.objectContaining({ type: 'authentication_error' }) },
    ],
    ['openrouter', '/openrouter/key', {}, 401, { error: expect.objectContaining({ code: 401 }) }],
    [
      'deepgram with Bearer instead of Token',
      '/deepgram/projects',
      { authorization: `Bearer ${KEYS.deepgram}` },
      401,
      { err_code: 'INVALID_AUTH' },
    ],
    ['twilio', `/twilio/Accounts/${SID}.json`, {}, 401, { code: 20003, status: 401 }],
    [
      'twilio token of another account',
      `/twilio/Accounts/${SID}.json`,
      { authorization: basic(OTHER_SID, TOKEN) },
      401,
      { code: 20003 },
    ],
  ])('%s → %s', async (_name, path, headers, status, body) => {
    const result = await call(path, { headers });
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject(body);
  });

  it('answers a malformed key like an invalid one', async () => {
    const result = await call('/openai/models', { headers: { authorization: 'Bearer sk-x' } });
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('accepts Gemini keys in ?key= like the real API (the library never sends it there)', async () => {
    const result = await call(`/gemini/v1beta/models?key=${KEYS.gemini}`);
    expect(result.status).toBe(200);
  });

  it('accepts a Twilio API key (SK…) with its secret', async () => {
    const result = await call(`/twilio/Accounts/${SID}.json`, {
      headers: { authorization: basic(`SK${'ab'.repeat(16)}`, 'S'.repeat(32)) },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ sid: SID, status: 'active' });
  });
});

describe('usage-bearing success answers', () => {
  const { promptTokens, completionTokens, cachedTokens } = FAKE_USAGE.chat;

  it.each([
    ['openai', '/openai/chat/completions', KEYS.openai],
    ['deepseek', '/deepseek/chat/completions', KEYS.deepseek],
    ['openrouter', '/openrouter/chat/completions', KEYS.openrouter],
  ])('%s chat completion reports usage', async (provider, path, key) => {
    const result = await call(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm-1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(result.status).toBe(200);
    expect(result.body.model).toBe('m-1');
    expect(result.body.usage).toMatchObject({
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens },
    });
    if (provider === 'openrouter')
      expect(result.body.usage).toMatchObject({ cost: FAKE_USAGE.openrouterCost });
    if (provider === 'deepseek') {
      expect(result.body.usage).toMatchObject({
        prompt_cache_hit_tokens: cachedTokens,
        prompt_cache_miss_tokens: promptTokens - cachedTokens,
      });
    }
  });

  it('anthropic messages report input/output tokens', async () => {
    const result = await call('/anthropic/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': KEYS.anthropic, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-5-5', max_tokens: 10, messages: [] }),
    });
    expect(result.status).toBe(200);
    expect(result.body.usage).toMatchObject({
      input_tokens: FAKE_USAGE.anthropic.inputTokens,
      output_tokens: FAKE_USAGE.anthropic.outputTokens,
    });
  });

  it('gemini generateContent reports usageMetadata', async () => {
    const result = await call('/gemini/v1beta/models/gemini-3.8-flash:generateContent', {
      method: 'POST',
      headers: { 'x-goog-api-key': KEYS.gemini },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
    });
    expect(result.status).toBe(200);
    expect(result.body.usageMetadata).toMatchObject({
      promptTokenCount: FAKE_USAGE.gemini.promptTokenCount,
      candidatesTokenCount: FAKE_USAGE.gemini.candidatesTokenCount,
      totalTokenCount:
        FAKE_USAGE.gemini.promptTokenCount +
        FAKE_USAGE.gemini.candidatesTokenCount +
        FAKE_USAGE.gemini.thoughtsTokenCount,
    });
  });

  it('deepgram listen reports metadata.duration', async () => {
    const result = await call('/deepgram/listen?model=nova-3', {
      method: 'POST',
      headers: { authorization: `Token ${KEYS.deepgram}`, 'content-type': 'audio/wav' },
      body: 'RIFF....',
    });
    expect(result.status).toBe(200);
    expect(result.body.metadata).toMatchObject({ duration: FAKE_USAGE.deepgram.duration, channels: 1 });
  });

  it.each([
    [
      'Calls.json',
      { price: FAKE_USAGE.twilioCall.price, price_unit: 'USD', duration: FAKE_USAGE.twilioCall.duration },
    ],
    [
      'Messages.json',
      { price: FAKE_USAGE.twilioMessage.price, num_segments: FAKE_USAGE.twilioMessage.numSegments },
    ],
  ])('twilio %s reports price', async (resource, expected) => {
    const result = await call(`/twilio/Accounts/${SID}/${resource}`, {
      method: 'POST',
      headers: { authorization: basic(SID, TOKEN), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'To=%2B15005550006&From=%2B15005550001',
    });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ account_sid: SID, ...expected });
  });
});

describe('behaviour per key', () => {
  it('setBehavior overrides the default and can be reset to ok', async () => {
    const key = 'sk-test-switch-abcdefghijkl';
    const headers = { authorization: `Bearer ${key}` };
    fake.setBehavior(key, 'billing');
    expect((await call('/openai/models', { headers })).status).toBe(429);
    fake.setBehavior(key, 'outage');
    expect((await call('/openai/models', { headers })).status).toBe(503);
    fake.setBehavior(key, 'ok');
    expect((await call('/openai/models', { headers })).status).toBe(200);
  });

  it('keys with markers behave without setup, on usage calls too', async () => {
    const result = await call('/anthropic/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-api03-billing-abcdefgh', 'anthropic-version': '2023-06-01' },
      body: '{}',
    });
    expect(result.status).toBe(402);
    expect(result.body).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    expect(result.body.request_id).toEqual(expect.any(String));
  });

  it('rate limits carry the real hints (Anthropic retry-after, Gemini RetryInfo)', async () => {
    const anthropic = await call('/anthropic/v1/models', {
      headers: { 'x-api-key': 'sk-ant-api03-ratelimit-abcdefgh', 'anthropic-version': '2023-06-01' },
    });
    expect(anthropic.status).toBe(429);
    expect(anthropic.headers.get('retry-after')).toBe('2');
    expect(anthropic.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');

    fake.setBehavior(KEYS.gemini, { kind: 'rate_limited', retryAfterSeconds: 58 });
    const gemini = await call('/gemini/v1beta/models', { headers: { 'x-goog-api-key': KEYS.gemini } });
    fake.setBehavior(KEYS.gemini, 'ok');
    expect(gemini.status).toBe(429);
    expect(JSON.stringify(gemini.body)).toContain('"retryDelay":"58s"');
  });

  it('options.behaviors presets behaviours; a Twilio behaviour can be keyed by the SID', async () => {
    const other = await startFakeProviders({ behaviors: { [OTHER_SID]: 'outage' } });
    try {
      const response = await fetch(`${other.url}/twilio/Accounts/${OTHER_SID}.json`, {
        headers: { authorization: basic(OTHER_SID, TOKEN) },
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 20503 });
    } finally {
      await other.close();
    }
  });

  it('close() ends hanging requests and returns promptly', async () => {
    const other = await startFakeProviders();
    const pending = fetch(`${other.url}/openai/models`, {
      headers: { authorization: 'Bearer sk-test-hang-abcdefghijkl' },
    }).then(
      () => 'answered',
      () => 'failed',
    );
    // Let the request reach the server before closing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(other.requests).toHaveLength(1);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toBe('failed');
  });
});
