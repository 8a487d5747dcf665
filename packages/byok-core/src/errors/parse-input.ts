import type { z } from 'zod';
import { ProviderType } from '../providers/types.js';
import { holdsIllFormedText } from '../text/well-formed.js';
import { BYOKError, invalidInput } from './byok-error.js';

const PROVIDER_PATH = /^(provider|providers\.\d+)$/;
const knownProviders: ReadonlySet<string> = new Set(Object.values(ProviderType));

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return current;
}

/**
 * Parses with zod. A failure is INVALID_INPUT naming each field and what is wrong with it — never
 * the value, which may be a secret — or UNKNOWN_PROVIDER when a `provider` field names no provider.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) {
    if (holdsIllFormedText(result.data)) {
      throw invalidInput(`Invalid ${what}: a string holds a NUL byte or a lone UTF-16 surrogate`);
    }
    return result.data;
  }
  const unknownProvider = result.error.issues.some((issue) => {
    const path = issue.path.join('.');
    const given = valueAt(value, issue.path);
    // A provider left out is missing (INVALID_INPUT naming the field), not unknown.
    return PROVIDER_PATH.test(path) && given !== undefined && !knownProviders.has(String(given));
  });
  if (unknownProvider) {
    throw new BYOKError(
      'UNKNOWN_PROVIDER',
      `Unknown provider; expected one of ${Object.values(ProviderType).join(', ')}`,
    );
  }
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw invalidInput(
    `Invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    { issues },
  );
}
