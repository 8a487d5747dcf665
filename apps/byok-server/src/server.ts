import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { type BYOKSystem, createBYOKForStack2025, createLogger, type Logger } from '@stack-2025/byok-core';
import { createGatewayHandler, type GatewayHandler, pathOf } from '@stack-2025/byok-core/gateway';
import { createBYOKHttpHandler } from '@stack-2025/byok-core/http';
import type { Redis } from 'ioredis';
import { ensureJwtSecret, ensureMasterKey, type ServerConfig } from './config.js';
import { createDashboard, type Dashboard } from './dashboard.js';
import { openDatabase } from './database.js';
import { createDemoSignIn, type DemoSignIn } from './demo.js';
import { type BackgroundJobs, type JobOptions, startBackgroundJobs } from './jobs.js';
import { resolveKeySources } from './master-key/resolve.js';

export interface RunningServer {
  /** `http://host:port` it listens on. */
  url: string;
  /** The address to open in a browser (`localhost` when listening on every interface). */
  openUrl: string;
  system: BYOKSystem;
  jobs: BackgroundJobs;
  /** Whether the built dashboard was found. */
  dashboard: boolean;
  /** Stops accepting, lets in-flight requests finish (up to `drainMs`), then closes pools, PGlite and Redis. */
  close(): Promise<void>;
  /**
   * Reads the master key again from its source (`SIGHUP`): a file, Secrets Manager, KMS or Vault.
   * A new key is used only if it reads every stored data key; otherwise the old one stays.
   * Resolves true when the key ring changed.
   */
  reloadMasterKey(): Promise<boolean>;
}

export interface StartOptions {
  logger?: Logger;
  /** How long `close()` waits for in-flight requests before cutting connections. Default 10 s. */
  drainMs?: number;
  /** Intervals of the background jobs (tests shorten them). */
  jobs?: Partial<Omit<JobOptions, 'validation'>>;
}

const formatHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * One `fetch` for the service's REST side: the demo sign-in, then the REST API (`basePath`,
 * `/health*`, `/metrics`), then the dashboard for every other GET. A non-GET outside the API goes
 * to the API handler, which answers its JSON 404. With an empty base path every path is the API's.
 */
export function createServiceFetch(parts: {
  handler: (request: Request, client?: { remoteAddress?: string | undefined }) => Promise<Response>;
  dashboard: Dashboard;
  demo: DemoSignIn;
  basePath: string;
}): (request: Request, client?: { remoteAddress?: string | undefined }) => Promise<Response> {
  const { handler, dashboard, demo, basePath } = parts;
  const isApi = (path: string) =>
    basePath === '' ||
    path === basePath ||
    path.startsWith(`${basePath}/`) ||
    path === '/health' ||
    path.startsWith('/health/') ||
    path === '/metrics';
  const demoPath = `${basePath}/auth/demo`;
  return async (request, client) => {
    const path = pathOf(request.url);
    if (path === demoPath) return (await demo.handle(request)) ?? handler(request, client);
    if (isApi(path)) return handler(request, client);
    if (request.method === 'GET' || request.method === 'HEAD')
      return withRequestId(request, await dashboard.serve(request));
    return handler(request, client);
  };
}

/**
 * The `node:http` listener of the service: the gateway's paths (`/v1/…`, `/anthropic/…`) go
 * straight to its Node entry, before anything else and without Fetch API objects (the hot path);
 * every other request (and the demo sign-in, wherever the base path puts it) to `rest`.
 */
export function createServiceListener(parts: {
  rest: (req: IncomingMessage, res: ServerResponse) => unknown;
  gateway: Pick<GatewayHandler, 'handles' | 'node'>;
  demoPath: string;
}): (req: IncomingMessage, res: ServerResponse) => void {
  const { rest, gateway, demoPath } = parts;
  return (req, res) => {
    const path = pathOf(req.url ?? '/');
    if (gateway.handles(path) && path !== demoPath) void gateway.node(req, res);
    else void rest(req, res);
  };
}

const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The dashboard's files carry a request id too, like every answer of the API. */
function withRequestId(request: Request, response: Response): Response {
  if (response.headers.has('x-request-id')) return response;
  const incoming = request.headers.get('x-request-id');
  const id =
    incoming && INCOMING_REQUEST_ID.test(incoming) ? incoming : `req_${randomBytes(10).toString('hex')}`;
  try {
    response.headers.set('x-request-id', id);
    return response;
  } catch {
    // Immutable headers (Response.redirect): copy.
    const headers = new Headers(response.headers);
    headers.set('x-request-id', id);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/** Opens the database (and Redis), builds the BYOK system and serves the REST API over HTTP. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // The database (and with PGlite the data folder's lock) first: a second process on the same
  // folder stops here, before it touches anything in it.
  const database = await openDatabase(config, { logger });
  let resolved: ServerConfig;
  let redis: Redis | undefined;
  let system: BYOKSystem | undefined;
  try {
    resolved = await ensureJwtSecret(await ensureMasterKey(config, logger), logger);
    if (resolved.redisUrl) {
      // Loaded only when configured: the embedded default runs without the client in memory.
      const { Redis } = await import('ioredis');
      redis = new Redis(resolved.redisUrl, { maxRetriesPerRequest: 1, connectionName: 'byok-service' });
      let lastWarning = 0;
      redis.on('error', (error: Error) => {
        if (Date.now() - lastWarning < 30_000) return;
        lastWarning = Date.now();
        logger.warn({ err: { message: error.message } }, 'Redis error; the cache falls back to the database');
      });
    }
    system = await createBYOKForStack2025({
      encryptionKey: resolved.encryptionKey,
      decryptionKeys: resolved.decryptionKeys,
      postgresClient: database.client,
      ...(redis ? { redisClient: redis } : {}),
      ...(resolved.enabledProviders ? { enabledProviders: resolved.enabledProviders } : {}),
      cacheTtl: resolved.cacheTtl,
      logger,
      validation: { enabled: resolved.enableValidation, timeout: resolved.validationTimeout },
      fallback: { enabled: resolved.enableFallback },
      audit: { enabled: resolved.enableAudit, retentionDays: resolved.auditRetentionDays },
      providers: resolved.providerBaseUrls,
      // Outside production an alert may go to a local receiver; in production only to public hosts.
      alerts: { allowPrivateWebhookHosts: !resolved.production },
      quotas: resolved.quotas,
      allowLegacyCiphertext: resolved.allowLegacyCiphertext,
    });
  } catch (error) {
    redis?.disconnect();
    await database.close().catch(() => undefined);
    throw error;
  }
  const byok = system;

  const handler = createBYOKHttpHandler({
    system: byok,
    auth: resolved.auth,
    basePath: resolved.basePath,
    trustProxy: resolved.trustProxy,
    logger,
    // The demo sign-in below is served beside the API: the document shows it where it answers.
    documentDemoSignIn: !resolved.production && Boolean(resolved.auth.jwtSecret),
    // Outside production an alert may go to a local receiver; in production only to public hosts.
    alerts: { allowPrivateWebhookHosts: !resolved.production },
    // Each limit is off at 0; with Redis the counts are shared (in-process while it is down).
    rateLimit: {
      writesPerMinute: resolved.rateLimitWritesPerMinute,
      readsPerMinute: resolved.rateLimitReadsPerMinute,
      authFailuresPerMinute: resolved.rateLimitAuthFailuresPerMinute,
      authFailuresPerTokenPerMinute: resolved.rateLimitAuthFailuresPerToken,
      ...(redis ? { redis } : {}),
    },
  });
  if (!resolved.auth.jwtSecret && !resolved.auth.jwksUrl && !resolved.auth.adminToken) {
    logger.warn(
      'No BYOK_JWT_SECRET, BYOK_JWKS_URL or BYOK_ADMIN_TOKEN is set: every API call will answer 401',
    );
  }

  const dashboard = await createDashboard(resolved.dashboardDir);
  if (!dashboard.available) {
    logger.warn(
      { dir: resolved.dashboardDir },
      'Dashboard not built: `/` explains how (npm run build:app -w @stack-2025/byok-ui). The API works without it.',
    );
  }
  const demo = createDemoSignIn({
    system: byok,
    basePath: resolved.basePath,
    enabled: !resolved.production,
    jwtSecret: resolved.auth.jwtSecret,
    logger,
  });
  const gateway = createGatewayHandler({ system: byok, ...(redis ? { redis } : {}) });
  const fetch = createServiceFetch({ handler, dashboard, demo, basePath: resolved.basePath });
  const jobs = await startBackgroundJobs(byok, logger, {
    validation: resolved.enableValidation,
    ...(resolved.usageRetention ? { usageRetention: resolved.usageRetention } : {}),
    ...options.jobs,
  });

  const rest = getRequestListener((request, env) =>
    fetch(request, { remoteAddress: (env as HttpBindings).incoming.socket.remoteAddress }),
  );
  const server = createServer(
    createServiceListener({ rest, gateway, demoPath: `${resolved.basePath}/auth/demo` }),
  );
  server.listen(resolved.port, resolved.host);
  if (resolved.maxConnections) server.maxConnections = resolved.maxConnections;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (error) => {
    await jobs.stop().catch(() => undefined);
    await byok.close().catch(() => undefined);
    redis?.disconnect();
    await database.close().catch(() => undefined);
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${formatHost(resolved.host)}:${port}`;
  // So that a CLI refused by the lock can say where the running service is.
  await database.lock?.describe({ url }).catch(() => undefined);
  const everywhere = resolved.host === '0.0.0.0' || resolved.host === '::';
  const openUrl = `http://${everywhere ? 'localhost' : formatHost(resolved.host)}:${port}/`;
  logger.info(
    {
      url,
      openUrl,
      database: database.description,
      redis: Boolean(redis),
      masterKey: resolved.encryptionKeySource,
      dashboard: dashboard.available,
      demo: !resolved.production,
    },
    `BYOK server listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info('shutting down: draining in-flight requests');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        drained,
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            server.closeAllConnections();
            resolve();
          }, options.drainMs ?? 10_000);
        }),
      ]);
      clearTimeout(timer);
      await jobs.stop().catch((error) => logger.warn({ err: { message: (error as Error).message } }, 'jobs'));
      await gateway.close().catch(() => undefined);
      await byok
        .close()
        .catch((error) => logger.warn({ err: { message: (error as Error).message } }, 'close'));
      await database.close().catch(() => undefined);
      if (redis) await redis.quit().catch(() => redis?.disconnect());
      logger.info('stopped');
    })();
    return closing;
  };

  let currentKeys = JSON.stringify([resolved.encryptionKey, resolved.decryptionKeys]);
  const reloadMasterKey = async (): Promise<boolean> => {
    if (config.keySource.kind === 'env') {
      logger.info('SIGHUP: the master key comes from the environment; restart the process to change it');
      return false;
    }
    try {
      const next = await resolveKeySources(config);
      const nextKeys = JSON.stringify([next.encryptionKey, next.decryptionKeys]);
      if (!next.encryptionKey || nextKeys === currentKeys) {
        logger.info({ source: config.keySource.kind }, 'master key re-read: unchanged');
        return false;
      }
      const fingerprint = await byok.reloadMasterKeys({
        encryptionKey: next.encryptionKey,
        decryptionKeys: next.decryptionKeys,
      });
      currentKeys = nextKeys;
      logger.warn({ source: config.keySource.kind, fingerprint }, 'master key re-read: new key ring in use');
      return true;
    } catch (error) {
      const e = error as { code?: string; message?: string };
      logger.error(
        { source: config.keySource.kind, code: e.code, err: { message: e.message } },
        'master key re-read failed: the previous key ring stays in use',
      );
      return false;
    }
  };

  return { url, openUrl, system: byok, jobs, dashboard: dashboard.available, close, reloadMasterKey };
}
