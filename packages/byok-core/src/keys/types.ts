import type { Owner } from '../crypto/index.js';
import type { Environment, KeyData, ProviderType } from '../providers/types.js';

export type { KeyRow, KeyRowWithDataKey, KeyStatus } from '../store/keys-store.js';

import type { KeyStatus } from '../store/keys-store.js';

/** What public surfaces show of a key: a masked hint and a fingerprint, never the secret. */
export interface KeyDetails {
  id: string;
  provider: ProviderType;
  environment: Environment;
  owner: Owner;
  userId: string | null;
  workspaceId: string | null;
  alias: string | null;
  description: string | null;
  status: KeyStatus;
  isActive: boolean;
  keyHint: string;
  fingerprint: string;
  healthScore: number;
  /** Lower is tried first. */
  priority: number;
  lastValidatedAt: Date | null;
  lastValidationStatus: string | null;
  cooldownUntil: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  revokedAt: Date | null;
}

/** A key ready to use: only ever returned to server-side code. */
export interface ActiveKey {
  id: string;
  provider: ProviderType;
  environment: Environment;
  alias: string | null;
  keyData: KeyData;
  healthScore: number;
  status: KeyStatus;
  owner: Owner;
}

/** Whose key: a user or a workspace. */
export type OwnerSelector =
  | { userId: string; workspaceId?: undefined }
  | { workspaceId: string; userId?: undefined };

export interface AddKeyInput {
  userId?: string;
  workspaceId?: string;
  provider: ProviderType | `${ProviderType}`;
  keyData: Record<string, unknown>;
  alias?: string;
  description?: string;
  environment?: Environment | `${Environment}`;
  priority?: number;
}

export interface UpdateKeyInput {
  alias?: string | null;
  description?: string | null;
  enabled?: boolean;
  /** Replaces the secret; checked against the provider's credential shape first. */
  keyData?: Record<string, unknown>;
  priority?: number;
}

export interface ListKeysFilter {
  provider?: ProviderType | `${ProviderType}`;
  environment?: Environment | `${Environment}`;
  status?: KeyStatus;
}
