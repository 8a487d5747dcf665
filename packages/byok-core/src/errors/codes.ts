/** Every stable error code the library can raise, with the HTTP status it maps to. */
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
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
