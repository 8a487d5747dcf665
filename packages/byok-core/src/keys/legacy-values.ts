import { keysStore } from '../store/keys-store.js';
import { systemFlagsStore } from '../store/system-flags-store.js';
import type { SqlClient } from '../store/types.js';

/**
 * Credentials in the spec's legacy `iv:authTag:ciphertext` format are bound to no row: copied onto
 * another owner's row, such a value would decrypt there. So they are read only while some are
 * left, and each is rewritten in the bound envelope format on its first successful read (and by
 * master-key rotation). Once a scan finds none, the flag `legacy_ciphertext_none_left` is set for
 * good and legacy reads are refused, unless `allowLegacyCiphertext: true` turns them back on
 * (`false` refuses them even before that). Migration 0006 sets the flag on a database that has none.
 */
export const NONE_LEFT_FLAG = 'legacy_ciphertext_none_left';

/** How many stored credentials (not revoked) are still in the legacy format. */
export async function countLegacyValues(db: SqlClient): Promise<number> {
  return keysStore.countLegacy(db);
}

/**
 * Records, when no legacy value is left, that none is (legacy reads go off for good). Returns
 * whether any is left. `EXISTS` stops at the first one found, so while many are left it is cheap.
 */
export async function recordIfNoLegacyValuesLeft(db: SqlClient): Promise<boolean> {
  const left = await keysStore.anyLegacy(db);
  if (!left) await systemFlagsStore.set(db, NONE_LEFT_FLAG);
  return left;
}

/** Decides whether a legacy value may be decrypted now. */
export class LegacyValuePolicy {
  readonly #db: SqlClient;
  readonly #setting: boolean | undefined;

  /** `setting`: true = always read them, false = never, undefined = only while some are left. */
  constructor(db: SqlClient, setting: boolean | undefined) {
    this.#db = db;
    this.#setting = setting;
  }

  async allows(): Promise<boolean> {
    if (this.#setting !== undefined) return this.#setting;
    // Read each time a legacy value shows up (rare: each is upgraded on its first read), so that a
    // flag set by another instance counts at once.
    return !(await systemFlagsStore.has(this.#db, NONE_LEFT_FLAG));
  }
}
