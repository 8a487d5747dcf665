import { TRPCError, type TRPCMiddlewareFunction } from '@trpc/server';
import { createBYOKAIIntegration } from '../integrations/ai.js';
import type { BYOKAIConfig, CreateAIConfigOptions } from '../integrations/types.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { acceptedUserId, defaultUserId } from './user-id.js';

export interface BYOKTRPCMiddlewareOptions<TContext = unknown> {
  /** The signed-in user's id, from the context your `createContext` built. Default `ctx.user?.id`. */
  getUserId?: (ctx: TContext) => unknown;
  /** Passed to `createConfigWithBYOK` for every call. */
  config?: CreateAIConfigOptions;
}

/**
 * A tRPC middleware function that adds the signed-in user's AI configuration as `ctx.byokConfig`.
 * Throws `UNAUTHORIZED` when the context has no user: a call never sees another user's keys.
 *
 * @example
 * const withBYOK = t.middleware(byokMiddleware(byokManager));
 * const chat = t.procedure.use(withBYOK).mutation(({ ctx }) => ctx.byokConfig.providers.openai?.complete('Hi'));
 */
export function byokMiddleware<TContext extends object = object, TMeta = unknown>(
  manager: BYOKManager,
  options: BYOKTRPCMiddlewareOptions<TContext> = {},
): TRPCMiddlewareFunction<TContext, TMeta, object, { byokConfig: BYOKAIConfig }, unknown> {
  const ai = createBYOKAIIntegration(manager);
  const getUserId = options.getUserId ?? defaultUserId;
  return async ({ ctx, next }) => {
    const userId = acceptedUserId(await getUserId(ctx as unknown as TContext));
    if (userId === undefined) {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to use your AI keys' });
    }
    const byokConfig = await ai.configFactory.createConfigWithBYOK(userId, options.config);
    return next({ ctx: { ...ctx, byokConfig } });
  };
}
