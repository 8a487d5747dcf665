import { BYOKError } from '../errors/index.js';

/**
 * Per-owner limits on what one user or workspace may hold or ask for at once. Counts are checked
 * inside the write's transaction after locking the owner's row, so two concurrent writes cannot
 * both take the last slot.
 */
export interface QuotaOptions {
  /** Keys (not revoked) one user or one workspace may hold. Default 100. */
  maxKeysPerOwner?: number;
  /** Workspaces one user may own. Default 50. */
  maxWorkspacesPerUser?: number;
  /** Members of one workspace. Default 200. */
  maxMembersPerWorkspace?: number;
  /** Keys one `validateAllKeys` call may test against their providers. Default 100. */
  maxKeysPerValidateAll?: number;
}

export type Quotas = Required<QuotaOptions>;

export const DEFAULT_QUOTAS: Quotas = {
  maxKeysPerOwner: 100,
  maxWorkspacesPerUser: 50,
  maxMembersPerWorkspace: 200,
  maxKeysPerValidateAll: 100,
};

/** The defaults with `options` laid over them; each value must be a whole number ≥ 1. */
export function resolveQuotas(options: QuotaOptions = {}): Quotas {
  const quotas = { ...DEFAULT_QUOTAS };
  for (const name of Object.keys(DEFAULT_QUOTAS) as (keyof Quotas)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new BYOKError('INVALID_INPUT', `quotas.${name} must be a whole number of at least 1`);
    }
    quotas[name] = value;
  }
  return quotas;
}

/** The error of a reached quota: 403 `QUOTA_EXCEEDED`, with the limit in `details`. */
export const quotaExceeded = (message: string, quota: keyof Quotas, limit: number): BYOKError =>
  new BYOKError('QUOTA_EXCEEDED', message, { details: { quota, limit } });
