import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId } from '../../test/backends.js';
import { openFakeSystem } from '../../test/fake-manager.js';
import { validationAndFallbackSettingsFromEnv } from '../config/validation-fallback-env.js';
import type { BYOKSystem } from '../create-byok.js';
import { SYSTEM_KEY_ENV, systemKeyFor } from '../fallback/system-keys.js';
import { GATEWAY_PROVIDERS, routeModel } from '../gateway/routing.js';
import { openAICompatibleBase } from '../gateway/upstream.js';
import { createBYOKAIIntegration } from '../integrations/index.js';
import { FAKE_USAGE, type FakeProviders } from '../testing/index.js';
import { findModelPrice, priceUsage } from '../usage/pricing.js';
import { getProvider, listProviders, maskKeyData, ProviderType, parseKeyData } from './index.js';

/** The providers added as "one file each" (plus their fake and price rows). */
const ADDED = [
  { id: ProviderType.MISTRAL, apiKey: 'Mx7pQ2rT9vW4yZ1aB3cD5eF7gH9jK1mN', model: 'mistral-medium-latest' },
  { id: ProviderType.GROQ, apiKey: `gsk_${'Gq4'.repeat(17)}x`, model: 'llama-3.3-70b-versatile' },
  { id: ProviderType.XAI, apiKey: `xai-${'Xa9'.repeat(26)}zz`, model: 'grok-4.3' },
] as const;

const REPO = join(import.meta.dirname, '../../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    // Generated files (the UI's API types, from the OpenAPI document) follow the definition by themselves.
    return /\.(ts|tsx|json|sql)$/.test(name) && !/\.(test|gen)\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('adding an OpenAI-compatible provider is one file', () => {
  it('no source file outside providers/, testing/fakes/ and the price table names an added provider', () => {
    const roots = ['packages', 'apps'].flatMap((top) =>
      readdirSync(join(REPO, top)).map((name) => join(REPO, top, name, 'src')),
    );
    const allowed = [
      'packages/byok-core/src/providers/',
      'packages/byok-core/src/testing/fakes/',
      'packages/byok-core/src/usage/price-table.json',
    ];
    const names = new RegExp(`\\b(?:${ADDED.map((p) => p.id).join('|')})\\b`, 'i');
    const mentioning = roots
      .filter((root) => statSync(root, { throwIfNoEntry: false })?.isDirectory())
      .flatMap(sourceFiles)
      .map((path) => relative(REPO, path).split('\\').join('/'))
      .filter((path) => !allowed.some((prefix) => path.startsWith(prefix)))
      .filter((path) => names.test(readFileSync(join(REPO, path), 'utf8')));
    expect(mentioning).toEqual([]);
  });
});

describe.each(ADDED)('$id from its definition alone', ({ id, apiKey, model }) => {
  const definition = getProvider(id);

  it('parses and masks a key, and refuses one that cannot be this provider’s', () => {
    expect(parseKeyData(id, { apiKey: ` ${apiKey} ` })).toEqual({ apiKey });
    expect(maskKeyData(id, { apiKey })).toMatch(new RegExp(`…${apiKey.slice(-4)}$`));
    expect(() => parseKeyData(id, { apiKey: 'has spaces inside it 12345' })).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_FORMAT' }),
    );
  });

  it('validates with GET {base}/models and a bearer key', () => {
    const request = definition.buildValidationRequest({ apiKey }, definition.defaultBaseUrl);
    expect(request).toMatchObject({ method: 'GET', url: `${definition.defaultBaseUrl}/models` });
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('has a system-key variable, a gateway route, an OpenAI-compatible base and priced models', () => {
    const variable = SYSTEM_KEY_ENV[id].apiKey;
    expect(variable).toBe(`SYSTEM_${id.toUpperCase()}_KEY`);
    const { fallback } = validationAndFallbackSettingsFromEnv({ [variable as string]: apiKey });
    expect(systemKeyFor(id, undefined, fallback.systemKeys)).toEqual({
      kind: 'ok',
      keyData: { apiKey },
      source: 'env',
    });
    expect(GATEWAY_PROVIDERS).toContain(id);
    expect(routeModel(`${id}/${model}`)).toEqual({ provider: id, model, requested: `${id}/${model}` });
    expect(openAICompatibleBase(id)).toBe(definition.defaultBaseUrl);
    expect(findModelPrice(id, model)?.price.input).toBeGreaterThan(0);
  });
});

describe('every provider keeps its system-key variables', () => {
  it('reads the same SYSTEM_* names as before the definitions carried them', () => {
    expect(SYSTEM_KEY_ENV).toMatchObject({
      openai: { apiKey: 'SYSTEM_OPENAI_KEY' },
      anthropic: { apiKey: 'SYSTEM_ANTHROPIC_KEY' },
      gemini: { apiKey: 'SYSTEM_GEMINI_KEY' },
      deepseek: { apiKey: 'SYSTEM_DEEPSEEK_KEY' },
      openrouter: { apiKey: 'SYSTEM_OPENROUTER_KEY' },
      deepgram: { apiKey: 'SYSTEM_DEEPGRAM_KEY' },
      twilio: { accountSid: 'SYSTEM_TWILIO_ACCOUNT_SID', authToken: 'SYSTEM_TWILIO_AUTH_TOKEN' },
    });
    expect(Object.keys(SYSTEM_KEY_ENV).sort()).toEqual(
      listProviders()
        .map((p) => p.id)
        .sort(),
    );
  });
});

describe('added providers in the library: store, read back and validate against the fakes', () => {
  let db: PGlite;
  let fake: FakeProviders;
  let system: BYOKSystem;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, fake, system, close } = await openFakeSystem());
  });

  afterAll(() => close());

  it.each(ADDED)(
    '$id: addKey then getActiveKey returns the same credential; the row holds no plaintext',
    async ({ id, apiKey }) => {
      const userId = uniqueId();
      const keyId = await system.manager.addKey({ userId, provider: id, keyData: { apiKey } });
      const active = await system.manager.getActiveKey(userId, id);
      expect(active).toMatchObject({ id: keyId, provider: id, keyData: { apiKey } });
      const details = await system.manager.getKeyDetails(keyId);
      expect(details).toMatchObject({ provider: id, keyHint: maskKeyData(id, { apiKey }) });
      const rows = await db.query('SELECT * FROM byok.keys WHERE id = $1', [keyId]);
      expect(JSON.stringify(rows.rows)).not.toContain(apiKey);
    },
  );

  it.each(ADDED)(
    '$id: a stored key validates valid, invalid and rate limited by the fake’s answers',
    async ({ id, apiKey }) => {
      const userId = uniqueId();
      const suffix = apiKey.slice(-12);
      const prefix = getProvider(id).keyPrefixes[0] ?? '';
      const keyFor = (marker: string) => `${prefix}${marker}${uniqueId('k').replace('_', '')}${suffix}`;
      const store = (key: string) =>
        system.manager.addKey({ userId, provider: id, keyData: { apiKey: key } });

      const valid = await system.validator.testKey(await store(keyFor('ok')));
      expect(valid).toMatchObject({ provider: id, isValid: true, status: 'valid' });

      const invalid = await system.validator.testKey(await store(keyFor('invalid')));
      expect(invalid).toMatchObject({ isValid: false, status: 'invalid_key' });

      const limited = keyFor('ok');
      fake.setBehavior(limited, { kind: 'rate_limited', retryAfterSeconds: 5 });
      const rateLimited = await system.validator.testKey(await store(limited));
      expect(rateLimited).toMatchObject({ isValid: false, status: 'rate_limited', statusCode: 429 });
      for (const result of [valid, invalid, rateLimited])
        expect(JSON.stringify(result)).not.toContain(suffix);
      expect(fake.requests.filter((r) => r.path === `/${id}/models`).length).toBeGreaterThanOrEqual(3);
    },
  );

  it('the AI integration chats through each added provider with its OpenAI-compatible dialect, priced from its rows', async () => {
    const userId = uniqueId();
    for (const { id, apiKey } of ADDED) {
      await system.manager.addKey({ userId, provider: id, keyData: { apiKey } });
    }
    const config = await createBYOKAIIntegration(system.manager).configFactory.createConfigWithBYOK(userId);
    expect(Object.keys(config.providers)).toEqual(ADDED.map((p) => p.id));
    const chat = FAKE_USAGE.chat;
    for (const { id, apiKey, model } of ADDED) {
      fake.clear();
      const result = await config.providers[id]?.complete(
        { messages: [{ role: 'user', content: 'Hello!' }], model, maxTokens: 20 },
        { includeUsage: true },
      );
      expect(result?.text).toBe('Hello from the fake provider.');
      expect(result?.usage).toEqual({
        inputTokens: chat.promptTokens,
        outputTokens: chat.completionTokens,
        cachedTokens: chat.cachedTokens,
      });
      const [request] = fake.requests;
      expect(request).toMatchObject({ method: 'POST', path: `/${id}/chat/completions` });
      expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
      expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ model, max_tokens: 20 });
    }
    const rows = (
      await db.query<{ provider: string; model: string; cost_usd: string | null }>(
        'SELECT provider, model, cost_usd FROM byok.key_usage WHERE owner_id = $1 ORDER BY id',
        [userId],
      )
    ).rows;
    expect(rows.map((r) => r.provider)).toEqual(ADDED.map((p) => p.id));
    for (const row of rows) {
      const { costUsd } = priceUsage({
        provider: row.provider,
        model: row.model,
        inputTokens: chat.promptTokens,
        cachedTokens: chat.cachedTokens,
        outputTokens: chat.completionTokens,
      });
      expect(costUsd).toBeGreaterThan(0);
      expect(Number(row.cost_usd)).toBeCloseTo(costUsd as number, 12);
    }
  });
});
