import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { ERROR_STATUS, type ErrorCode, isBYOKError } from '../errors/index.js';
import { ProviderType } from '../providers/index.js';

/** Codes the REST API answers with: the library's codes plus the few only HTTP has. */
export type HttpErrorCode = ErrorCode | 'UNSUPPORTED_MEDIA_TYPE';

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: HttpErrorCode; message: string; requestId: string };
}

/**
 * An error the HTTP layer answers with as is: status, stable code, a message meant for the caller
 * (never an internal detail or a secret) and extra headers (Retry-After).
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly headers: Record<string, string>;

  constructor(status: number, code: HttpErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const problem = (code: ErrorCode, message: string, headers?: Record<string, string>) =>
  new HttpProblem(ERROR_STATUS[code], code, message, headers);

export const unauthenticated = (message = 'Missing or invalid bearer token'): HttpProblem =>
  problem('UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer' });
export const forbidden = (message: string): HttpProblem => problem('FORBIDDEN', message);
export const notFound = (message: string): HttpProblem => problem('NOT_FOUND', message);
export const invalid = (message: string): HttpProblem => problem('INVALID_INPUT', message);
/**
 * 413, with `Connection: close`: the rest of the body was not read, so the connection cannot carry
 * another request; saying so lets a keep-alive client open a new one instead of being reset.
 */
export const payloadTooLarge = (maxBytes?: number): HttpProblem =>
  problem(
    'PAYLOAD_TOO_LARGE',
    maxBytes === undefined ? 'Request body is too large' : `Request body is larger than ${maxBytes} bytes`,
    { connection: 'close' },
  );
export const unsupportedMediaType = (): HttpProblem =>
  new HttpProblem(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Request body must be JSON (Content-Type: application/json)',
  );
export const rateLimited = (retryAfterSeconds: number, what = 'Too many requests'): HttpProblem =>
  problem('RATE_LIMITED', `${what}; try again in ${retryAfterSeconds} seconds`, {
    'retry-after': String(retryAfterSeconds),
  });

export const methodNotAllowed = (method: string, allowed: readonly string[]): HttpProblem =>
  problem('METHOD_NOT_ALLOWED', `${method} is not allowed here; allowed: ${allowed.join(', ')}`, {
    allow: allowed.join(', '),
  });

/** The one wording of an unknown provider: it names the valid ones (never echoes what was sent). */
export const unknownProviderMessage = (valid: readonly string[] = Object.values(ProviderType)): string =>
  `Unknown provider; expected one of ${valid.join(', ')}`;

/** A field name is shown only when it looks like an identifier: a pasted secret never is echoed. */
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeIssue(issue: ZodError['issues'][number], input: unknown): string {
  const path = issue.path.map(String).filter((part) => SAFE_NAME.test(part) || /^\d+$/.test(part));
  const where = path.length > 0 ? path.join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.filter((key) => SAFE_NAME.test(key)).map((key) => `"${key}"`);
    const hidden = issue.keys.length - names.length;
    if (hidden > 0) names.push(hidden === 1 ? 'one more' : `${hidden} more`);
    return `${where}: unknown field${issue.keys.length === 1 ? '' : 's'} ${names.join(', ')}`;
  }
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) return `${where}: required`;
  return `${where}: ${issue.message}`;
}

/**
 * A failed schema check as a 400: UNKNOWN_PROVIDER when a provider was given and is not one we
 * know, else INVALID_INPUT naming each field (never its value).
 */
export function validationProblem(error: ZodError, target: string, input?: unknown): HttpProblem {
  const providerIssue = error.issues.find((issue) => issue.path.length === 1 && issue.path[0] === 'provider');
  if (
    providerIssue &&
    (target === 'json' || target === 'query' || target === 'param') &&
    valueAt(input, ['provider']) !== undefined
  ) {
    return problem('UNKNOWN_PROVIDER', unknownProviderMessage());
  }
  const what =
    target === 'json' ? 'request body' : target === 'query' ? 'query' : target === 'param' ? 'path' : target;
  return invalid(
    `Invalid ${what}: ${error.issues
      .slice(0, 10)
      .map((issue) => describeIssue(issue, input))
      .join('; ')}`,
  );
}

/**
 * Turns anything thrown into the answer the caller may see. Library errors keep their code and
 * message (they are written for callers and never hold a secret), except INTERNAL_ERROR; anything
 * else is a generic 500.
 */
export function toProblem(error: unknown): { problem: HttpProblem; unexpected: boolean } {
  if (error instanceof HttpProblem) return { problem: error, unexpected: false };
  if (isBYOKError(error)) {
    if (error.code === 'INTERNAL_ERROR') return { problem: internal(), unexpected: true };
    const headers: Record<string, string> = {};
    const retryAfterMs = error.details?.retryAfterMs;
    if (typeof retryAfterMs === 'number') headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
    return { problem: new HttpProblem(error.status, error.code, error.message, headers), unexpected: false };
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return { problem: payloadTooLarge(), unexpected: false };
    if (error.status === 415) return { problem: unsupportedMediaType(), unexpected: false };
    if (error.status === 400) return { problem: invalid('Malformed request'), unexpected: false };
    if (error.status === 401) return { problem: unauthenticated(), unexpected: false };
    if (error.status < 500)
      return { problem: new HttpProblem(error.status, 'INVALID_INPUT', 'Bad request'), unexpected: false };
  }
  return { problem: internal(), unexpected: true };
}

const internal = () => problem('INTERNAL_ERROR', 'Internal server error');

export function errorBody(problem: HttpProblem, requestId: string): ErrorBody {
  return { error: { code: problem.code, message: problem.message, requestId } };
}
