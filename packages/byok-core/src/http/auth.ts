import { createHash, timingSafeEqual, webcrypto } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logging/index.js';
import { isIllFormedText } from '../text/well-formed.js';
import { jsonInputProblem } from './input-guard.js';
import { invalid, unauthenticated } from './problem.js';
import type { HttpAuthOptions, Principal } from './types.js';

/** Asymmetric algorithms accepted from a JWKS; pinned so that a token cannot pick its own. */
const JWKS_ALGORITHMS = ['RS256', 'ES256'];
const CLOCK_TOLERANCE_SECONDS = 5;
/** Tokens whose signature and claims were checked, remembered (until their `exp`, at most this long). */
const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 10_000;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A user id as the store accepts it: 1–255 characters, no whitespace, NUL or lone surrogate (the
 * database would store that as U+FFFD, so two ids would become one owner: refused, not normalised).
 */
export function isValidUserId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= 255 &&
    !/[\s\0]/.test(value) &&
    !isIllFormedText(value)
  );
}

/** Whether a JWT's payload segment is well-formed UTF-8 (jose would turn bad bytes into U+FFFD). */
function payloadIsUtf8(token: string): boolean {
  const segment = token.split('.')[1];
  if (segment === undefined) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(segment, 'base64url'));
    return true;
  } catch {
    return false;
  }
}

export type Authenticate = (
  authorization: string | undefined,
  actingUser: string | undefined,
) => Promise<Principal>;

/**
 * Resolves `Authorization: Bearer …` to a principal: the service token (compared in constant time
 * on equal-length digests) or a JWT from the host app (`sub` is the user id, `exp` is required).
 * Every failure is the same 401, except an expired token, which says so.
 */
export function createAuthenticator(options: HttpAuthOptions, logger: Logger): Authenticate {
  // Imported once: given raw bytes, jose would import the HMAC key again for every request.
  const secret = options.jwtSecret
    ? webcrypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(options.jwtSecret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      )
    : undefined;
  // A client sends the same token with every request until it expires: checking its signature
  // and claims once is enough. Keyed by the whole token, so only an identical token hits; an entry
  // never outlives the token's `exp` (nor 5 minutes, so a key dropped from a JWKS stops counting).
  const verified = new LRUCache<string, { sub: unknown; exp: number; email?: unknown }>({
    max: VERIFIED_MAX,
    ttl: VERIFIED_TTL_MS,
  });
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  const adminDigest = options.adminToken ? digest(options.adminToken) : undefined;
  const claims = {
    requiredClaims: ['sub', 'exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };

  const verifyJwt = async (token: string): Promise<JWTPayload> => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthenticated();
    }
    if (!payloadIsUtf8(token)) throw unauthenticated();
    try {
      if (alg === 'HS256' && secret) {
        return (await jwtVerify(token, await secret, { ...claims, algorithms: ['HS256'] })).payload;
      }
      if (alg && JWKS_ALGORITHMS.includes(alg) && jwks) {
        return (await jwtVerify(token, jwks, { ...claims, algorithms: JWKS_ALGORITHMS })).payload;
      }
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired');
      if (
        error instanceof joseErrors.JWKSTimeout ||
        (error instanceof Error && !(error instanceof joseErrors.JOSEError))
      ) {
        logger.warn(
          { err: { name: (error as Error).name, message: (error as Error).message } },
          'JWKS unavailable',
        );
      }
      throw unauthenticated();
    }
    throw unauthenticated();
  };

  return async (authorization, actingUser) => {
    const token = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw unauthenticated();
    if (adminDigest && timingSafeEqual(digest(token), adminDigest)) {
      if (actingUser === undefined) return { userId: null, isServiceToken: true };
      if (!isValidUserId(actingUser)) {
        throw invalid('X-BYOK-User-Id must be 1-255 characters without spaces');
      }
      return { userId: actingUser, isServiceToken: true };
    }
    if (!secret && !jwks) throw unauthenticated();
    const now = Date.now();
    let payload: { sub?: unknown; exp?: number; email?: unknown } | undefined = verified.get(token);
    if (payload && (payload.exp ?? 0) * 1000 + CLOCK_TOLERANCE_SECONDS * 1000 <= now) {
      verified.delete(token);
      payload = undefined;
    }
    if (!payload) {
      const verifiedClaims = await verifyJwt(token);
      // Every claim, not only `sub`: a lone surrogate or NUL anywhere means the issuer's strings
      // are not what they seem, and nothing of the token is trusted.
      if (jsonInputProblem(verifiedClaims)) throw unauthenticated();
      payload = verifiedClaims;
      const exp = payload.exp as number;
      verified.set(
        token,
        { sub: payload.sub, exp, email: payload.email },
        { ttl: Math.min(VERIFIED_TTL_MS, Math.max(1, exp * 1000 - now)) },
      );
    }
    if (!isValidUserId(payload.sub)) throw unauthenticated();
    const email = payload.email;
    const plausibleEmail =
      typeof email === 'string' && email.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(email);
    return { userId: payload.sub, isServiceToken: false, ...(plausibleEmail ? { email } : {}) };
  };
}
