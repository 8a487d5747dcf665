import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { BYOKError, type ErrorCode, isBYOKError, validationError } from '../errors/index.js';

export { unknownProviderMessage } from '../errors/index.js';

/** Codes the REST API answers with: the codes of the one table (`errors/codes.ts`). */
export type HttpErrorCode = ErrorCode;

/** The body of every error answer. `details` only for a 4xx error that has safe facts to give. */
export interface ErrorBody {
  error: { code: HttpErrorCode; message: string; requestId: string; details?: Record<string, unknown> };
}

/**
 * An error the HTTP layer answers with as is: a BYOKError (stable code, the status of its code, a
 * message meant for the caller, never an internal detail or a secret) plus extra headers
 * (Retry-After, Allow, WWW-Authenticate).
 */
export class HttpProblem extends BYOKError {
  readonly headers: Record<string, string>;

  constructor(
    code: HttpErrorCode,
    message?: string,
    options: { headers?: Record<string, string>; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, message, {
      ...(options.details ? { details: options.details } : {}),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'HttpProblem';
    this.headers = options.headers ?? {};
  }
}

const problem = (code: ErrorCode, message?: string, headers?: Record<string, string>) =>
  new HttpProblem(code, message, headers ? { headers } : {});

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
export const unsupportedMediaType = (): HttpProblem => problem('UNSUPPORTED_MEDIA_TYPE');
export const rateLimited = (retryAfterSeconds: number, what = 'Too many requests'): HttpProblem =>
  problem('RATE_LIMITED', `${what}; try again in ${retryAfterSeconds} seconds`, {
    'retry-after': String(retryAfterSeconds),
  });

export const methodNotAllowed = (method: string, allowed: readonly string[]): HttpProblem =>
  problem('METHOD_NOT_ALLOWED', `${method} is not allowed here; allowed: ${allowed.join(', ')}`, {
    allow: allowed.join(', '),
  });

const TARGETS: Record<string, string> = { json: 'request body', query: 'query', param: 'path' };

/**
 * A failed schema check of a request part (`json`, `query`, `param`): the library's one
 * zod-to-error path ({@link validationError}), named after the part.
 */
export function validationProblem(error: ZodError, target: string, input?: unknown): BYOKError {
  return validationError(error, TARGETS[target] ?? target, input);
}

/** What Hono's own 4xx exceptions (a malformed body, a wrong method) become. */
function fromHttpException(status: number): HttpProblem {
  if (status === 413) return payloadTooLarge();
  if (status === 415) return unsupportedMediaType();
  if (status === 401) return unauthenticated();
  if (status === 404) return notFound('Not found');
  if (status === 400) return invalid('Malformed request');
  return invalid('Bad request');
}

/**
 * Turns anything thrown into the answer the caller may see. Library errors keep their code,
 * message and details (they are written for callers and never hold a secret), except
 * INTERNAL_ERROR; anything else is a generic 500.
 */
export function toProblem(error: unknown): { problem: HttpProblem; unexpected: boolean } {
  if (error instanceof HttpProblem) return { problem: error, unexpected: false };
  if (isBYOKError(error)) {
    if (error.code === 'INTERNAL_ERROR') return { problem: internal(), unexpected: true };
    const headers: Record<string, string> = {};
    const retryAfterMs = error.details?.retryAfterMs;
    if (typeof retryAfterMs === 'number') headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
    const translated = new HttpProblem(error.code, error.message, {
      headers,
      ...(error.details ? { details: error.details } : {}),
    });
    return { problem: translated, unexpected: false };
  }
  if (error instanceof HTTPException && error.status < 500)
    return { problem: fromHttpException(error.status), unexpected: false };
  return { problem: internal(), unexpected: true };
}

const internal = () => problem('INTERNAL_ERROR', 'Internal server error');

/**
 * The JSON body of an error answer. A 4xx error carries its `details` (field paths and messages of
 * bad input, a quota's limit); a 5xx never does: its facts are for the log, not the caller.
 */
export function errorBody(problem: HttpProblem, requestId: string): ErrorBody {
  const error: ErrorBody['error'] = { code: problem.code, message: problem.message, requestId };
  if (problem.details && problem.status < 500) error.details = problem.details;
  return { error };
}
