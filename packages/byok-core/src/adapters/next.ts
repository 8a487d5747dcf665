import type { BYOKSystem } from '../create-byok.js';
import { BYOKError, isBYOKError } from '../errors/index.js';
import type { BYOKHttpHandler, BYOKHttpHandlerOptions } from '../http/index.js';
import { createBYOKHttpHandler } from '../http/index.js';
import { createBYOKAIIntegration } from '../integrations/ai.js';
import type { BYOKAIConfig, CreateAIConfigOptions } from '../integrations/types.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { acceptedUserId } from './user-id.js';

/** An App Router route handler: a `Request` (Next's `NextRequest` is one) in, a `Response` out. */
export type RouteHandler<TContext = unknown> = (request: Request, context: TContext) => Promise<Response>;

export interface BYOKRouteHandlers {
  GET: RouteHandler;
  POST: RouteHandler;
  PUT: RouteHandler;
  PATCH: RouteHandler;
  DELETE: RouteHandler;
}

/** Options of the REST handler, when `createBYOKRouteHandlers` builds it from a system. */
export type BYOKRouteHandlerOptions = Omit<BYOKHttpHandlerOptions, 'system' | 'basePath'> & {
  /** Where the catch-all route lives, e.g. `/api/byok` for `app/api/byok/[...path]/route.ts`. Default `/api/byok`. */
  basePath?: string;
};

const DEFAULT_BASE_PATH = '/api/byok';

/**
 * Mounts the BYOK REST API in a Next.js App Router catch-all route. Takes the REST handler, or the
 * system and the handler's options (authentication is required: the handler refuses anonymous calls).
 *
 * @example
 * // app/api/byok/[...path]/route.ts
 * export const { GET, POST, PATCH, DELETE } = createBYOKRouteHandlers(byokSystem, {
 *   basePath: '/api/byok',
 *   auth: { jwtSecret: appConfig.jwtSecret },
 * });
 */
export function createBYOKRouteHandlers(handler: BYOKHttpHandler): BYOKRouteHandlers;
export function createBYOKRouteHandlers(
  system: BYOKSystem,
  options: BYOKRouteHandlerOptions,
): BYOKRouteHandlers;
export function createBYOKRouteHandlers(
  target: BYOKHttpHandler | BYOKSystem,
  options?: BYOKRouteHandlerOptions,
): BYOKRouteHandlers {
  let handler: BYOKHttpHandler;
  if (typeof target === 'function') {
    handler = target;
  } else {
    if (!options?.auth)
      throw new BYOKError('INVALID_CONFIG', 'createBYOKRouteHandlers(system, options) needs options.auth');
    handler = createBYOKHttpHandler({
      ...options,
      system: target,
      basePath: options.basePath ?? DEFAULT_BASE_PATH,
    });
  }
  // Next gives no socket address; the client IP comes from X-Forwarded-For when `trustProxy` is set.
  const forward: RouteHandler = (request) => handler(request);
  return { GET: forward, POST: forward, PUT: forward, PATCH: forward, DELETE: forward };
}

/** What `withBYOK` hands the route: the signed-in user and their AI configuration. */
export interface BYOKRouteContext {
  userId: string;
  aiConfig: BYOKAIConfig;
  /** True when the user has at least one usable AI key. */
  byokEnabled: boolean;
}

/**
 * Wraps a route handler that needs the signed-in user's AI configuration. `getUserId` reads your
 * session (never the body); without a user the answer is 401 and `fn` is not called. A BYOKError
 * becomes its status and `{ error: { code, message } }`; any other error a bare 500.
 *
 * @example
 * export const POST = withBYOK(byokManager, (request) => getSession(request)?.userId, async (request, { aiConfig }) => {
 *   const { message } = await request.json();
 *   return Response.json({ reply: await aiConfig.providers.openai?.complete(message) });
 * });
 */
export function withBYOK<TContext = unknown>(
  manager: BYOKManager,
  getUserId: (request: Request) => unknown,
  fn: (request: Request, byok: BYOKRouteContext, context: TContext) => Response | Promise<Response>,
  options: { config?: CreateAIConfigOptions } = {},
): RouteHandler<TContext> {
  const ai = createBYOKAIIntegration(manager);
  const logger = manager.context.logger.child({ component: 'next' });
  return async (request, context) => {
    try {
      const userId = acceptedUserId(await getUserId(request));
      if (userId === undefined) {
        return errorResponse(401, 'UNAUTHENTICATED', 'Sign in to use your AI keys', {
          'www-authenticate': 'Bearer',
        });
      }
      const aiConfig = await ai.configFactory.createConfigWithBYOK(userId, options.config);
      return await fn(request, { userId, aiConfig, byokEnabled: aiConfig.defaultProvider !== null }, context);
    } catch (error) {
      if (isBYOKError(error)) return errorResponse(error.status, error.code, error.message);
      // Only the error's name: its message is the route's and may hold anything.
      logger.error({ err: { name: (error as Error)?.name } }, 'route handler failed');
      return errorResponse(500, 'INTERNAL_ERROR', 'Internal error');
    }
  };
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { error: { code, message } },
    { status, headers: { 'cache-control': 'no-store', ...headers } },
  );
}
