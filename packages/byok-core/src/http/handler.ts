import { randomBytes } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Registry } from 'prom-client';
import { BYOKError } from '../errors/index.js';
import { allowedMethods } from './allowed-methods.js';
import { createAuthenticator } from './auth.js';
import { jsonBody } from './body.js';
import { renderDocsPage } from './docs-page.js';
import { checkBYOKHealth } from './health.js';
import { wellFormedInput } from './input-guard.js';
import { createHttpMetrics } from './metrics.js';
import { documentDemoSignIn, registerSecuritySchemes } from './openapi-auth.js';
import {
  errorBody,
  HttpProblem,
  methodNotAllowed,
  notFound,
  rateLimited,
  toProblem,
  unauthenticated,
  validationProblem,
} from './problem.js';
import { createRateLimits, type RateLimiter, type RateLimits, tokenSubject } from './rate-limit.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { adminSecurity, json, publicRoute } from './routes/common.js';
import { registerFallbackRoutes } from './routes/fallback.js';
import { registerGatewayTokenRoutes } from './routes/gateway-tokens.js';
import { registerKeyRoutes, registerWorkspaceKeyRoutes } from './routes/keys.js';
import { registerUsageRoutes } from './routes/usage.js';
import { registerWorkspaceRoutes } from './routes/workspaces.js';
import { ErrorResponse, HealthResponse, LivenessResponse, ReadinessResponse } from './schemas.js';
import type { BYOKHttpHandler, BYOKHttpHandlerOptions, HttpEnv, Principal } from './types.js';

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const HEALTHY_EXAMPLE = {
  status: 'healthy',
  checks: {
    database: { status: 'pass', latencyMs: 2 },
    encryption: { status: 'pass', details: { activeFingerprint: 'kcv_3f9a1c' } },
    cache: { status: 'pass' },
  },
  timestamp: '2026-11-30T01:00:00.000Z',
};
const DEFAULT_WRITES_PER_MINUTE = 60;
const DEFAULT_READS_PER_MINUTE = 600;
const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;
const DEFAULT_AUTH_FAILURES_PER_TOKEN_PER_MINUTE = 10;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// Request ids: a random prefix per process and a counter — unique, not secret, and cheaper than
// drawing random bytes for every request.
const REQUEST_ID_PREFIX = `req_${randomBytes(6).toString('hex')}`;
let requestCounter = 0;
const nextRequestId = (): string => `${REQUEST_ID_PREFIX}${(requestCounter++).toString(36).padStart(6, '0')}`;

function normalizeBasePath(path: string | undefined): string {
  const trimmed = (path ?? '/api').trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(trimmed))
    throw new BYOKError('INVALID_CONFIG', `Invalid basePath: ${path}`);
  return trimmed;
}

/** The route pattern that answered (`/api/keys/:id`), or `unmatched`; never a raw path. */
function routeLabel(c: Context<HttpEnv>): string {
  const routes = matchedRoutes(c).filter((route) => route.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}

function clientIp(c: Context<HttpEnv>, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    // The last entry is the one the trusted proxy added; earlier ones are whatever the client sent,
    // so taking the first would let a client pick a fresh address for every failed sign-in.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  return c.env?.client?.remoteAddress;
}

/**
 * The BYOK REST API as one Web-standard `fetch` handler: mount it in `@hono/node-server`, a Next.js
 * route handler (`export const GET = handler`) or Express (through a Request/Response bridge).
 *
 * @example
 * const system = await createBYOKForStack2025({ encryptionKey, postgresClient: pool });
 * const handler = createBYOKHttpHandler({ system, auth: { jwtSecret: appConfig.jwtSecret } });
 * serve({ fetch: (request, env) => handler(request, { remoteAddress: env.incoming.socket.remoteAddress }) });
 */
export function createBYOKHttpHandler(options: BYOKHttpHandlerOptions): BYOKHttpHandler {
  const { system } = options;
  const basePath = normalizeBasePath(options.basePath);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = (options.logger ?? system.manager.context.logger).child({ component: 'http' });
  const authenticate = createAuthenticator(options.auth, logger);
  const metrics = createHttpMetrics(options.metrics);
  const health = options.health ?? checkBYOKHealth;
  const trustProxy = options.trustProxy ?? false;
  const limitOptions = options.rateLimit === false ? undefined : (options.rateLimit ?? {});
  const limits: RateLimits = limitOptions
    ? createRateLimits(
        {
          writesPerMinute: limitOptions.writesPerMinute ?? DEFAULT_WRITES_PER_MINUTE,
          readsPerMinute: limitOptions.readsPerMinute ?? DEFAULT_READS_PER_MINUTE,
          authFailuresPerMinute: limitOptions.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE,
          authFailuresPerTokenPerMinute:
            limitOptions.authFailuresPerTokenPerMinute ?? DEFAULT_AUTH_FAILURES_PER_TOKEN_PER_MINUTE,
        },
        { redis: limitOptions.redis, keyPrefix: limitOptions.keyPrefix },
      )
    : {
        writes: undefined,
        reads: undefined,
        authFailuresByAddress: undefined,
        authFailuresByToken: undefined,
      };
  const publicPaths = new Set([
    `${basePath}/openapi.json`,
    `${basePath}/docs`,
    '/health',
    '/health/byok',
    '/health/ready',
    '/metrics',
  ]);

  const app = new OpenAPIHono<HttpEnv>({
    defaultHook: (result) => {
      // zod-validator passes the raw input as `data` (untyped): used to tell "missing" from "wrong".
      if (!result.success)
        throw validationProblem(result.error, result.target, (result as { data?: unknown }).data);
    },
  });

  const respond = (c: Context<HttpEnv>, problem: HttpProblem) => {
    for (const [name, value] of Object.entries(problem.headers)) c.header(name, value);
    return c.json(errorBody(problem, c.get('requestId') ?? 'unknown'), problem.status as 400);
  };

  app.onError((error, c) => {
    const { problem, unexpected } = toProblem(error);
    if (unexpected) {
      const err = error instanceof Error ? error : new Error(String(error));
      logger.error(
        { requestId: c.get('requestId'), err: { name: err.name, message: err.message, stack: err.stack } },
        'unexpected error',
      );
    }
    return respond(c, problem);
  });

  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0) return respond(c, methodNotAllowed(c.req.method, allowed));
    const path = c.req.path.length > 200 ? `${c.req.path.slice(0, 200)}…` : c.req.path;
    return respond(c, notFound(`No route for ${c.req.method} ${path}`));
  });

  // Request id, standard headers and metrics for every answer, errors included. The headers are
  // set before the route runs, on the context: setting them on a finished response would make
  // Hono copy it into a streamed one, which costs a third of the throughput.
  app.use('*', async (c, next) => {
    const start = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && INCOMING_REQUEST_ID.test(incoming) ? incoming : nextRequestId();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    c.header('x-content-type-options', 'nosniff');
    c.header('cache-control', 'no-store');
    await next();
    const route = routeLabel(c);
    metrics.observe(c.req.method, route, c.res.status, (performance.now() - start) / 1000);
    if (logger.isLevelEnabled('debug'))
      logger.debug({ requestId, method: c.req.method, route, status: c.res.status }, 'request');
  });

  /**
   * Authenticates, throttling failures per client address and per presented token. A subject
   * already over its limit is refused before its token is even compared, so guessing the service
   * token costs a minute per few dozen tries. Without a known address (an adapter that passes
   * none) only the per-token count applies: one shared bucket would let anyone lock everyone out.
   */
  const authenticateLimited = async (c: Context<HttpEnv>): Promise<Principal> => {
    const authorization = c.req.header('authorization');
    const address = clientIp(c, trustProxy);
    const subjects: [RateLimiter, string][] = [];
    if (limits.authFailuresByAddress && address) subjects.push([limits.authFailuresByAddress, address]);
    if (limits.authFailuresByToken && authorization)
      subjects.push([limits.authFailuresByToken, tokenSubject(authorization)]);
    for (const [limiter, subject] of subjects) {
      const decision = await limiter.check(subject);
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds, 'Too many failed sign-ins');
    }
    try {
      return await authenticate(authorization, c.req.header('x-byok-user-id'));
    } catch (error) {
      if (!(error instanceof HttpProblem) || error.code !== 'UNAUTHENTICATED') throw error;
      for (const [limiter, subject] of subjects) {
        const decision = await limiter.hit(subject);
        if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds, 'Too many failed sign-ins');
      }
      throw error;
    }
  };

  const auth: MiddlewareHandler<HttpEnv> = async (c, next) => {
    if (publicPaths.has(c.req.path)) return next();
    const principal = await authenticateLimited(c);
    c.set('principal', principal);
    const userAgent = c.req.header('user-agent');
    const ip = clientIp(c, trustProxy);
    c.set('requestContext', {
      // The actor's type comes from how the caller authenticated: a JWT subject is always a user,
      // whatever it looks like ("service:alice" included).
      actor: principal.isServiceToken
        ? principal.userId
          ? { type: 'service', id: 'service', onBehalfOf: principal.userId }
          : { type: 'service', id: 'service' }
        : { type: 'user', id: principal.userId as string },
      requestId: c.get('requestId'),
      ...(ip ? { ip } : {}),
      ...(userAgent ? { userAgent: userAgent.slice(0, 256) } : {}),
    });
    const limiter = WRITE_METHODS.has(c.req.method) ? limits.writes : limits.reads;
    if (limiter) {
      const decision = await limiter.hit(principal.userId ?? 'service');
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
    }
    return next();
  };
  app.use(`${basePath}/*`, wellFormedInput(), auth, jsonBody(maxBodyBytes));

  registerAccountRoutes(app, system, basePath);
  registerKeyRoutes(app, system, basePath);
  registerWorkspaceRoutes(app, system, basePath);
  registerWorkspaceKeyRoutes(app, system, basePath);
  registerUsageRoutes(app, system, basePath);
  registerFallbackRoutes(app, system, basePath);
  registerGatewayTokenRoutes(app, system, basePath);
  registerAlertRoutes(app, system, basePath, {
    allowPrivateWebhookHosts: options.alerts?.allowPrivateWebhookHosts ?? false,
    ...(options.alerts?.resolveHost ? { resolveHost: options.alerts.resolveHost } : {}),
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['Operations'],
      summary: 'Liveness: the process is up',
      security: publicRoute,
      responses: { 200: json(LivenessResponse, 'Up', { status: 'ok' }) },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health/byok',
      tags: ['Operations'],
      summary: 'BYOK health: database, master key, cache and recent validations (service token only)',
      description:
        'The spec’s health check (`validateBYOKHealth`): 200 only when healthy; 503 when degraded (e.g. Redis down, a provider failing across many tenants — one tenant’s failing keys never count alone) or unhealthy (e.g. "ENCRYPTION_MASTER_KEY not configured"). It shows the master-key fingerprint and counts, so it needs the service token (`BYOK_ADMIN_TOKEN`); 401 otherwise. For monitoring and alerts; use `/health/ready` for load-balancer readiness.',
      security: adminSecurity,
      responses: {
        200: json(HealthResponse, 'Healthy', HEALTHY_EXAMPLE),
        401: {
          description: 'No service token (UNAUTHENTICATED)',
          content: { 'application/json': { schema: ErrorResponse } },
        },
        429: {
          description: 'Too many failed sign-ins (RATE_LIMITED)',
          content: { 'application/json': { schema: ErrorResponse } },
        },
        503: json(HealthResponse, 'Degraded or unhealthy; `message` says why'),
      },
    }),
    async (c) => {
      const principal = await authenticateLimited(c);
      if (!principal.isServiceToken) {
        throw unauthenticated('The detailed health report needs the service token (BYOK_ADMIN_TOKEN)');
      }
      const report = await health(system);
      return report.status === 'healthy' ? c.json(report, 200) : c.json(report, 503);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health/ready',
      tags: ['Operations'],
      summary: 'Readiness: can this instance serve requests?',
      description:
        'Public: says ready or not, nothing else (the details are in `/health/byok`, behind the service token). The same checks as `/health/byok`, but only `unhealthy` (database unreachable, master key missing or wrong) is "not ready". A degraded service still serves: a provider outage or users’ failing keys must not take every instance out of a load balancer.',
      security: publicRoute,
      responses: {
        200: json(ReadinessResponse, 'Ready (healthy or degraded)', { status: 'ready' }),
        503: json(ReadinessResponse, 'Not ready (unhealthy)', { status: 'not_ready' }),
      },
    }),
    async (c) => {
      const report = await health(system);
      return report.status === 'unhealthy'
        ? c.json({ status: 'not_ready' as const }, 503)
        : c.json({ status: 'ready' as const }, 200);
    },
  );

  // One page for everything: the library's metrics (validations, decryption errors, token usage)
  // and the HTTP metrics, unless both already live in one registry.
  const scraped =
    metrics.registry === system.metrics.registry
      ? metrics.registry
      : Registry.merge([metrics.registry, system.metrics.registry]);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['Operations'],
      summary: 'Prometheus metrics',
      description:
        '`ai_provider_validation_success_total`, `ai_provider_validation_failure_total`, `api_key_decryption_errors_total`, `token_usage_daily`, `byok_key_lookups_total` and the HTTP metrics. Labels are provider ids, route patterns and fixed words only.',
      security: publicRoute,
      responses: {
        200: {
          description: 'Prometheus text format',
          content: {
            'text/plain': {
              schema: z.string(),
              example:
                '# HELP ai_provider_validation_success_total Successful key validations\n# TYPE ai_provider_validation_success_total counter\nai_provider_validation_success_total{provider="openai"} 12\n',
            },
          },
        },
      },
    }),
    async (c) => c.text(await scraped.metrics(), 200, { 'content-type': scraped.contentType }),
  );

  registerSecuritySchemes(app);
  if (options.documentDemoSignIn) documentDemoSignIn(app, basePath);

  let document: Record<string, unknown> | undefined;
  const openapi = (): Record<string, unknown> => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'BYOK API',
        version: '0.1.0',
        description:
          'Store, list and manage your own third-party API keys and your workspaces’ keys. Credentials are encrypted at rest and never returned: keys show a masked hint and a fingerprint.',
      },
    }) as unknown as Record<string, unknown>;
    return document;
  };
  let docsPage: string | undefined;
  app.get(`${basePath}/openapi.json`, (c) => c.json(openapi()));
  app.get(`${basePath}/docs`, (c) => {
    docsPage ??= renderDocsPage(openapi());
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    c.header('cache-control', 'no-cache');
    return c.html(docsPage);
  });

  const handler = (async (request: Request, client?: { remoteAddress?: string | undefined }) =>
    app.fetch(request, { client })) as BYOKHttpHandler;
  Object.defineProperty(handler, 'registry', { value: metrics.registry, enumerable: true });
  Object.defineProperty(handler, 'openapi', { value: openapi, enumerable: true });
  return handler;
}
