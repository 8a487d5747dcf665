/**
 * Fuzzing every route of `/api/openapi.json` (read at test time, so a new route is fuzzed too) with
 * fast-check: malformed JSON, wrong types, huge and deep values, unicode, NUL and lone surrogates,
 * `__proto__`/`constructor` keys, path traversal in path parameters, odd query strings and headers.
 * Most requests go straight into the fetch handler (Request → Response); a share goes through the
 * Node HTTP server. Asserts: no 5xx, every 4xx in the error shape, the service alive afterwards,
 * heap growth bounded. `FUZZ_SEED` and `FUZZ_RUNS` reproduce or lengthen a run; the seed is printed.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  anthropicKey,
  createHttpFixture,
  type HttpFixture,
  openaiKey,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** Requests sent through the real Node server, on top of the in-process ones. */
const SERVER_RUNS = Math.max(200, Math.floor(RUNS / 10));
/** Heap growth allowed over the whole run (PGlite keeps what the accepted writes stored). */
const HEAP_GROWTH_LIMIT_MB = 256;

interface Operation {
  method: string;
  template: string;
  pathParams: string[];
  queryParams: string[];
  /** Property names of the JSON body schema, with the enum values the schema allows. */
  body?: { properties: Record<string, unknown[]> };
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface World {
  token: string;
  userId: string;
  keyId: string;
  workspaceId: string;
  workspaceKeyId: string;
  alertId: string;
  memberId: string;
}

type Schema = { $ref?: string; properties?: Record<string, Schema>; enum?: unknown[]; items?: Schema };

/** Reads the operations of the OpenAPI document: path and query parameters, body property names. */
function operationsOf(document: {
  paths: Record<
    string,
    Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>
  >;
  components: { schemas: Record<string, Schema> };
}): Operation[] {
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? document.components.schemas[schema.$ref.split('/').at(-1) as string] : schema;
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = op.parameters ?? [];
      const bodySchema = resolve(
        (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.[
          'application/json'
        ]?.schema,
      );
      const properties: Record<string, unknown[]> = {};
      for (const [name, property] of Object.entries(bodySchema?.properties ?? {})) {
        const resolved = resolve(property);
        properties[name] = resolved?.enum ?? resolve(resolved?.items)?.enum ?? [];
      }
      operations.push({
        method: method.toUpperCase(),
        template,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        ...(bodySchema ? { body: { properties } } : {}),
      });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/**
 * Percent-encodes every code point as UTF-8, lone surrogates included (as the invalid bytes
 * `%ED%A0%80`…, which `encodeURIComponent` refuses to write): what a hostile client can send.
 */
function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    if (/^[A-Za-z0-9\-_.~]$/.test(char)) {
      out += char;
      continue;
    }
    const cp = char.codePointAt(0) as number;
    const bytes =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

const nasty = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ud83d',
  '\ufffd',
  '💥🚀',
  'é\u0301',
  '\u202e',
  '..',
  '../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '%ED%A0%80',
  '%',
  '%zz',
  '__proto__',
  'constructor',
  'prototype',
  "' OR 1=1 --",
  '\u0024{jndi:ldap://x}',
  '<script>',
  ' ',
  '',
  '\t\n',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
);
const hugeString = fc.integer({ min: 256, max: 70_000 }).map((n) => 'A'.repeat(n));
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 4, arbitrary: nasty },
  { weight: 1, arbitrary: hugeString },
);
const specialKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '',
  '\u0000',
  '\ud800',
  'toString',
);

/** Any JSON-ish value, wrong types included. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), specialKey), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** `depth` levels of arrays or objects around a value. */
const deep = fc
  .tuple(fc.integer({ min: 20, max: 5000 }), fc.boolean())
  .map(([depth, objects]) =>
    objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : '['.repeat(depth) + ']'.repeat(depth),
  );

function bodyFor(op: Operation, world: World): fc.Arbitrary<string | undefined> {
  const properties = op.body?.properties ?? {};
  const names = Object.keys(properties);
  const validish = (name: string): fc.Arbitrary<unknown> => {
    const allowed = properties[name] ?? [];
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 10_000 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
    );
    const known: Record<string, fc.Arbitrary<unknown>> = {
      thresholdValue: amount,
      inputTokens: amount,
      outputTokens: amount,
      costUsd: amount,
      priority: amount,
      model: fc.constantFrom('gpt-4o', 'claude-sonnet-4', 'x'),
      name: fc.oneof(fc.constant('fuzz'), text),
      keyData: fc.record({ apiKey: fc.oneof(fc.constant(openaiKey()), text) }),
      keyIds: fc.array(fc.constantFrom(world.keyId, world.workspaceKeyId, 'key_x'), { maxLength: 3 }),
      userId: fc.oneof(fc.constant(uid()), text),
      webhookUrl: fc.oneof(
        fc.constantFrom(
          'https://hooks.example.com/x',
          'http://[::ffff:127.0.0.1]:1/',
          'http://LOCALHOST./',
          'http://0x7f.1/',
          'http://[fec0::1]/',
        ),
        fc.webUrl(),
        text,
      ),
    };
    // Mostly plausible values, so that requests get past validation into the services.
    return fc.oneof(
      { weight: 4, arbitrary: allowed.length > 0 ? fc.constantFrom(...allowed) : (known[name] ?? text) },
      { weight: 1, arbitrary: anyValue },
    );
  };
  const objectBody =
    names.length > 0
      ? fc
          .tuple(
            fc
              .oneof(
                { weight: 2, arbitrary: fc.constant(names) },
                { weight: 1, arbitrary: fc.subarray(names) },
              )
              .chain((chosen) =>
                fc.tuple(...chosen.map((name) => validish(name).map((value) => [name, value] as const))),
              ),
            fc.oneof(
              { weight: 3, arbitrary: fc.constant([] as (readonly [string, unknown])[]) },
              {
                weight: 1,
                arbitrary: fc.array(fc.tuple(fc.oneof(specialKey, fc.string({ maxLength: 8 })), anyValue), {
                  maxLength: 2,
                }),
              },
            ),
          )
          .map(([fields, extra]) => {
            const entries = [...fields, ...extra].map(
              ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`,
            );
            // Written as text so that `__proto__` stays an own key, as a client would send it.
            return `{${entries.join(',')}}`;
          })
      : fc.constant('{}');
  return fc.oneof(
    { weight: 6, arbitrary: objectBody },
    { weight: 2, arbitrary: anyValue.map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: objectBody.map((json) => json.slice(0, Math.max(1, json.length - 1))) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function pathValue(name: string, world: World): fc.Arbitrary<string> {
  const real: Record<string, string[]> = {
    id: [world.keyId, world.workspaceId, world.alertId],
    keyId: [world.workspaceKeyId, world.keyId],
    userId: [world.memberId, world.userId],
    provider: ['openai', 'anthropic', 'OPENAI'],
  };
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(real[name] ?? ['x'])).map(percentEncode) },
    { weight: 2, arbitrary: text.map(percentEncode) },
    { weight: 2, arbitrary: nasty },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2e%2e', '..%2F..%2Fadmin', '%2F', '..;', '') },
  );
}

const queryString = (op: Operation): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    {
      weight: 4,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(...op.queryParams, 'x', '__proto__', 'constructor'),
              fc.string({ maxLength: 6 }),
            ),
            fc.oneof(
              text.map(percentEncode),
              nasty,
              fc.constantFrom('1', '0', '-1', '99999999999', 'openai'),
            ),
          ),
          { maxLength: 4 },
        )
        .map((pairs) => `?${pairs.map(([k, v]) => `${percentEncode(k)}=${v}`).join('&')}`),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((raw) => `?${raw}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('?&&&', '?a=1&a=2&a=3', '?=', '?%', '?a=%E0%A4', '?limit=1&limit=abc'),
    },
  );

function requestFor(op: Operation, world: World): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      params: fc.tuple(...op.pathParams.map((name) => pathValue(name, world))),
      query: queryString(op),
      body: op.body
        ? bodyFor(op, world)
        : fc.oneof(fc.constant(undefined), fc.constant(undefined), bodyFor(op, world)),
      auth: fc.oneof(
        { weight: 12, arbitrary: fc.constant({ authorization: `Bearer ${world.token}` }) },
        { weight: 1, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: text.map((value) => ({ authorization: `Bearer ${value}` })) },
        {
          weight: 1,
          arbitrary: fc
            .oneof(fc.constant(world.userId), fc.string({ maxLength: 20 }))
            .map((who) => ({ authorization: `Bearer ${ADMIN_TOKEN}`, 'x-byok-user-id': who })),
        },
      ),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/vnd.api+json',
        '',
      ),
      requestId: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 140 })),
    })
    .map(({ params, query, body, auth, contentType, requestId }) => {
      let path = op.template;
      op.pathParams.forEach((name, i) => {
        path = path.replace(`{${name}}`, params[i] as string);
      });
      const headers: Record<string, string> = { ...auth };
      if (body !== undefined && contentType) headers['content-type'] = contentType;
      if (requestId !== undefined) headers['x-request-id'] = requestId;
      return {
        method: op.method,
        path: `${path}${query}`,
        headers: toByteStrings(headers),
        ...(body === undefined ? {} : { body }),
      };
    });
}

/** Header values as HTTP can carry them: Latin-1, no CR, LF or NUL (anything else cannot be sent). */
function toByteStrings(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value.replace(/[^\x20-\x7e\x80-\xff\t]/g, '?').trim(),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// Checks

interface Outcome {
  status: number;
  body: string;
}

const statusCounts = new Map<number, number>();
/** Every failed check of the run (all of them, not only the first, so one run shows every bug). */
const failures: string[] = [];
let sent = 0;

/**
 * Node's HTTP parser answers a request line or headers past 16 KiB with a bare 431 before any of
 * our code runs; that answer is Node's, not the API's, so it is not held to the error shape.
 */
const NODE_PARSER_STATUSES = new Set([431]);

function check(request: FuzzRequest, outcome: Outcome, wire = false): void {
  sent++;
  statusCounts.set(outcome.status, (statusCounts.get(outcome.status) ?? 0) + 1);
  const where = `${request.method} ${request.path.slice(0, 200)} → ${outcome.status} ${outcome.body.slice(0, 300)}`;
  if (outcome.status >= 500) return void failures.push(`5xx: ${where}`);
  const headBytes = Object.entries(request.headers).reduce(
    (sum, [k, v]) => sum + k.length + v.length + 4,
    request.path.length,
  );
  if (wire && NODE_PARSER_STATUSES.has(outcome.status) && headBytes > 16_000) return;
  if (outcome.status >= 400) {
    let json: unknown;
    try {
      json = JSON.parse(outcome.body);
    } catch {
      return void failures.push(`4xx without a JSON body: ${where}`);
    }
    const error = (json as { error?: Record<string, unknown> }).error;
    const shaped =
      error !== undefined &&
      Object.keys(json as object).length === 1 &&
      ['code,message,requestId', 'code,details,message,requestId'].includes(
        Object.keys(error).sort().join(),
      ) &&
      (error.details === undefined || (typeof error.details === 'object' && error.details !== null)) &&
      typeof error.code === 'string' &&
      /^[A-Z_]+$/.test(error.code) &&
      typeof error.message === 'string' &&
      typeof error.requestId === 'string';
    if (!shaped) failures.push(`4xx not in the error shape: ${where}`);
  }
}

const toRequest = (base: string, fuzz: FuzzRequest): Request =>
  new Request(`${base}${fuzz.path}`, {
    method: fuzz.method,
    headers: fuzz.headers,
    ...(fuzz.body !== undefined && fuzz.method !== 'GET' ? { body: fuzz.body } : {}),
  });

describe('HTTP fuzz over every OpenAPI route', () => {
  let fake: FakeProviders;
  let fx: HttpFixture;
  let world: World;
  let operations: Operation[];
  let server: ReturnType<typeof serve>;
  let serverUrl: string;

  beforeAll(async () => {
    fake = await startFakeProviders();
    fx = await createHttpFixture({
      rateLimit: false,
      systemOptions: {
        providers: Object.fromEntries(
          Object.entries(fake.baseUrls).map(([id, baseUrl]) => [id, { baseUrl }]),
        ),
        validation: { timeout: 2000 },
      },
    });
    const userId = uid();
    const token = await tokenFor(userId);
    const key = await fx.call('POST', '/api/keys', {
      token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    const workspace = await fx.call('POST', '/api/workspaces', { token, body: { name: 'fuzz' } });
    const workspaceId = workspace.json.workspace.id as string;
    const memberId = uid();
    await fx.call('POST', `/api/workspaces/${workspaceId}/members`, {
      token,
      body: { userId: memberId, role: 'member' },
    });
    const workspaceKey = await fx.call('POST', `/api/workspaces/${workspaceId}/ai-providers`, {
      token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    const alert = await fx.call('POST', '/api/alerts', {
      token,
      body: {
        alertType: 'cost',
        thresholdValue: 5,
        thresholdPeriod: 'monthly',
        notificationChannels: ['webhook'],
        webhookUrl: 'https://hooks.example.com/fuzz',
      },
    });
    world = {
      token,
      userId,
      keyId: key.json.key.id,
      workspaceId,
      workspaceKeyId: workspaceKey.json.key.id,
      alertId: alert.json.alert.id,
      memberId,
    };
    for (const value of Object.values(world)) expect(value).toEqual(expect.any(String));
    operations = operationsOf((await fx.call('GET', '/api/openapi.json')).json);
    server = serve({ fetch: (request) => fx.handler(request), port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await fx?.close();
    await fake?.close();
  });

  it('reads every route from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
    expect(operations.some((op) => op.template.includes('{keyId}'))).toBe(true);
  });

  it(`answers ${RUNS} in-process and ${SERVER_RUNS} over-the-wire fuzzed requests without a 5xx`, async () => {
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    const anyRequest = fc.constantFrom(...operations).chain((op) => requestFor(op, world));
    console.log(`http-fuzz: seed ${SEED}, ${RUNS} + ${SERVER_RUNS} runs (FUZZ_SEED=${SEED} to reproduce)`);

    await fc.assert(
      fc.asyncProperty(anyRequest, async (fuzz) => {
        const response = await fx.handler(toRequest('http://127.0.0.1', fuzz));
        check(fuzz, { status: response.status, body: await response.text() });
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    await fc.assert(
      fc.asyncProperty(anyRequest, async (fuzz) => {
        const response = await fetch(toRequest(serverUrl, fuzz));
        check(fuzz, { status: response.status, body: await response.text() }, true);
      }),
      { seed: SEED + 1, numRuns: SERVER_RUNS, endOnFailure: true },
    );

    const seconds = (performance.now() - started) / 1000;
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    const statuses = [...statusCounts.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    console.log(
      `http-fuzz: ${sent} requests in ${seconds.toFixed(1)} s; heap growth ${heapGrowthMb.toFixed(1)} MB; ${statuses.join(' ')}`,
    );
    expect(failures.slice(0, 20), `${failures.length} failed requests (seed ${SEED})`).toEqual([]);
    expect(sent).toBe(RUNS + SERVER_RUNS);
    expect(heapGrowthMb).toBeLessThan(HEAP_GROWTH_LIMIT_MB);

    // Still alive: a normal request works, in process and over the wire.
    const me = await fx.call('GET', '/api/me', { token: world.token });
    expect(me.status).toBe(200);
    const wire = await fetch(`${serverUrl}/api/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'anthropic',
        keyData: { apiKey: anthropicKey() },
      }),
    });
    expect(wire.status, await wire.clone().text()).toBe(201);
    const { key } = (await wire.json()) as { key: { id: string } };
    expect((await fx.call('GET', `/api/keys/${key.id}`, { token: world.token })).status).toBe(200);
  }, 600_000);
});
