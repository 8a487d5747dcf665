import type { z } from 'zod';
import { ProviderType } from '../providers/types.js';
import { BYOKError } from './byok-error.js';

/** One failed rule of an input: where (a dotted path, `(root)` for the input itself) and what. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** At most this many issues are worded and listed: a huge bad input gets a bounded answer. */
const MAX_ISSUES = 10;
/** A path part or field name is shown only when it looks like an identifier: a pasted secret never is. */
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;
const INDEX = /^\d{1,9}$/;
const PROVIDER_PATH = /^(provider|providers\.\d+)$/;
const knownProviders: ReadonlySet<string> = new Set(Object.values(ProviderType));

/** The one wording of an unknown provider: it names the valid ones (and never echoes what was sent). */
export const unknownProviderMessage = (valid: readonly string[] = Object.values(ProviderType)): string =>
  `Unknown provider; expected one of ${valid.join(', ')}`;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describe(issue: z.core.$ZodIssue, input: unknown): ValidationIssue {
  const parts = issue.path.map(String).filter((part) => SAFE_NAME.test(part) || INDEX.test(part));
  const path = parts.length > 0 ? parts.join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.filter((key) => SAFE_NAME.test(key)).map((key) => `"${key}"`);
    const hidden = issue.keys.length - names.length;
    if (hidden > 0) names.push(hidden === 1 ? 'one more' : `${hidden} more`);
    return { path, message: `unknown field${issue.keys.length === 1 ? '' : 's'} ${names.join(', ')}` };
  }
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) return { path, message: 'required' };
  return { path, message: issue.message };
}

/**
 * The one way a failed schema check becomes an error, for the library and the REST API alike:
 * UNKNOWN_PROVIDER when a `provider` (or `providers[i]`) was given and names no provider we know;
 * otherwise INVALID_INPUT whose message names each field and what is wrong with it, and whose
 * `details.issues` lists them as `{ path, message }`. Never the value: it may be a secret.
 *
 * @param what names the input in the message: `key`, `request body`, `query`…
 * @param input the value that was checked, to tell a missing field from a wrong one.
 */
export function validationError(error: z.ZodError, what: string, input: unknown): BYOKError {
  const unknownProvider = error.issues.some((issue) => {
    if (!PROVIDER_PATH.test(issue.path.join('.'))) return false;
    const given = valueAt(input, issue.path);
    return given !== undefined && !(typeof given === 'string' && knownProviders.has(given));
  });
  if (unknownProvider) {
    return new BYOKError('UNKNOWN_PROVIDER', unknownProviderMessage(), {
      details: { validProviders: Object.values(ProviderType) },
    });
  }
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => describe(issue, input));
  const more = error.issues.length - issues.length;
  const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new BYOKError('INVALID_INPUT', `Invalid ${what}: ${listed}${more > 0 ? `; and ${more} more` : ''}`, {
    details: { issues },
  });
}
