import { BYOKError, isBYOKError } from '../errors/index.js';

/** How long a caller should wait before retrying after a lost database connection. */
export const DATABASE_RETRY_AFTER_MS = 1000;

/**
 * SQLSTATEs that mean "this connection (or the server) went away", not "this statement was wrong":
 * class 08 (connection exception) plus admin_shutdown, crash_shutdown and cannot_connect_now
 * (a server starting up or shutting down).
 */
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03']);

/** Socket-level failures reported by Node for a server that is down or a connection that was cut. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTCONN',
]);

/**
 * What pg and pg-pool say, without a code, when a connection dies or cannot be had: the socket
 * closed ("Connection terminated unexpectedly", "… due to connection timeout"), the client is
 * unusable after such an error, or the pool checkout timed out.
 */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Connection terminated due to connection timeout/,
];

const MAX_DEPTH = 4;

/**
 * True when `error` says the database could not be reached or dropped the connection — a failure
 * of the infrastructure that a retry can fix — as opposed to an error in a statement or in our
 * code. Looks through `cause` and `AggregateError.errors` (Node reports a refused connection to a
 * name with several addresses as one AggregateError).
 */
export function isDatabaseConnectionError(error: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null) return false;
  if (isBYOKError(error)) return error.code === 'DATABASE_UNAVAILABLE';
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true;
    if (SERVER_GONE_STATES.has(code) || SOCKET_CODES.has(code)) return true;
  }
  if (typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseConnectionError(inner, depth + 1)))
    return true;
  return isDatabaseConnectionError(cause, depth + 1);
}

/** The error every caller sees for a lost or unreachable database: 503 with a retry delay. */
export const databaseUnavailable = (cause?: unknown): BYOKError =>
  new BYOKError('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly', {
    cause,
    details: { retryAfterMs: DATABASE_RETRY_AFTER_MS },
  });

/**
 * The one place a driver error becomes `DATABASE_UNAVAILABLE`: a connection-class error is
 * replaced, anything else (a constraint violation, a syntax error, our own bug) passes unchanged.
 */
export function toDatabaseError(error: unknown): unknown {
  if (isBYOKError(error)) return error;
  return isDatabaseConnectionError(error) ? databaseUnavailable(error) : error;
}
