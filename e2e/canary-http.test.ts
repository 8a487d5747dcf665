import { randomBytes } from 'node:crypto';
import { type BYOKSystem, createBYOKForStack2025 } from '@stack-2025/byok-core';
import { createBYOKHttpHandler } from '@stack-2025/byok-core/http';
import { createTestDatabase, type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, TEST_MASTER_KEY } from '../packages/byok-core/test/backends.js';

/*
 * DESIGN invariant 1 over HTTP: a canary credential sent through every REST write path never comes
 * back in a response (success or error), a log line or a stored row.
 */
const CANARY = `sk-proj-HTTPCANARY${randomBytes(12).toString('hex')}`;
const CANARY_2 = `sk-proj-HTTPCANARY${randomBytes(12).toString('hex')}`;
const fragments = [CANARY, CANARY_2].flatMap((c) => [c, c.slice(-12), c.slice(12, 24)]);
const ADMIN = `admin-${randomBytes(16).toString('hex')}`;

describe('canary credential through the REST API', () => {
  let system: BYOKSystem;
  let handler: ReturnType<typeof createBYOKHttpHandler>;
  let fake: FakeProviders;
  const { logger, lines } = capturingLogger();
  const bodies: string[] = [];
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    fake = await startFakeProviders();
    db = await createTestDatabase();
    system = await createBYOKForStack2025({
      encryptionKey: TEST_MASTER_KEY,
      postgresClient: db,
      logger,
      providers: { openai: { baseUrl: fake.baseUrls.openai } },
    });
    handler = createBYOKHttpHandler({ system, auth: { adminToken: ADMIN }, logger, rateLimit: false });
  });
  afterAll(async () => {
    await system.close();
    await db.close();
    await fake.close();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    user = 'user_canary',
  ): Promise<{ status: number; json: unknown }> {
    const response = await handler(
      new Request(`http://127.0.0.1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN}`,
          'x-byok-user-id': user,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    );
    const text = await response.text();
    bodies.push(`${response.status} ${[...response.headers].join(' ')} ${text}`);
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  it('goes through every write path, happy and failing', async () => {
    const created = await call('POST', '/api/keys', {
      provider: 'openai',
      keyData: { apiKey: CANARY },
      alias: 'canary',
    });
    expect(created.status).toBe(201);
    const keyId = (created.json as { key: { id: string } }).key.id;
    expect((await call('GET', `/api/keys/${keyId}`)).status).toBe(200);
    expect((await call('GET', '/api/keys')).status).toBe(200);
    expect((await call('POST', `/api/keys/${keyId}/test`)).status).toBe(200);
    expect((await call('PATCH', `/api/keys/${keyId}`, { keyData: { apiKey: CANARY_2 } })).status).toBe(200);
    expect(
      (await call('POST', '/api/keys/test-credential', { provider: 'openai', keyData: { apiKey: CANARY } }))
        .status,
    ).toBe(200);
    const ws = await call('POST', '/api/workspaces', { name: 'Canary workspace' });
    const wsId = (ws.json as { workspace: { id: string } }).workspace.id;
    expect(
      (
        await call('POST', `/api/workspaces/${wsId}/ai-providers`, {
          provider: 'openai',
          keyData: { apiKey: CANARY },
        })
      ).status,
    ).toBe(201);
    expect((await call('GET', '/api/audit')).status).toBe(200);

    // Failing paths that receive the canary.
    expect(
      (await call('POST', '/api/keys', { provider: 'anthropic', keyData: { apiKey: CANARY } })).status,
    ).toBe(400);
    expect((await call('POST', '/api/keys', { provider: 'nope', keyData: { apiKey: CANARY } })).status).toBe(
      400,
    );
    expect(
      (await call('POST', '/api/keys', { provider: 'openai', keyData: { apiKey: CANARY, [CANARY]: 1 } }))
        .status,
    ).toBe(400);
    expect(
      (await call('POST', '/api/keys', `{"provider":"openai","keyData":{"apiKey":"${CANARY}"`)).status,
    ).toBe(400);
    expect(
      (await call('PATCH', `/api/keys/${keyId}`, { keyData: { apiKey: CANARY } }, 'user_other')).status,
    ).toBe(404);
    expect(
      (await call('POST', '/api/keys', { provider: 'openai', keyData: { apiKey: CANARY }, surprise: CANARY }))
        .status,
    ).toBe(400);
  });

  it('is found in no response, log line or stored row', async () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) for (const fragment of fragments) expect(body).not.toContain(fragment);
    for (const line of lines) for (const fragment of fragments) expect(line).not.toContain(fragment);
    const { rows: tables } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'byok'",
    );
    for (const { table_name } of tables) {
      const { rows } = await db.query<{ row: string }>(`SELECT t::text AS row FROM byok.${table_name} t`);
      for (const { row } of rows) for (const fragment of fragments) expect(row).not.toContain(fragment);
    }
  });
});
