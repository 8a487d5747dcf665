/**
 * Shared fixtures of the e2e/http-*, e2e/server-* and e2e/cli-* suites: an in-process handler on
 * in-memory PGlite, signed tokens, and spawned server/CLI processes bound to 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type BYOKSystem,
  type CreateBYOKOptions,
  createBYOKForStack2025,
  createLogger,
} from '@stack-2025/byok-core';
import {
  type BYOKHttpHandler,
  type BYOKHttpHandlerOptions,
  createBYOKHttpHandler,
} from '@stack-2025/byok-core/http';
import { createTestDatabase } from '@stack-2025/byok-core/testing';
import { SignJWT } from 'jose';
import { expect } from 'vitest';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CLI_SOURCE = join(REPO_ROOT, 'apps/byok-server/src/cli.ts');
const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export const MASTER_KEY = 'http-test-master-key-0123456789abcdef-0123';
export const JWT_SECRET = 'http-test-jwt-secret-0123456789abcdef-0123';
export const ADMIN_TOKEN = 'http-test-admin-token-0123456789abcdef-0123';

export const uid = (prefix = 'user'): string => `${prefix}_${randomBytes(5).toString('hex')}`;
export const openaiKey = (): string => `sk-proj-${randomBytes(12).toString('hex')}`;
export const anthropicKey = (): string => `sk-ant-api03-${randomBytes(12).toString('hex')}`;

/** An HS256 token for `sub`, valid for 5 minutes unless `expiresAt` (seconds since epoch) says otherwise. */
export async function tokenFor(
  sub: string,
  options: { secret?: string; expiresAt?: number; extra?: Record<string, unknown> } = {},
): Promise<string> {
  return new SignJWT(options.extra ?? {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 300)
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is, with no content type unless `headers` sets one. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  json: any;
}

export interface HttpFixture {
  handler: BYOKHttpHandler;
  system: BYOKSystem;
  logs: string[];
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

/** A migrated in-memory PGlite, a BYOK system on it and the HTTP handler, with logs kept in memory. */
export async function createHttpFixture(
  options: Partial<Omit<BYOKHttpHandlerOptions, 'system'>> & {
    encryptionKey?: string | null;
    /** More options of `createBYOKForStack2025` (provider base URLs, validation, …). */
    systemOptions?: Partial<Omit<CreateBYOKOptions, 'postgresClient'>>;
  } = {},
): Promise<HttpFixture> {
  const db = await createTestDatabase();
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        logs.push(String(chunk));
        callback();
      },
    }),
  });
  const system = await createBYOKForStack2025({
    encryptionKey: options.encryptionKey === null ? undefined : (options.encryptionKey ?? MASTER_KEY),
    decryptionKeys: [],
    postgresClient: db,
    logger,
    ...options.systemOptions,
  });
  const { encryptionKey: _ignored, systemOptions: _system, ...handlerOptions } = options;
  const handler = createBYOKHttpHandler({
    auth: { jwtSecret: JWT_SECRET, adminToken: ADMIN_TOKEN },
    logger,
    metrics: { collectDefaultMetrics: false },
    ...handlerOptions,
    system,
  });
  return {
    handler,
    system,
    logs,
    call: (method, path, callOptions) => call(handler, method, path, callOptions),
    async close() {
      await system.close();
      await db.close();
    },
  };
}

export async function call(
  handler: (request: Request) => Promise<Response>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await handler(new Request(`http://127.0.0.1${path}`, { method, headers, body }));
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

// ---------------------------------------------------------------------------------------------
// Processes

export interface SpawnedServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Node with the source condition and tsx, so the CLI runs from TypeScript with no build. */
export function nodeArgs(args: string[]): string[] {
  return ['--conditions=@stack-2025/source', '--import', TSX_LOADER, CLI_SOURCE, ...args];
}

/** A clean environment: nothing of the parent's BYOK_*, so each test says exactly what it sets. */
export function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name]) env[name] = process.env[name];
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/** Starts `byok serve` on 127.0.0.1 and a random port; resolves once it says where it listens. */
export async function spawnServer(
  env: Record<string, string | undefined>,
  cwd: string,
  timeoutMs = 60_000,
): Promise<SpawnedServer> {
  const child = spawn(process.execPath, nodeArgs(['serve']), {
    cwd,
    env: baseEnv({ HOST: '127.0.0.1', PORT: '0', BYOK_LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      // A server that never said where it listens would otherwise outlive the test run.
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one `byok …` command to its end (killed after `timeoutMs`). */
/**
 * Runs `command` to its end with a clean environment (`baseEnv`), collecting its output; SIGKILLs it
 * after `timeoutMs` (60 s).
 */
export function runProcess(
  command: string,
  args: string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    onStart?: (child: ChildProcess) => void;
  },
): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: baseEnv(options.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    options.onStart?.(child);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** `byok <args>` from the TypeScript sources (see `nodeArgs`). */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  options: { timeoutMs?: number; onStart?: (child: ChildProcess) => void } = {},
): Promise<CliResult> {
  return runProcess(process.execPath, nodeArgs(args), {
    cwd,
    env: { BYOK_LOG_LEVEL: 'warn', ...env },
    ...options,
  });
}

/** A temporary folder, removed by the returned function. */
export async function tempDir(prefix = 'byok-e2e-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Waits until `check` returns true, polling every `intervalMs`; returns the time it took in ms. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Asserts the one error shape: `{ error: { code, message, requestId, details? } }`, with the same id in
 * `x-request-id`; `details` (an object) only on a 4xx answer.
 */
export function expectError(res: CallResult, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  const { details, ...rest } = res.json.error ?? {};
  expect({ error: rest }).toEqual({
    error: { code, message: expect.any(String), requestId: expect.any(String) },
  });
  if (details !== undefined) {
    expect(status).toBeLessThan(500);
    expect(details).toEqual(expect.any(Object));
  }
  expect(res.headers.get('x-request-id')).toBe(res.json.error.requestId);
}

/** A fetch Response's JSON body, loosely typed for assertions. */
export async function jsonOf(response: Response): Promise<CallResult['json']> {
  return response.json();
}
