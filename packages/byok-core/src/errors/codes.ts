/**
 * The one table of error codes: every error the library, the REST API, the gateway and the server's
 * configuration raise carries one of these codes, and each code answers with this HTTP status.
 * A code is stable: callers branch on it, never on the message.
 */
export const ERROR_STATUS = {
  INVALID_INPUT: 400,
  INVALID_KEY_FORMAT: 400,
  UNKNOWN_PROVIDER: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  QUOTA_EXCEEDED: 403,
  KEY_NOT_FOUND: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  KEY_NOT_ACTIVE: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  DECRYPTION_FAILED: 500,
  MASTER_KEY_MISMATCH: 500,
  INTERNAL_ERROR: 500,
  PROVIDER_VALIDATION_FAILED: 502,
  PROVIDER_UNAVAILABLE: 503,
  ENCRYPTION_NOT_CONFIGURED: 503,
  MASTER_KEY_SOURCE_FAILED: 503,
  NO_KEY_AVAILABLE: 404,
  DATABASE_UNAVAILABLE: 503,
  AUDIT_LOG_TAMPERED: 500,
  METHOD_NOT_ALLOWED: 405,
  DATA_FOLDER_LOCKED: 409,
  DATABASE_NOT_FOUND: 503,
  PROVIDER_NOT_ENABLED: 400,
  BUDGET_EXCEEDED: 429,
  UPSTREAM_ERROR: 502,
  /** An option or environment variable that does not parse (the configuration step, `resolveConfig`). */
  INVALID_CONFIG: 500,
  /** The CLI was called wrongly (exit status 2). */
  CLI_USAGE: 400,
  /** A CLI command ran and failed (exit status 1). */
  CLI_FAILED: 500,
  /** A CLI command stopped before its end and can be run again (exit status 130). */
  CLI_INTERRUPTED: 500,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CLIENT_CLOSED: 499,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * What each code means, said to the caller: the message of an error raised without one of its own,
 * and the meaning the OpenAPI document and the docs give the code.
 */
export const ERROR_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  INVALID_INPUT: 'The input is not valid',
  INVALID_KEY_FORMAT: 'The credential does not have the format this provider uses',
  UNKNOWN_PROVIDER: 'Unknown provider',
  UNAUTHENTICATED: 'Missing or invalid bearer token',
  FORBIDDEN: 'Not allowed',
  QUOTA_EXCEEDED: 'A quota was reached',
  KEY_NOT_FOUND: 'Key not found',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflicts with the current state',
  KEY_NOT_ACTIVE: 'The key is revoked, disabled or deleted',
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  RATE_LIMITED: 'Too many requests',
  DECRYPTION_FAILED: 'Failed to decrypt API key',
  MASTER_KEY_MISMATCH: 'The master key matches no stored fingerprint',
  INTERNAL_ERROR: 'Internal server error',
  PROVIDER_VALIDATION_FAILED: 'Provider validation failed',
  PROVIDER_UNAVAILABLE: 'The provider is unavailable',
  ENCRYPTION_NOT_CONFIGURED: 'ENCRYPTION_MASTER_KEY not configured',
  MASTER_KEY_SOURCE_FAILED: 'The master key could not be read from its source',
  NO_KEY_AVAILABLE: 'No usable key for this provider',
  DATABASE_UNAVAILABLE: 'The database is unavailable; try again shortly',
  AUDIT_LOG_TAMPERED: 'The audit log was changed outside the service',
  METHOD_NOT_ALLOWED: 'Method not allowed here',
  DATA_FOLDER_LOCKED: 'Another process holds the data folder',
  DATABASE_NOT_FOUND: 'No database found',
  PROVIDER_NOT_ENABLED: 'This provider is not enabled',
  BUDGET_EXCEEDED: 'The monthly budget is reached',
  UPSTREAM_ERROR: 'The provider call failed',
  UNSUPPORTED_MEDIA_TYPE: 'Request body must be JSON (Content-Type: application/json)',
  CLIENT_CLOSED: 'The client closed the request',
  INVALID_CONFIG: 'Invalid configuration',
  CLI_USAGE: 'The command was called wrongly',
  CLI_FAILED: 'The command failed',
  CLI_INTERRUPTED: 'The command was interrupted and can be run again',
};

/** True for a string that is one of the codes of the table. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
