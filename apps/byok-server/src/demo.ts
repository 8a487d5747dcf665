import { createHmac, randomBytes } from 'node:crypto';
import { type BYOKSystem, isBYOKError, type Logger } from '@stack-2025/byok-core';

/** The one user the demo sign-in acts as. */
export const DEMO_USER_ID = 'demo_user';
/** How long a demo token lives. */
export const DEMO_TOKEN_TTL_SECONDS = 60 * 60;

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/**
 * An HS256 JWT (`sub`, `iat`, `exp`, `jti`), the same shape the host app's tokens have. Written
 * with node:crypto: signing one fixed header is a few lines, and the server verifies with `jose`.
 */
export function signDemoToken(
  secret: string,
  userId: string,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const iat = Math.floor(now / 1000);
  const exp = iat + DEMO_TOKEN_TTL_SECONDS;
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ sub: userId, iat, exp, jti: randomBytes(9).toString('base64url'), demo: true }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return { token: `${header}.${payload}.${signature}`, expiresAt: new Date(exp * 1000) };
}

/**
 * Obviously fake credentials: they pass each provider's format check and nothing else. A real
 * provider answers 401 to them, which is what a test of one shows.
 */
export const DEMO_KEYS = [
  {
    provider: 'openai',
    alias: 'Demo OpenAI (primary)',
    apiKey: 'sk-proj-demo-not-a-real-key-0001',
    description: 'Demo data: a fake key',
  },
  {
    provider: 'openai',
    alias: 'Demo OpenAI (backup)',
    apiKey: 'sk-proj-demo-not-a-real-key-0002',
    description: 'Demo data: a fake key',
  },
  {
    provider: 'anthropic',
    alias: 'Demo Anthropic',
    apiKey: 'sk-ant-demo-not-a-real-key-0003',
    description: 'Demo data: a fake key',
  },
  {
    provider: 'deepgram',
    alias: 'Demo Deepgram',
    apiKey: 'demo-deepgram-not-a-real-key-0004',
    description: 'Demo data: a fake key',
  },
] as const;

/** Models the demo usage spreads over; `gpt-demo-unpriced` is not in the price table on purpose. */
const DEMO_USAGE = [
  { key: 0, model: 'gpt-6.1-sol', requests: 40, input: 52_000, output: 9_000, cached: 8_000 },
  { key: 0, model: 'gpt-6-luna', requests: 120, input: 90_000, output: 20_000, cached: 0 },
  { key: 1, model: 'gpt-demo-unpriced', requests: 6, input: 4_000, output: 900, cached: 0 },
  { key: 2, model: 'claude-sonnet-5.5', requests: 30, input: 61_000, output: 12_000, cached: 10_000 },
  { key: 3, model: 'nova-3', requests: 12, input: 0, output: 0, cached: 0 },
] as const;

const DAYS = 14;
const DAY_MS = 86_400_000;

/** A small deterministic generator, so the demo charts look the same every time. */
function wobble(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return 0.6 + (state / 2 ** 32) * 0.8;
  };
}

/**
 * Gives the demo user something to look at, once: four fake keys, an OpenAI fallback chain and two
 * weeks of usage (priced from the table, one model unpriced). Does nothing when the user already
 * has keys, so a second sign-in (or a restart) never duplicates anything.
 */
export async function seedDemoUser(system: BYOKSystem, logger: Logger, now = Date.now()): Promise<boolean> {
  const manager = system.manager;
  const existing = await manager.listKeys({ userId: DEMO_USER_ID });
  if (existing.length > 0) return false;
  const context = { actor: { type: 'system', id: 'demo-seed' } as const };
  const keyIds: string[] = [];
  for (const key of DEMO_KEYS) {
    keyIds.push(
      await manager.addKey(
        {
          userId: DEMO_USER_ID,
          provider: key.provider,
          keyData: { apiKey: key.apiKey },
          alias: key.alias,
          description: key.description,
          priority: keyIds.length,
        },
        context,
      ),
    );
  }
  await system.fallback.configureFallbackChain(
    { userId: DEMO_USER_ID },
    'openai',
    'production',
    {
      primaryKeyId: keyIds[0] ?? null,
      fallbackSequence: keyIds[1] ? [keyIds[1]] : [],
      useSystemFallback: false,
      maxRetries: 2,
      retryDelayMs: 500,
    },
    context,
  );
  const next = wobble(2025);
  for (let day = DAYS - 1; day >= 0; day -= 1) {
    // Weekdays busier than weekends, a little noise, growth towards today.
    const at = new Date(now - day * DAY_MS - 60_000);
    const weekday = at.getUTCDay() % 6 === 0 ? 0.4 : 1;
    const growth = 0.7 + (0.3 * (DAYS - day)) / DAYS;
    for (const usage of DEMO_USAGE) {
      const factor = weekday * growth * next();
      const input = Math.round(usage.input * factor);
      const cached = Math.min(input, Math.round(usage.cached * factor));
      const keyId = keyIds[usage.key];
      if (!keyId) continue;
      await manager.recordUsage({
        keyId,
        provider: DEMO_KEYS[usage.key].provider,
        model: usage.model,
        requests: Math.max(1, Math.round(usage.requests * factor)),
        inputTokens: input,
        cachedTokens: cached,
        outputTokens: Math.round(usage.output * factor),
        latencyMs: Math.round(400 + 600 * next()),
        success: day % 5 !== 2 || usage.key !== 2,
        at,
      });
    }
  }
  logger.info({ userId: DEMO_USER_ID, keys: keyIds.length, days: DAYS }, 'demo user seeded');
  return true;
}

export interface DemoSignIn {
  /** `GET …/auth/demo` and `POST …/auth/demo`; undefined for any other request. */
  handle(request: Request): Promise<Response | undefined>;
}

const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane one (as the API handler does), else a new one. */
const requestIdOf = (request: Request): string => {
  const incoming = request.headers.get('x-request-id');
  return incoming && INCOMING_REQUEST_ID.test(incoming) ? incoming : `req_${randomBytes(10).toString('hex')}`;
};

/** Every answer carries the request id, like the API's; error bodies repeat it. */
const json = (status: number, body: unknown, requestId: string, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': requestId,
      ...extra,
    },
  });

const errorJson = (
  status: number,
  code: string,
  message: string,
  requestId: string,
  extra: Record<string, string> = {},
) => json(status, { error: { code, message, requestId } }, requestId, extra);

/**
 * The dashboard's "Continue as demo user" (outside production only): `GET` says whether it is
 * available, `POST` seeds the demo user on first use and answers a short-lived token for it,
 * signed with the server's JWT secret; another method gets 405. In production every method answers
 * 404, like any unknown route. Every answer carries `x-request-id`.
 */
export function createDemoSignIn(options: {
  system: BYOKSystem;
  basePath: string;
  enabled: boolean;
  jwtSecret: string | undefined;
  logger: Logger;
}): DemoSignIn {
  const path = `${options.basePath}/auth/demo`;
  const enabled = options.enabled && Boolean(options.jwtSecret);
  let seeding: Promise<unknown> | undefined;
  const seed = () => {
    seeding ??= seedDemoUser(options.system, options.logger).catch((error: unknown) => {
      seeding = undefined;
      throw error;
    });
    return seeding;
  };

  return {
    async handle(request) {
      if (new URL(request.url).pathname !== path) return undefined;
      const id = requestIdOf(request);
      if (!enabled) return errorJson(404, 'NOT_FOUND', `No route for ${request.method} ${path}`, id);
      if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'POST') {
        return errorJson(
          405,
          'METHOD_NOT_ALLOWED',
          `${request.method} is not allowed here; allowed: GET, HEAD, POST`,
          id,
          { allow: 'GET, HEAD, POST' },
        );
      }
      if (request.method === 'GET' || request.method === 'HEAD')
        return json(200, { available: true, userId: DEMO_USER_ID }, id);
      // Read (and ignore) the body, but never more than a little of it.
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > 1024) return errorJson(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large', id);
      await request.body?.cancel().catch(() => undefined);
      try {
        await seed();
      } catch (error) {
        options.logger.error({ err: { message: (error as Error).message } }, 'demo seeding failed');
        // Library errors carry a message meant for callers ("ENCRYPTION_MASTER_KEY not configured").
        const known = isBYOKError(error) && error.code !== 'INTERNAL_ERROR';
        return errorJson(
          known ? error.status : 500,
          known ? error.code : 'INTERNAL_ERROR',
          known ? error.message : 'The demo user could not be prepared; see the server log',
          id,
        );
      }
      const { token, expiresAt } = signDemoToken(options.jwtSecret as string, DEMO_USER_ID);
      return json(200, { token, userId: DEMO_USER_ID, expiresAt: expiresAt.toISOString() }, id);
    },
  };
}
