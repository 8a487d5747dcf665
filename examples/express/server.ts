/**
 * The guide's "Express.js Middleware" sample as a small server. Every /api/ai request gets its
 * signed-in user's AI configuration; the user comes from an HS256 JWT issued by your auth
 * (`Authorization: Bearer …`, secret `BYOK_JWT_SECRET`), never from the request body.
 *
 * Run: BYOK_ENCRYPTION_KEY=<32+ chars> BYOK_JWT_SECRET=<secret> \
 *      node --conditions=@stack-2025/source --import tsx examples/express/server.ts
 * (PGlite in ./data/express-example, or DATABASE_URL for PostgreSQL.)
 */
import { pathToFileURL } from 'node:url';
import {
  type BYOKAIConfig,
  BYOKAIMiddleware,
  type BYOKManager,
  createBYOKForStack2025,
  isBYOKError,
} from '@stack-2025/byok-core';
import express, { type ErrorRequestHandler, type Express as ExpressApp, type RequestHandler } from 'express';
import { jwtVerify } from 'jose';

declare global {
  namespace Express {
    interface Request {
      user?: { id: string };
    }
  }
}

/** Your authentication: here a JWT whose `sub` is the user id. Without a valid token there is no user. */
function authenticate(jwtSecret: string): RequestHandler {
  const secret = new TextEncoder().encode(jwtSecret);
  return (req, _res, next) => {
    const token = /^Bearer (\S+)$/.exec(req.header('authorization') ?? '')?.[1];
    if (!token) return next();
    jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }).then(
      ({ payload }) => {
        if (payload.sub) req.user = { id: payload.sub };
        next();
      },
      () => next(),
    );
  };
}

/** Answers with the user's default provider (the first one they have a key for). */
async function processWithAI(aiConfig: BYOKAIConfig | undefined, message: unknown): Promise<string> {
  const provider = aiConfig?.defaultProvider ? aiConfig.providers[aiConfig.defaultProvider] : undefined;
  if (!provider) throw new Error('no AI provider configured');
  return provider.complete(String(message ?? ''));
}

export function createApp(byokManager: BYOKManager, jwtSecret: string): ExpressApp {
  const app = express();
  app.use(express.json({ limit: '64kb' }));
  app.use(authenticate(jwtSecret));

  const aiMiddleware = new BYOKAIMiddleware(byokManager);

  // Add BYOK middleware
  app.use('/api/ai', aiMiddleware.middleware);
  app.use('/api/ai', aiMiddleware.usageMiddleware);

  // Use in routes
  app.post('/api/ai/chat', async (req, res) => {
    if (req.byokEnabled) {
      // Use BYOK-configured AI
      const response = await processWithAI(req.aiConfig, req.body.message);
      res.json({ response });
    } else {
      res.status(400).json({ error: 'BYOK not configured' });
    }
  });

  // Library errors carry a status and a stable code; their messages never contain a key.
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    if (isBYOKError(error)) res.status(error.status).json({ error: error.code, message: error.message });
    else res.status(500).json({ error: 'INTERNAL_ERROR' });
  };
  app.use(onError);
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await import('pg');
  const postgresClient = process.env.DATABASE_URL
    ? new pg.default.Pool({ connectionString: process.env.DATABASE_URL })
    : new PGlite(process.env.BYOK_DATA_DIR ?? './data/express-example');
  const byok = await createBYOKForStack2025({
    encryptionKey: process.env.BYOK_ENCRYPTION_KEY,
    postgresClient,
  });
  const port = Number(process.env.PORT ?? 3001);
  createApp(byok.manager, process.env.BYOK_JWT_SECRET ?? '').listen(port, '127.0.0.1', () => {
    console.log(`POST http://127.0.0.1:${port}/api/ai/chat with a Bearer JWT and {"message": "Hello"}`);
  });
}
