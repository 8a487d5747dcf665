export {
  BYOKError,
  type BYOKErrorOptions,
  decryptionFailed,
  encryptionNotConfigured,
  invalidInput,
  isBYOKError,
  keyNotFound,
} from './byok-error.js';
export { ERROR_STATUS, type ErrorCode } from './codes.js';
export { parseInput } from './parse-input.js';
