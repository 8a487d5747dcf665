import type { Owner } from '../crypto/index.js';

/**
 * Who may see a row in a by-id call: one owner, or `ANY_OWNER` for the library's own system-wide
 * work (rotation, incidents, scheduled validation). A store method on an owned table takes a scope
 * as a required argument, so no call can forget it.
 */
export type OwnerScope = Owner | typeof ANY_OWNER;

/** The scope of system-wide work; never derived from a caller's input. */
export const ANY_OWNER = Symbol.for('@stack-2025/byok-core/any-owner');

/** SQL condition on a table's owner columns, with its parameters appended to `params`. */
export function ownerCondition(owner: OwnerScope | undefined, params: unknown[], alias = ''): string {
  if (owner === undefined || owner === ANY_OWNER) return 'TRUE';
  params.push(owner.type, owner.id);
  return `${alias}owner_type = $${params.length - 1} AND ${alias}owner_id = $${params.length}`;
}
