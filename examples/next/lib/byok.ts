/**
 * The app's BYOK system, made once per server process (the guide's `@/lib/byok`).
 * Env: BYOK_ENCRYPTION_KEY (32+ chars), BYOK_JWT_SECRET (your auth's HS256 secret), and
 * DATABASE_URL for PostgreSQL (without it: PGlite in BYOK_DATA_DIR, in memory when unset).
 */
import { PGlite } from '@electric-sql/pglite';
import { createBYOKForStack2025 } from '@stack-2025/byok-core';
import { jwtVerify } from 'jose';
import pg from 'pg';

export const byokSystem = await createBYOKForStack2025({
  encryptionKey: process.env.BYOK_ENCRYPTION_KEY,
  postgresClient: process.env.DATABASE_URL
    ? new pg.Pool({ connectionString: process.env.DATABASE_URL })
    : new PGlite(process.env.BYOK_DATA_DIR),
});

export const { manager: byokManager } = byokSystem;

export const jwtSecret = process.env.BYOK_JWT_SECRET ?? '';

/** The signed-in user, from your auth (here an HS256 JWT in `Authorization: Bearer`), or undefined. */
export async function getUserId(request: Request): Promise<string | undefined> {
  const token = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token || !jwtSecret) return undefined;
  try {
    const secret = new TextEncoder().encode(jwtSecret);
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
    });
    return payload.sub;
  } catch {
    return undefined;
  }
}
