/**
 * Database faults on a private PostgreSQL cluster (its own initdb, port and folder, so that killing
 * connections and stopping the server touch nobody else): backends terminated with
 * `pg_terminate_backend` in the middle of concurrent writes through the HTTP handler and the
 * library, and the whole server stopped and started under a running `byok serve`. The process
 * stays up, the requests that lose their connection get 503 DATABASE_UNAVAILABLE with
 * Retry-After, and the pool recovers with no help.
 */
import { createBYOKForStack2025, createLogger, isBYOKError } from '@stack-2025/byok-core';
import { type BYOKHttpHandler, createBYOKHttpHandler } from '@stack-2025/byok-core/http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  MASTER_KEY,
  openaiKey,
  type SpawnedServer,
  spawnServer,
  tempDir,
  uid,
  waitFor,
} from '../apps/byok-server/test/helpers.js';
import {
  type PrivatePostgres,
  privatePostgresSupport,
  startPrivatePostgres,
} from '../packages/byok-core/test/private-services.js';

const unsupported = privatePostgresSupport();
const requiredInCi = process.env.CI === 'true';
if (unsupported && requiredInCi) throw new Error(`database fault tests must run in CI: ${unsupported}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  status: number;
  code?: string;
  retryAfter?: string | null;
  keyId?: string;
}

/** Reads an HTTP answer down to what the assertions need. */
async function outcomeOf(response: Response): Promise<Outcome> {
  const body = (await response.json().catch(() => ({}))) as {
    key?: { id?: string };
    error?: { code?: string };
  };
  return {
    status: response.status,
    ...(body.error?.code ? { code: body.error.code } : {}),
    retryAfter: response.headers.get('retry-after'),
    ...(body.key?.id ? { keyId: body.key.id } : {}),
  };
}

/** Terminates every backend of `applicationName` every `everyMs` until stopped; counts the kills. */
function startTerminator(admin: pg.Pool, applicationName: string, everyMs: number) {
  let running = true;
  let killed = 0;
  const done = (async () => {
    while (running) {
      const { rows } = await admin.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE application_name = $1 AND pid <> pg_backend_pid()`,
        [applicationName],
      );
      killed += rows.filter((row) => row.ok).length;
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return killed;
    },
  };
}

/** Any unhandled error or rejection while the faults run would have ended a real server. */
function watchProcess() {
  const seen: string[] = [];
  const describe = (kind: string) => (error: unknown) =>
    seen.push(`${kind}: ${error instanceof Error ? error.stack : String(error)}`);
  const onException = describe('uncaught exception');
  const onRejection = describe('unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    seen,
    stop() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}

describe.skipIf(Boolean(unsupported))('database faults on a private PostgreSQL cluster', () => {
  let cluster: PrivatePostgres;
  let admin: pg.Pool;

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    admin = new pg.Pool({ connectionString: cluster.url(), max: 2, application_name: 'faults-admin' });
    admin.on('error', () => undefined);
    await admin.query('CREATE DATABASE library_faults');
    await admin.query('CREATE DATABASE server_faults');
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await cluster?.destroy();
  });

  describe('terminated backends under concurrent writes (library and HTTP handler in this process)', () => {
    const APP = 'byok-faults-lib';
    let pool: pg.Pool;
    let handler: BYOKHttpHandler;
    let system: Awaited<ReturnType<typeof createBYOKForStack2025>>;

    beforeAll(async () => {
      // No 'error' listener of our own: the library guards the pool it is given (idle clients)
      // and every client it checks out.
      pool = new pg.Pool({ connectionString: cluster.url('library_faults'), max: 6, application_name: APP });
      system = await createBYOKForStack2025({
        encryptionKey: MASTER_KEY,
        decryptionKeys: [],
        postgresClient: pool,
        logger: createLogger({ level: 'silent' }),
        // The load writes hundreds of keys for a few owners: the per-owner quota is not under test.
        quotas: { maxKeysPerOwner: 1_000_000 },
      });
      handler = createBYOKHttpHandler({
        system,
        auth: { adminToken: ADMIN_TOKEN },
        rateLimit: false,
        logger: createLogger({ level: 'silent' }),
        metrics: { collectDefaultMetrics: false },
      });
    }, 60_000);

    afterAll(async () => {
      await system?.close();
      await pool?.end();
    });

    const httpWrite = async (user: string): Promise<Outcome> =>
      outcomeOf(
        await handler(
          new Request('http://127.0.0.1/api/keys', {
            method: 'POST',
            headers: {
              authorization: `Bearer ${ADMIN_TOKEN}`,
              'x-byok-user-id': user,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ provider: 'openai', keyData: { apiKey: openaiKey() } }),
          }),
        ),
      );

    const libraryWrite = async (user: string): Promise<{ keyId?: string; error?: unknown }> => {
      try {
        return {
          keyId: await system.manager.addKey({
            userId: user,
            provider: 'openai',
            keyData: { apiKey: openaiKey() },
          }),
        };
      } catch (error) {
        return { error };
      }
    };

    it('fails only the requests whose connection died, with 503 DATABASE_UNAVAILABLE and Retry-After; later ones succeed', async () => {
      const watch = watchProcess();
      const user = uid('faults');
      const http: Outcome[] = [];
      const library: { keyId?: string; error?: unknown }[] = [];
      const terminator = startTerminator(admin, APP, 250);
      const until = Date.now() + 4000;
      await Promise.all(
        Array.from({ length: 6 }, async (_, worker) => {
          while (Date.now() < until) {
            if (worker % 2 === 0) http.push(await httpWrite(user));
            else library.push(await libraryWrite(user));
          }
        }),
      );
      const killed = await terminator.stop();
      watch.stop();

      const httpFailed = http.filter((o) => o.status !== 201);
      const libraryFailed = library.filter((o) => o.error !== undefined);
      console.log(
        `terminated ${killed} backends: HTTP ${http.length - httpFailed.length} ok / ${httpFailed.length} failed, library ${library.length - libraryFailed.length} ok / ${libraryFailed.length} failed`,
      );
      expect(watch.seen).toEqual([]);
      expect(killed).toBeGreaterThan(0);
      // The faults did hit requests, and each one that failed failed the same documented way.
      expect(httpFailed.length + libraryFailed.length).toBeGreaterThan(0);
      for (const failed of httpFailed) {
        expect(failed).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '1' });
      }
      for (const failed of libraryFailed) {
        expect(isBYOKError(failed.error) && failed.error.code).toBe('DATABASE_UNAVAILABLE');
      }
      expect(http.length - httpFailed.length).toBeGreaterThan(0);

      // No more faults: every request succeeds again, on the same pool.
      for (let i = 0; i < 10; i += 1) {
        expect((await httpWrite(user)).status).toBe(201);
        expect((await libraryWrite(user)).error).toBeUndefined();
      }
      // Every acknowledged write is stored.
      const acknowledged = [
        ...http.flatMap((o) => (o.keyId ? [o.keyId] : [])),
        ...library.flatMap((o) => (o.keyId ? [o.keyId] : [])),
      ];
      const { rows } = await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM byok.keys WHERE id = ANY($1)',
        [acknowledged],
      );
      expect(Number(rows[0]?.n)).toBe(acknowledged.length);
    }, 60_000);
  });

  describe('a running `byok serve` (production mode)', () => {
    let server: SpawnedServer;
    let dir: Awaited<ReturnType<typeof tempDir>>;
    const user = uid('served');
    const headers = {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'x-byok-user-id': user,
      'content-type': 'application/json',
    };

    beforeAll(async () => {
      dir = await tempDir();
      server = await spawnServer(
        {
          NODE_ENV: 'production',
          DATABASE_URL: cluster.url('server_faults'),
          BYOK_ENCRYPTION_KEY: MASTER_KEY,
          BYOK_ADMIN_TOKEN: ADMIN_TOKEN,
          BYOK_CONNECTION_POOL_SIZE: '4',
          BYOK_RATE_LIMIT_WRITES_PER_MINUTE: '0',
          // The load is not under test here: no read limit, no per-owner key quota.
          BYOK_RATE_LIMIT_READS_PER_MINUTE: '0',
          BYOK_MAX_KEYS_PER_OWNER: '1000000',
        },
        dir.path,
      );
    }, 90_000);

    afterAll(async () => {
      const code = await server?.stop('SIGTERM');
      await dir?.remove();
      expect(code).toBe(0);
    });

    const alive = () => server.process.exitCode === null && server.process.signalCode === null;
    const write = async (): Promise<Outcome> =>
      outcomeOf(
        await fetch(`${server.url}/api/keys`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ provider: 'openai', keyData: { apiKey: openaiKey() } }),
        }),
      );
    const list = async (): Promise<Outcome> => outcomeOf(await fetch(`${server.url}/api/keys`, { headers }));
    const ready = async (): Promise<number> => (await fetch(`${server.url}/health/ready`)).status;

    it('survives backends terminated during writes', async () => {
      const outcomes: Outcome[] = [];
      const terminator = startTerminator(admin, 'byok-service', 250);
      const until = Date.now() + 3000;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) outcomes.push(await write());
        }),
      );
      const killed = await terminator.stop();
      const failed = outcomes.filter((o) => o.status !== 201);
      console.log(
        `serve: terminated ${killed} backends; ${outcomes.length - failed.length} writes ok, ${failed.length} failed`,
      );
      expect(killed).toBeGreaterThan(0);
      for (const outcome of failed) {
        expect(outcome).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '1' });
      }
      expect(alive()).toBe(true);
      for (let i = 0; i < 5; i += 1) expect((await write()).status).toBe(201);
      expect(server.output()).not.toMatch(/uncaught exception|unhandled promise rejection/);
    }, 60_000);

    it('answers 503 (never 500) and is not ready while PostgreSQL is stopped, and recovers after start', async () => {
      expect((await write()).status).toBe(201);
      await cluster.stop();
      try {
        const [written, listed] = await Promise.all([write(), list()]);
        expect(written).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '1' });
        expect(listed).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '1' });
        expect(await ready()).toBe(503);
        await sleep(1500);
        expect(await ready()).toBe(503);
        expect((await write()).status).toBe(503);
        expect(alive()).toBe(true);
      } finally {
        await cluster.start();
      }
      const recovery = await waitFor(
        async () => (await ready()) === 200 && (await write()).status === 201,
        10_000,
        50,
      );
      console.log(`serve: ready and writing again ${recovery.toFixed(0)} ms after PostgreSQL started`);
      expect(recovery).toBeLessThan(2000);
      expect((await list()).status).toBe(200);
      expect(alive()).toBe(true);
    }, 60_000);
  });
});
