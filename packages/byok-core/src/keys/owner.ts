import type { Owner } from '../crypto/index.js';
import { invalidInput } from '../errors/index.js';
import { isIllFormedText } from '../text/well-formed.js';

/** The owner filter lives in `store/`; re-exported for services that have not moved to stores yet. */
export { ownerCondition } from '../store/owner-filter.js';

/** Resolves `{ userId }`, `{ workspaceId }` or a bare user id to an owner. */
export function toOwner(
  selector: string | { userId?: string | undefined; workspaceId?: string | undefined },
): Owner {
  if (typeof selector === 'string') return { type: 'user', id: checkedId(selector, 'userId') };
  const { userId, workspaceId } = selector;
  if (userId && workspaceId) throw invalidInput('Give either userId or workspaceId, not both');
  if (workspaceId) return { type: 'workspace', id: checkedId(workspaceId, 'workspaceId') };
  if (userId) return { type: 'user', id: checkedId(userId, 'userId') };
  throw invalidInput('userId or workspaceId is required', { field: 'userId' });
}

/** The owner with the `userId` / `workspaceId` fields of the public types (the other one null). */
export const withOwnerIds = (
  owner: Owner,
): { owner: Owner; userId: string | null; workspaceId: string | null } => ({
  owner,
  userId: owner.type === 'user' ? owner.id : null,
  workspaceId: owner.type === 'workspace' ? owner.id : null,
});

function checkedId(value: unknown, field: string): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > 255 ||
    /\s/.test(value) ||
    isIllFormedText(value)
  ) {
    // A lone surrogate would be stored as U+FFFD: `a\ud800` and `a\ufffd` would be one owner.
    throw invalidInput(`${field} must be a non-empty string of at most 255 characters without spaces`, {
      field,
    });
  }
  return value;
}
