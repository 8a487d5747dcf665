import { isBYOKError } from '../src/errors/index.js';

/** The `BYOKError` code a promise rejects with; `no error` when it resolves, a marked message for any other error. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isBYOKError(error) ? error.code : `not a BYOKError: ${(error as Error).message}`;
  }
  return 'no error';
}
