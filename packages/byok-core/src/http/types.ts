import type { Registry } from 'prom-client';
import type { RequestContext } from '../audit/index.js';
import type { BYOKSystem } from '../create-byok.js';
import type { Logger } from '../logging/index.js';
import type { HostResolver } from '../outbound/index.js';
import type { HealthReport } from './health.js';
import type { RateLimitRedis } from './rate-limit.js';

/** How callers prove who they are. At least one of the three should be set. */
export interface HttpAuthOptions {
  /** HS256 secret shared with the host app (`BYOK_JWT_SECRET`). */
  jwtSecret?: string | undefined;
  /** JWKS of the host app's identity provider, for RS256/ES256 tokens (`BYOK_JWKS_URL`). */
  jwksUrl?: string | undefined;
  /**
   * Service token for server-to-server calls (`BYOK_ADMIN_TOKEN`). It may act for any user named
   * in `X-BYOK-User-Id`; without that header it sees only what is not a user's (`/api/me`,
   * `/api/providers`, the whole audit log).
   */
  adminToken?: string | undefined;
  /** Expected `iss` of JWTs, when set. */
  issuer?: string | string[] | undefined;
  /** Expected `aud` of JWTs, when set. */
  audience?: string | string[] | undefined;
}

export interface HttpRateLimitOptions {
  /** Writes (POST, PATCH, PUT, DELETE, key tests) per user per minute. Default 60. */
  writesPerMinute?: number;
  /** Reads (GET, HEAD) per user (or the service token) per minute. Default 600; 0 turns it off. */
  readsPerMinute?: number;
  /**
   * Failed authentications per client address per minute. Default 30; 0 turns it off. Past it the
   * address gets 429 before its token is compared. Needs the adapter to pass the client address.
   */
  authFailuresPerMinute?: number;
  /** Failed authentications per presented token per minute (from any address). Default 10. */
  authFailuresPerTokenPerMinute?: number;
  /**
   * Shares the counts between instances (an ioredis client); while it is unreachable each process
   * counts on its own. Without it each process always counts on its own.
   */
  redis?: RateLimitRedis | undefined;
  /** Prefix of the Redis counters. Default `byok:ratelimit:`. */
  keyPrefix?: string;
}

export interface BYOKHttpHandlerOptions {
  /** What `createBYOKForStack2025()` returned. */
  system: BYOKSystem;
  auth: HttpAuthOptions;
  /** Prefix of the API routes. Default `/api`. `/health*` and `/metrics` are never prefixed. */
  basePath?: string;
  /** Largest accepted request body, counted while it is read. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Per-minute limits on writes, reads and failed sign-ins; `false` turns them all off. */
  rateLimit?: HttpRateLimitOptions | false;
  metrics?: {
    /** Registry to add the HTTP metrics to; a new one by default. */
    registry?: Registry;
    /** Add prom-client's default process metrics. Default true. */
    collectDefaultMetrics?: boolean;
  };
  alerts?: {
    /**
     * Accept alert webhook URLs that name this machine or a private network (`localhost`,
     * `127.0.0.1`, `10.…`, `169.254.…`). Default false: a user must not make the service call
     * internal endpoints. Turn it on for development, or where every user is trusted.
     */
    allowPrivateWebhookHosts?: boolean;
    /** Resolves webhook host names when an alert is created (tests inject one). Default `dns.lookup`. */
    resolveHost?: HostResolver;
  };
  /** Replaces the built-in `/health/byok` check (default: `validateBYOKHealth`). */
  health?: (system: BYOKSystem) => Promise<HealthReport>;
  /**
   * Use the last `X-Forwarded-For` address (the one the proxy in front added) as the client IP, for
   * the audit trail and the failed sign-in limit. Only behind one trusted proxy that appends it.
   */
  trustProxy?: boolean;
  logger?: Logger;
  /**
   * Document `GET`/`POST {basePath}/auth/demo` in the OpenAPI document: the standalone server
   * serves the demo sign-in beside this handler (outside production). Default false.
   */
  documentDemoSignIn?: boolean;
}

/** What an adapter knows about the connection that the `Request` does not carry. */
export interface ClientInfo {
  remoteAddress?: string | undefined;
}

/** A Web-standard handler: mount it in any server that speaks `Request`/`Response`. */
export interface BYOKHttpHandler {
  (request: Request, client?: ClientInfo): Promise<Response>;
  /** The Prometheus registry `/metrics` serves. */
  readonly registry: Registry;
  /** The OpenAPI 3.1 document of the API. */
  openapi(): Record<string, unknown>;
}

/** Who is calling. `userId` is null only for the service token acting for nobody. */
export interface Principal {
  userId: string | null;
  isServiceToken: boolean;
  /** The token's `email` claim, when it has a plausible one (the default address of e-mail alerts). */
  email?: string;
}

export type HttpEnv = {
  Bindings: { client?: ClientInfo | undefined };
  Variables: {
    requestId: string;
    principal: Principal;
    requestContext: RequestContext;
  };
};
