import { z } from 'zod';
import { invalidInput } from '../errors/index.js';
import type { ProviderDefinition } from './types.js';

/**
 * Marks a zod issue as "this value cannot be a key of this provider" (→ `INVALID_KEY_FORMAT`),
 * as opposed to "the input is malformed" (→ `INVALID_INPUT`).
 */
export const KEY_FORMAT_ISSUE = 'byok_key_format';

/**
 * A lenient shape check for one credential value. Format checks refuse only what cannot be right
 * (wrong prefix, whitespace inside, far too short, admin keys): providers change formats
 * (Gemini moved from `AIza…` to `AQ.…`), and the provider's own answer is the authority.
 */
export interface KeyShape {
  /** Used in messages: "This does not look like {label}". */
  label: string;
  /** The value must start with one of these (empty: any start is fine). */
  prefixes: readonly string[];
  /** The whole value must match. */
  pattern: RegExp;
  /** Used in messages: "(expected {expected})". */
  expected: string;
  /** Prefixes of keys that exist but must not be stored here, with the reason shown to the user. */
  refused?: readonly { prefix: string; reason: string }[];
}

/** Returns the user-facing problem with a value, or undefined when it could be a key. Never echoes the value. */
export function keyShapeProblem(shape: KeyShape, value: string): string | undefined {
  for (const refused of shape.refused ?? []) {
    if (value.startsWith(refused.prefix)) return refused.reason;
  }
  if (shape.prefixes.length > 0 && !shape.prefixes.some((prefix) => value.startsWith(prefix))) {
    const list = shape.prefixes.join(' or ');
    return `This does not look like ${shape.label} (expected it to start with ${list})`;
  }
  if (!shape.pattern.test(value))
    return `This does not look like ${shape.label} (expected ${shape.expected})`;
  return undefined;
}

/** A required credential string: trimmed, non-empty, then checked against `shape` when given. */
export function credentialString(shape?: KeyShape) {
  return z
    .string()
    .trim()
    .min(1, { abort: true })
    .superRefine((value, ctx) => {
      const problem = shape ? keyShapeProblem(shape, value) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { kind: KEY_FORMAT_ISSUE } });
    });
}

/** The credential part of a provider definition whose credential is one API key (`apiKey`). */
export function apiKeyCredential(
  shape: KeyShape,
  env: { apiKey: string; system: string },
): Pick<ProviderDefinition, 'secretFields' | 'maskField' | 'credentialSchema' | 'envVars' | 'systemKeyEnv'> {
  return {
    secretFields: ['apiKey'],
    maskField: 'apiKey',
    credentialSchema: z.strictObject({ apiKey: credentialString(shape) }),
    envVars: { apiKey: env.apiKey },
    systemKeyEnv: { apiKey: env.system },
  };
}

/** An optional, non-secret setting (organization id, region…): trimmed, short, no whitespace inside. */
export function optionalSetting(label: string) {
  return z
    .string()
    .trim()
    .regex(/^\S{1,200}$/, { message: `${label} must be a single word without spaces` })
    .optional();
}

/** Bearer-style headers shared by most providers. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: 'application/json' };
}

/** Joins a base URL (no trailing slash) and a path. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** Reads a required field of already-parsed key data; the error names the field, never a value. */
export function field(keyData: Readonly<Record<string, string>>, name: string): string {
  const value = keyData[name];
  if (value === undefined || value === '') {
    throw invalidInput(`Missing credential field "${name}"`, { field: name });
  }
  return value;
}
