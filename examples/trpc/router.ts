/**
 * The guide's "tRPC Integration" sample as a router: `chatWithAI` answers with the caller's own
 * OpenAI key. The caller comes from your context (here an HS256 JWT, secret `BYOK_JWT_SECRET`).
 *
 * Run: BYOK_ENCRYPTION_KEY=<32+ chars> BYOK_JWT_SECRET=<secret> \
 *      node --conditions=@stack-2025/source --import tsx examples/trpc/router.ts
 */
import { pathToFileURL } from 'node:url';
import { type BYOKManager, createBYOKForStack2025 } from '@stack-2025/byok-core';
import { byokMiddleware } from '@stack-2025/byok-core/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { type CreateHTTPContextOptions, createHTTPServer } from '@trpc/server/adapters/standalone';
import { jwtVerify } from 'jose';
import { z } from 'zod';

export interface Context {
  user: { id: string } | null;
}

/** Your session lookup: a JWT whose `sub` is the user id; no valid token, no user. */
export function contextFactory(jwtSecret: string) {
  const secret = new TextEncoder().encode(jwtSecret);
  return async ({ req }: Pick<CreateHTTPContextOptions, 'req'>): Promise<Context> => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return { user: null };
    try {
      const { payload } = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
      });
      return { user: payload.sub ? { id: payload.sub } : null };
    } catch {
      return { user: null };
    }
  };
}

export function createByokRouter(byokManager: BYOKManager) {
  const t = initTRPC.context<Context>().create();

  // BYOK middleware
  const withBYOK = t.middleware(byokMiddleware(byokManager));

  // Protected procedure with BYOK
  return t.router({
    chatWithAI: t.procedure
      .use(withBYOK)
      .input(z.object({ message: z.string().min(1).max(10_000) }))
      .mutation(async ({ ctx, input }) => {
        // ctx.byokConfig contains the user's AI configuration
        const openai = ctx.byokConfig.providers.openai;
        if (!openai) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Add an OpenAI key first' });
        const response = await openai.complete(input.message);
        return { response };
      }),
  });
}

export type ByokRouter = ReturnType<typeof createByokRouter>;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { PGlite } = await import('@electric-sql/pglite');
  const byok = await createBYOKForStack2025({
    encryptionKey: process.env.BYOK_ENCRYPTION_KEY,
    postgresClient: new PGlite(process.env.BYOK_DATA_DIR ?? './data/trpc-example'),
  });
  const port = Number(process.env.PORT ?? 3002);
  createHTTPServer({
    router: createByokRouter(byok.manager),
    createContext: contextFactory(process.env.BYOK_JWT_SECRET ?? ''),
  }).listen(port, '127.0.0.1');
  console.log(`tRPC on http://127.0.0.1:${port} (chatWithAI)`);
}
