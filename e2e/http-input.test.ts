/**
 * Ill-formed input is refused with 400 INVALID_INPUT before anything is stored: NUL bytes and lone
 * UTF-16 surrogates in paths, queries, JSON bodies (any string, any depth, keys too) and JWT
 * claims, percent-encoded or not; `__proto__`/`constructor` keys; deep nesting. A JWT subject
 * that differs from another only by a lone surrogate is refused, never folded into U+FFFD.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpFixture,
  expectError,
  type HttpFixture,
  openaiKey,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';
import { acceptedUserId } from '../packages/byok-core/src/adapters/user-id.js';

const TABLES = [
  'keys',
  'audit_log',
  'workspaces',
  'workspace_members',
  'usage_alerts',
  'fallback_chains',
  'key_usage',
];

let fx: HttpFixture;
let token: string;
let keyId: string;

async function storedRows(): Promise<number> {
  let total = 0;
  for (const table of TABLES) {
    const { rows } = await fx.system.database.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM byok.${table}`,
    );
    total += Number(rows[0]?.n);
  }
  return total;
}

beforeAll(async () => {
  fx = await createHttpFixture({ rateLimit: false });
  token = await tokenFor(uid());
  const created = await fx.call('POST', '/api/keys', {
    token,
    body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
  });
  expect(created.status, created.text).toBe(201);
  keyId = created.json.key.id;
});
afterAll(() => fx?.close());

const keyBody = (apiKey: string) => ({ provider: 'openai', keyData: { apiKey } });
/** A JSON text holding `\ud800` as an escape: JSON.stringify would write it the same way. */
const loneSurrogateJson = '{"provider":"openai","keyData":{"apiKey":"sk-proj-abc\\ud800def"}}';

describe('ill-formed input', () => {
  const cases: [string, string, string, { body?: unknown; rawBody?: string }?][] = [
    ['NUL in a path', 'GET', '/api/keys/key_abc%00def'],
    ['NUL in a path parameter of a write', 'PATCH', '/api/keys/%00', { body: { name: 'x' } }],
    ['an encoded lone surrogate in a path (invalid UTF-8)', 'GET', '/api/keys/key_%ED%A0%80'],
    ['a malformed percent-escape in a path', 'GET', '/api/workspaces/%E0%A4%A/members'],
    ['NUL in a query value', 'GET', '/api/audit?before=%00'],
    ['NUL in a query name', 'GET', '/api/keys?%00=1'],
    ['an encoded lone surrogate in a query', 'GET', '/api/keys?provider=%ED%B0%80'],
    ['__proto__ as a query name', 'GET', '/api/keys?__proto__=x'],
    ['NUL in a body string', 'POST', '/api/keys', { body: keyBody('sk-proj-abc\u0000def') }],
    ['a lone surrogate in a body string', 'POST', '/api/keys', { rawBody: loneSurrogateJson }],
    ['a lone low surrogate in a body string', 'POST', '/api/workspaces', { body: { name: 'team\udc00' } }],
    [
      'NUL in a nested key',
      'POST',
      '/api/keys',
      { body: { provider: 'openai', keyData: { apiKey: openaiKey(), 'x\u0000': 'y' } } },
    ],
    [
      'a lone surrogate deep in an array',
      'POST',
      '/api/fallback',
      { body: { providers: ['openai'], keys: [[[['\ud83d']]]] } },
    ],
    [
      'a __proto__ key',
      'POST',
      '/api/keys',
      {
        rawBody:
          '{"provider":"openai","keyData":{"apiKey":"sk-proj-1234567890abcdef","__proto__":{"polluted":"yes"}}}',
      },
    ],
    [
      'a constructor key',
      'POST',
      '/api/workspaces',
      { rawBody: '{"name":"t","constructor":{"prototype":1}}' },
    ],
    [
      'nesting 10,000 levels deep',
      'POST',
      '/api/workspaces',
      { rawBody: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
    ],
  ];

  it.each(cases)('refuses %s with 400 and stores nothing', async (_name, method, path, input = {}) => {
    const before = await storedRows();
    const res = await fx.call(method, path, {
      token,
      ...input,
      ...(input.rawBody ? { headers: { 'content-type': 'application/json' } } : {}),
    });
    expectError(res, 400, 'INVALID_INPUT');
    expect(await storedRows()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still serves the same routes with well-formed input (emoji, accents)', async () => {
    const res = await fx.call('POST', '/api/workspaces', { token, body: { name: 'équipe 🚀' } });
    expect(res.status, res.text).toBe(201);
    expect(res.json.workspace.name).toBe('équipe 🚀');
    expect((await fx.call('GET', `/api/keys/${keyId}`, { token })).status).toBe(200);
    expect((await fx.call('GET', '/api/keys?provider=openai', { token })).status).toBe(200);
  });
});

describe('JWT subjects', () => {
  it('refuses a subject with a lone surrogate (401) instead of folding it into U+FFFD', async () => {
    const victim = uid('victim');
    const victimToken = await tokenFor(victim);
    const stored = await fx.call('POST', '/api/keys', { token: victimToken, body: keyBody(openaiKey()) });
    expect(stored.status).toBe(201);

    for (const sub of [`${victim}\ud800`, `${victim}\udfff`, `\ud800${victim}`]) {
      const res = await fx.call('GET', '/api/keys', { token: await tokenFor(sub) });
      expectError(res, 401, 'UNAUTHENTICATED');
    }
    // The well-formed look-alike is another owner: it sees nothing of the victim's.
    const lookAlike = await tokenFor(`${victim}\ufffd`);
    const listed = await fx.call('GET', '/api/keys', { token: lookAlike });
    expect(listed.status).toBe(200);
    expect(listed.json.keys).toEqual([]);
    expectError(
      await fx.call('GET', `/api/keys/${stored.json.key.id}`, { token: lookAlike }),
      404,
      'KEY_NOT_FOUND',
    );
  });

  it('stores no row for a surrogate subject, even through the library', async () => {
    const victim = uid('victim');
    await expect(
      fx.system.manager.addKey({
        userId: `${victim}\ud800`,
        provider: 'openai',
        keyData: { apiKey: openaiKey() },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const { rows } = await fx.system.database.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM byok.keys WHERE owner_id LIKE $1',
      [`${victim}%`],
    );
    expect(rows[0]?.n).toBe('0');
  });

  it('gives the framework adapters no ill-formed user id either', () => {
    expect(acceptedUserId('victim\ud800')).toBeUndefined();
    expect(acceptedUserId('a\u0000b')).toBeUndefined();
    expect(acceptedUserId('smile\ud83d\ude00')).toBe('smile\ud83d\ude00');
  });

  it('refuses a token with NUL or a lone surrogate in any claim', async () => {
    expectError(
      await fx.call('GET', '/api/me', { token: await tokenFor('a\u0000b') }),
      401,
      'UNAUTHENTICATED',
    );
    const extra = { name: 'x\udc00' };
    expectError(
      await fx.call('GET', '/api/me', { token: await tokenFor(uid(), { extra }) }),
      401,
      'UNAUTHENTICATED',
    );
  });
});
