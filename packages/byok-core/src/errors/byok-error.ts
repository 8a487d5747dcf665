import { ERROR_MESSAGES, ERROR_STATUS, type ErrorCode } from './codes.js';

const BYOK_ERROR_MARKER = Symbol.for('@stack-2025/byok-core/error');

export interface BYOKErrorOptions {
  cause?: unknown;
  /** Safe, secret-free facts for the caller (field names, a needed fingerprint, a retry delay). */
  details?: Record<string, unknown>;
}

/**
 * The one error family of the library: every error it raises is a BYOKError or a subclass
 * (`HttpProblem`, `GatewayProblem`, …). `code` is stable and comes from the one table in
 * `codes.ts`, which also fixes `status`, the HTTP status the REST API answers with. Messages never
 * contain a credential; without one the code's own message is used.
 */
export class BYOKError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly [BYOK_ERROR_MARKER] = true;

  constructor(code: ErrorCode, message: string = ERROR_MESSAGES[code], options: BYOKErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BYOKError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** True for a BYOKError, even one made by a second copy of this package. */
export function isBYOKError(value: unknown): value is BYOKError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BYOK_ERROR_MARKER] === true
  );
}

export const encryptionNotConfigured = (): BYOKError =>
  new BYOKError('ENCRYPTION_NOT_CONFIGURED', 'ENCRYPTION_MASTER_KEY not configured');

export const decryptionFailed = (cause?: unknown): BYOKError =>
  new BYOKError('DECRYPTION_FAILED', 'Failed to decrypt API key', { cause });

export const keyNotFound = (keyId: string): BYOKError =>
  new BYOKError('KEY_NOT_FOUND', `Key ${keyId} not found`, { details: { keyId } });

export const invalidInput = (message: string, details?: Record<string, unknown>): BYOKError =>
  new BYOKError('INVALID_INPUT', message, details ? { details } : {});
