export {
  BYOKError,
  type BYOKErrorOptions,
  decryptionFailed,
  encryptionNotConfigured,
  invalidInput,
  isBYOKError,
  keyNotFound,
} from './byok-error.js';
export { ERROR_MESSAGES, ERROR_STATUS, type ErrorCode, isErrorCode } from './codes.js';
export { parseInput } from './parse-input.js';
export { unknownProviderMessage, type ValidationIssue, validationError } from './validation-error.js';
