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

const REQUEST_ID = 'req_5f2a9c1e07d4000012';
const error = (code: string, message: string, details?: Record<string, unknown>) => ({
  error: { code, message, requestId: REQUEST_ID, ...(details ? { details } : {}) },
});

/** One example answer per error status: what a client sees, `details` included where there are any. */
const EXAMPLES: Record<number, unknown> = {
  400: error(
    'INVALID_INPUT',
    'Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters',
    {
      issues: [
        { path: 'keyData', message: 'required' },
        { path: 'alias', message: 'Too big: expected string to have <=100 characters' },
      ],
    },
  ),
  401: error('UNAUTHENTICATED', 'Missing or invalid bearer token'),
  403: error('FORBIDDEN', 'Only an owner or admin of this workspace may do this'),
  404: error('KEY_NOT_FOUND', 'Key key_01JD3XK8W2M4 not found', { keyId: 'key_01JD3XK8W2M4' }),
  409: error('KEY_NOT_ACTIVE', 'Key key_01JD3XK8W2M4 is revoked'),
  413: error('PAYLOAD_TOO_LARGE', 'Request body is larger than 65536 bytes'),
  415: error('UNSUPPORTED_MEDIA_TYPE', 'Request body must be JSON (Content-Type: application/json)'),
  429: error('RATE_LIMITED', 'Too many requests; try again in 12 seconds'),
  503: error('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly'),
};

/**
 * Error answers of a route, for the OpenAPI document, each with an example. 503 is always among
 * them: any route that reads or writes the database answers 503 DATABASE_UNAVAILABLE while it
 * cannot reach it.
 */
export function errorResponses(...statuses: number[]) {
  const all = statuses.includes(503) ? statuses : [...statuses, 503];
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Error',
        content: {
          'application/json': {
            schema: ErrorResponse,
            ...(EXAMPLES[status] ? { example: EXAMPLES[status] } : {}),
          },
        },
      },
    ]),
  );
}

/**
 * Who may call a route that acts for a user: a user's JWT (HS256 with the shared secret, or
 * RS256/ES256 checked against the JWKS), or the service token naming the user in `X-BYOK-User-Id`.
 */
type SecurityRequirement = Record<string, string[]>;

export const security: SecurityRequirement[] = [
  { bearerAuth: [] },
  { jwksBearer: [] },
  { adminToken: [], actingUser: [] },
];

/** Routes the service token may also call for nobody in particular (`/me`, `/providers`, `/audit`). */
export const serviceSecurity: SecurityRequirement[] = [...security, { adminToken: [] }];

/** The detailed health report: the service token only. */
export const adminSecurity: SecurityRequirement[] = [{ adminToken: [] }];

/** A public route: the document says so explicitly (`security: []`), rather than by omission. */
export const publicRoute: SecurityRequirement[] = [];

export const json = <T>(schema: T, description: string, example?: unknown) => ({
  description,
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});

export const jsonBody = <T>(schema: T, required = true, example?: unknown) => ({
  required,
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});
