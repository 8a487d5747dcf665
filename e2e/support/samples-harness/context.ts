/*
 * Copied into a consumer project (installed from the packed tarballs) and run there by plain Node
 * with tsx: what the guide's samples take from "your application" — the values sample 1 (Basic
 * Setup) defines, the fake providers in place of the real ones, and a few declarations samples use
 * without defining (`user`, `processWithAI`, `Context`, an Express `app`, test globals).
 * The database comes from the parent: DATABASE_URL (real PostgreSQL) or none (in-memory PGlite).
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { createBYOKForStack2025, EncryptionService, ProviderType } from '@stack-2025/byok-core';
import { startFakeProviders } from '@stack-2025/byok-core/testing';
import { startFakeAgentServer } from '@stack-2025/deepgram-agent-core/testing';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export const fakeProviders = await startFakeProviders();
export const fakeAgent = await startFakeAgentServer();
for (const [provider, url] of Object.entries(fakeProviders.baseUrls)) {
  process.env[`BYOK_${provider.toUpperCase()}_BASE_URL`] = url;
}
process.env.BYOK_DEEPGRAM_AGENT_URL = fakeAgent.url;
// The OpenAI SDK of sample 3 reads its base URL from the environment.
process.env.OPENAI_BASE_URL = fakeProviders.baseUrls.openai;
process.env.BYOK_ENCRYPTION_KEY ??= EncryptionService.generateMasterKey();
// Environment keys the migration samples (18, 19) import, and the integration test's key (21).
process.env.OPENAI_API_KEY = `sk-proj-env${hex(12)}`;
process.env.DEEPGRAM_API_KEY = hex(20);
process.env.TWILIO_ACCOUNT_SID = `AC${hex(16)}`;
process.env.TWILIO_AUTH_TOKEN = hex(16);
process.env.TEST_OPENAI_KEY = `sk-proj-test${hex(12)}`;
process.env.SYSTEM_OPENAI_KEY = `sk-proj-system${hex(12)}`;

export const backend: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

async function openDatabase(): Promise<pg.Client | PGlite> {
  if (backend === 'pglite') return new PGlite();
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  return client;
}

/** The application's database connection (sample 1 makes its own; later samples use this one). */
export const postgresClient = await openDatabase();
/** The application's Redis connection: real with REDIS_URL, none on the PGlite run. */
export const redisClient: Redis | undefined = process.env.REDIS_URL
  ? new Redis(process.env.REDIS_URL)
  : undefined;
export const redisInstance = redisClient;

/** What sample 1 defines, made the same way. */
export const byokSystem = await createBYOKForStack2025({
  encryptionKey: process.env.BYOK_ENCRYPTION_KEY,
  postgresClient,
  redisClient: redisInstance,
  enabledProviders: ['openai', 'deepgram', 'twilio'],
});
export const { manager: byokManager } = byokSystem;

// The user has connected Deepgram and Twilio already (samples 8 and 9 use them; the guide adds only
// an OpenAI key before them).
await byokManager.addKey({
  userId: 'user_123',
  provider: ProviderType.DEEPGRAM,
  keyData: { apiKey: hex(20) },
  alias: 'Deepgram',
});
await byokManager.addKey({
  userId: 'user_123',
  provider: ProviderType.TWILIO,
  keyData: { accountSid: `AC${hex(16)}`, authToken: hex(16) },
  alias: 'Twilio',
});

/** The user's OpenAI keys, oldest first, made on first use (the placeholders `key_primary`, `key_123` stand for these). */
let openaiKeys: string[] | undefined;
export async function openaiKeyIds(): Promise<string[]> {
  if (!openaiKeys) {
    openaiKeys = [];
    for (const alias of ['primary', 'backup 1', 'backup 2']) {
      openaiKeys.push(
        await byokManager.addKey({
          userId: 'user_123',
          provider: ProviderType.OPENAI,
          keyData: { apiKey: `sk-proj-${alias.replace(' ', '')}${hex(10)}` },
          alias: `Sample ${alias}`,
        }),
      );
    }
  }
  return openaiKeys;
}

// Declarations the samples use without defining them.
export const user = { id: 'user_123' };
export const setShowForm = (_show: boolean): void => undefined;
export const setSelectedKey = (_key: unknown): void => undefined;
export type Context = { userId?: string; user?: { id: string } };
export const app = express();
export async function processWithAI(aiConfig: unknown, message: string): Promise<string> {
  return `${message} (${aiConfig ? 'configured' : 'no config'})`;
}
export const testEncryptionKey = EncryptionService.generateMasterKey();
/** The integration-test sample's own test database (never the application's: it has its own master key). */
export const testDb = new PGlite();

// A minimal describe/it/expect for the guide's two test samples: the harness runs what they register.
type Hook = () => unknown;
export const registeredTests: { name: string; run: Hook; beforeEach: Hook[] }[] = [];
let hooks: Hook[] = [];
export function describe(_name: string, body: () => void): void {
  const outer = hooks;
  hooks = [...hooks];
  body();
  hooks = outer;
}
export function beforeEach(hook: Hook): void {
  hooks.push(hook);
}
export function it(name: string, run: Hook): void {
  registeredTests.push({ name, run, beforeEach: [...hooks] });
}
export function expect(actual: unknown) {
  return {
    toBe(expected: unknown): void {
      if (!Object.is(actual, expected))
        throw new Error(`expected ${String(actual)} to be ${String(expected)}`);
    },
    toBeDefined(): void {
      if (actual === undefined) throw new Error('expected a defined value');
    },
    toEqual(expected: unknown): void {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(`expected ${JSON.stringify(actual)} to equal ${JSON.stringify(expected)}`);
      }
    },
  };
}
