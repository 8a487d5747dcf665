import type { Owner } from '../crypto/index.js';
import type { Environment, ProviderType } from '../providers/index.js';
import { withOwnerIds } from './owner.js';
import type { KeyDetails, KeyRow } from './types.js';

const asDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export function toKeyDetails(row: KeyRow): KeyDetails {
  return {
    id: row.id,
    provider: row.provider as ProviderType,
    environment: row.environment as Environment,
    ...withOwnerIds({ type: row.owner_type, id: row.owner_id }),
    alias: row.alias,
    description: row.description,
    status: row.status,
    isActive: row.status === 'active',
    keyHint: row.key_hint,
    fingerprint: row.key_fingerprint,
    healthScore: Number(row.health_score),
    priority: Number(row.priority),
    lastValidatedAt: asDate(row.last_validated_at),
    lastValidationStatus: row.last_validation_status,
    cooldownUntil: asDate(row.cooldown_until),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    revokedAt: asDate(row.revoked_at),
  };
}

/** Cache entries that hold a key: its own, and its owner's active-key lists for every environment. */
export function cacheKeysFor(row: Pick<KeyRow, 'id' | 'owner_type' | 'owner_id' | 'provider'>): string[] {
  return [
    `key:${row.id}`,
    ...(['development', 'staging', 'production'] as const).map((env) =>
      activeListCacheKey({ type: row.owner_type, id: row.owner_id }, row.provider, env),
    ),
  ];
}

export const activeListCacheKey = (owner: Owner, provider: string, environment: string): string =>
  `active:${owner.type}:${owner.id}:${provider}:${environment}`;
