import { isIllFormedText } from '../text/well-formed.js';

/**
 * A user id as the store accepts it (1–255 characters, no whitespace, NUL or lone surrogate), else
 * undefined: a lone surrogate would be stored as U+FFFD and so become another user's id.
 */
export function acceptedUserId(value: unknown): string | undefined {
  // Numeric ids (a common `req.user.id`) are taken as their decimal string.
  const id = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof id === 'string' &&
    id.length > 0 &&
    id.length <= 255 &&
    !/[\s\0]/.test(id) &&
    !isIllFormedText(id)
    ? id
    : undefined;
}

/** `source.user?.id`: the default user lookup of the adapters (Passport, most tRPC contexts). */
export function defaultUserId(source: unknown): unknown {
  if (typeof source !== 'object' || source === null) return undefined;
  const user = (source as { user?: unknown }).user;
  return typeof user === 'object' && user !== null ? (user as { id?: unknown }).id : undefined;
}
