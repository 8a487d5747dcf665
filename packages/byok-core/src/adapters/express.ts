import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { completionsMade, createBYOKAIIntegration } from '../integrations/ai.js';
import { integrationServices } from '../integrations/services.js';
import type { BYOKAIConfig, CreateAIConfigOptions } from '../integrations/types.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { acceptedUserId, defaultUserId } from './user-id.js';

declare global {
  namespace Express {
    interface Request {
      /** Set by `BYOKAIMiddleware`: true when the signed-in user has at least one usable AI key. */
      byokEnabled?: boolean;
      /** Set by `BYOKAIMiddleware`: the signed-in user's AI configuration (server-side only). */
      aiConfig?: BYOKAIConfig;
    }
  }
}

export interface BYOKAIMiddlewareOptions {
  /**
   * The signed-in user's id, from your authentication (never from the request body or query).
   * Default `req.user?.id` (Passport and most session middlewares). Return nothing for "no user".
   */
  getUserId?: (req: Request) => unknown;
  /** Passed to `createConfigWithBYOK` for every request. */
  config?: CreateAIConfigOptions;
}

/**
 * Express middleware that gives each request its user's AI configuration.
 *
 * `middleware` sets `req.aiConfig` and `req.byokEnabled` (false without a signed-in user or without
 * a usable key: a request never sees another user's keys). `usageMiddleware` records one request
 * for the user's default provider when the response finishes (an error if its status is 4xx/5xx),
 * unless the route already called the provider through `aiConfig`, which records the real figures.
 *
 * @example
 * const aiMiddleware = new BYOKAIMiddleware(byokManager, { getUserId: (req) => req.session?.userId });
 * app.use('/api/ai', aiMiddleware.middleware);
 * app.use('/api/ai', aiMiddleware.usageMiddleware);
 */
export class BYOKAIMiddleware {
  readonly middleware: RequestHandler;
  readonly usageMiddleware: RequestHandler;

  constructor(manager: BYOKManager, options: BYOKAIMiddlewareOptions = {}) {
    const ai = createBYOKAIIntegration(manager);
    const services = integrationServices(manager);
    const getUserId = options.getUserId ?? defaultUserId;

    this.middleware = (req: Request, _res: Response, next: NextFunction): void => {
      // Whatever an earlier handler left here is not this user's.
      req.byokEnabled = false;
      req.aiConfig = undefined;
      (async () => {
        const userId = acceptedUserId(await getUserId(req));
        if (userId === undefined) return;
        const config = await ai.configFactory.createConfigWithBYOK(userId, options.config);
        req.aiConfig = config;
        req.byokEnabled = config.defaultProvider !== null;
      })().then(() => next(), next);
    };

    this.usageMiddleware = (req: Request, res: Response, next: NextFunction): void => {
      let done = false;
      const record = (success: boolean): void => {
        if (done) return;
        done = true;
        const config = req.aiConfig;
        const provider = config?.defaultProvider ? config.providers[config.defaultProvider] : undefined;
        if (!config || !provider || completionsMade(config) > 0) return;
        services
          .recordUsage({
            ...(provider.wasSystemFallback ? {} : { keyId: provider.keyId }),
            userId: config.userId,
            provider: provider.provider,
            requests: 1,
            success,
          })
          .catch((error: unknown) =>
            services.logger.error(
              { provider: provider.provider, err: { name: (error as Error)?.name } },
              'usage could not be recorded',
            ),
          );
      };
      res.once('finish', () => record(res.statusCode < 400));
      // A client that hangs up before the answer is complete: the request failed.
      res.once('close', () => record(false));
      next();
    };
  }
}
