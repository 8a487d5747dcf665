import type { z } from 'zod';
import { holdsIllFormedText } from '../text/well-formed.js';
import { invalidInput } from './byok-error.js';
import { validationError } from './validation-error.js';

/**
 * Parses with zod; a failure is the error of {@link validationError} (INVALID_INPUT naming each
 * field, or UNKNOWN_PROVIDER). A string holding a NUL byte or a lone surrogate is refused too.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, what, value);
  if (holdsIllFormedText(result.data)) {
    throw invalidInput(`Invalid ${what}: a string holds a NUL byte or a lone UTF-16 surrogate`);
  }
  return result.data;
}
