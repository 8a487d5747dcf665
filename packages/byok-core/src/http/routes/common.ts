import { ErrorResponse } from '../schemas.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT)',
  401: 'Missing, invalid or expired token (UNAUTHENTICATED)',
  403: 'Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED)',
  404: 'Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND)',
  409: 'Conflicts with the current state (CONFLICT), e.g. usage on a revoked, disabled or deleted key (KEY_NOT_ACTIVE)',
  413: 'Body larger than the limit (PAYLOAD_TOO_LARGE)',
  415: 'Body is not JSON (UNSUPPORTED_MEDIA_TYPE)',
  429: 'Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED)',
  503: 'Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED)',
};

/**
 * Error answers of a route, for the OpenAPI document. 503 is always among them: any route that
 * reads or writes the database answers 503 DATABASE_UNAVAILABLE while it cannot reach it.
 */
export function errorResponses(...statuses: number[]) {
  const all = statuses.includes(503) ? statuses : [...statuses, 503];
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: ErrorResponse } },
      },
    ]),
  );
}

export const security = [{ bearerAuth: [] }];

export const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});
