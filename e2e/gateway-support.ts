import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type BYOKSystem, createBYOKForStack2025 } from '@stack-2025/byok-core';
import { createGatewayHandler, type GatewayHandler } from '@stack-2025/byok-core/gateway';
import {
  createTestDatabase,
  FAKE_USAGE,
  type FakeProviders,
  startFakeProviders,
} from '@stack-2025/byok-core/testing';
import pg from 'pg';
import { priceUsage } from '../packages/byok-core/src/usage/index.js';
import { createScratchDatabase } from '../packages/byok-core/test/backends.js';

export const MASTER_KEY = 'gateway-test-master-key-0123456789abcdef-01';
export const openaiKey = (marker = ''): string => `sk-proj-${marker}${randomBytes(16).toString('hex')}`;
export const anthropicKey = (): string => `sk-ant-api03-${randomBytes(48).toString('hex')}`;
export const uid = (prefix = 'user'): string => `${prefix}_${randomBytes(5).toString('hex')}`;

export interface GatewayWorld {
  fake: FakeProviders;
  system: BYOKSystem;
  gateway: GatewayHandler;
  /** `http://127.0.0.1:<port>` of the gateway */
  url: string;
  /** USD of one fake chat completion of `gpt-6-luna`: the fake providers' usage, priced from the table. */
  chatCostUsd: number;
  close(): Promise<void>;
}

/**
 * A BYOK system, its gateway on a real HTTP server, in front of the fake providers. On a scratch
 * database of the real PostgreSQL when TEST_DATABASE_URL is set (as in CI), else on in-memory PGlite
 * (which runs in this thread, so its work shows up in timings).
 */
export async function startGatewayWorld(
  options: {
    postgresClient?: unknown;
    redis?: unknown;
    /** How the server calls the gateway: its `node:http` entry (as the service does; default) or the Fetch API one. */
    entry?: 'node' | 'fetch';
    /** Upstreams of the test's own, over the fake providers' (`{ openai: 'http://…/v1' }`). */
    baseUrls?: Record<string, string>;
  } = {},
): Promise<GatewayWorld> {
  const fake = await startFakeProviders();
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let pool: pg.Pool | undefined;
  if (!options.postgresClient && process.env.TEST_DATABASE_URL) {
    scratch = await createScratchDatabase();
    pool = new pg.Pool({ connectionString: scratch.url, max: 10 });
    pool.on('error', () => undefined);
  }
  const db = options.postgresClient || pool ? undefined : await createTestDatabase();
  const providers = Object.fromEntries(
    Object.entries({ ...fake.baseUrls, ...options.baseUrls }).map(([provider, baseUrl]) => [
      provider,
      { baseUrl },
    ]),
  );
  const system = await createBYOKForStack2025({
    encryptionKey: MASTER_KEY,
    postgresClient: options.postgresClient ?? pool ?? db,
    ...(options.redis ? { redisClient: options.redis } : {}),
    providers,
  });
  const gateway = createGatewayHandler({ system, ...(options.redis ? { redis: options.redis } : {}) });
  const server =
    options.entry === 'fetch'
      ? serve({ fetch: (request) => gateway(request), port: 0, hostname: '127.0.0.1' })
      : createServer((req, res) => void gateway.node(req, res)).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => {
    if (server.listening) resolve();
    else server.once('listening', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    fake,
    system,
    gateway,
    url: `http://127.0.0.1:${port}`,
    chatCostUsd: priceUsage({
      provider: 'openai',
      model: 'gpt-6-luna',
      inputTokens: FAKE_USAGE.chat.promptTokens,
      outputTokens: FAKE_USAGE.chat.completionTokens,
      cachedTokens: FAKE_USAGE.chat.cachedTokens,
    }).costUsd as number,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as import('node:http').Server).closeAllConnections?.();
      });
      await gateway.close();
      await system.close();
      await fake.close();
      await db?.close();
      await pool?.end();
      await scratch?.drop();
    },
  };
}

export interface UsageRow {
  key_id: string | null;
  provider: string;
  model: string | null;
  input_tokens: string;
  output_tokens: string;
  cached_tokens: string;
  cost_usd: string | null;
  priced: boolean;
  success: boolean;
  status_code: number | null;
  ttfb_ms: number | null;
  latency_ms: number | null;
  gateway_token_id: string | null;
}

/** Flushes the usage writer, then reads a token's usage rows, oldest first. */
export async function usageOf(system: BYOKSystem, tokenId: string): Promise<UsageRow[]> {
  await system.manager.context.usageWriter.flush();
  const { rows } = await system.manager.context.db.query<UsageRow>(
    `SELECT key_id, provider, model, input_tokens::text, output_tokens::text, cached_tokens::text, cost_usd::text,
            priced, success, status_code, ttfb_ms, latency_ms, gateway_token_id
       FROM byok.key_usage WHERE gateway_token_id = $1 ORDER BY id`,
    [tokenId],
  );
  return rows;
}
