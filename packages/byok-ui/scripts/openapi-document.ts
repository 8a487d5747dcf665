/*
 * The REST API's OpenAPI document, built in process: a BYOK system on an in-memory PGlite and the
 * HTTP handler, asked for `/api/openapi.json` through `fetch` semantics with no socket opened.
 */
import { createBYOKForStack2025, createLogger } from '@stack-2025/byok-core';
import { createBYOKHttpHandler } from '@stack-2025/byok-core/http';
import { createTestDatabase } from '@stack-2025/byok-core/testing';

// Only to start the system: nothing is encrypted or signed while the document is read.
const MASTER_KEY = 'openapi-document-master-key-0123456789abcdef';
const JWT_SECRET = 'openapi-document-jwt-secret-0123456789abcdef';

/** The document the handler serves at `/api/openapi.json`, parsed. */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const db = await createTestDatabase();
  const logger = createLogger({ level: 'silent' });
  const system = await createBYOKForStack2025({
    encryptionKey: MASTER_KEY,
    decryptionKeys: [],
    postgresClient: db,
    logger,
  });
  try {
    const handler = createBYOKHttpHandler({
      system,
      logger,
      auth: { jwtSecret: JWT_SECRET },
      metrics: { collectDefaultMetrics: false },
    });
    const response = await handler(new Request('http://127.0.0.1/api/openapi.json'));
    if (!response.ok) throw new Error(`The handler answered ${response.status} for /api/openapi.json`);
    return (await response.json()) as Record<string, unknown>;
  } finally {
    await system.close();
    await db.close();
  }
}
