import type { KeyCache } from '../cache/index.js';
import { cacheKeysFor } from '../keys/key-rows.js';
import type { KeyRow } from '../keys/types.js';
import type { ProviderType } from '../providers/index.js';
import type { FailureClassification } from '../providers/provider-call-error.js';
import type { FallbackStore } from '../store/fallback-store.js';
import { type CooldownPolicy, cooldownMsFor } from '../validation/cooldown.js';

/** What the cooldowns need. */
export interface KeyCooldownsDeps {
  store: Pick<FallbackStore, 'coolDownKey'>;
  cache: Pick<KeyCache, 'invalidate'>;
  policy: CooldownPolicy;
}

/**
 * Parks keys that failed a real call, for as long as the outcome calls for (`cooldownMsFor`):
 * a stored key through its row (seen by every instance), the application's own key per provider
 * in this process (it has no row).
 */
export class KeyCooldowns {
  readonly #d: KeyCooldownsDeps;
  /** System keys have no row: their cooldowns live here, per provider (epoch ms). */
  readonly #system = new Map<string, number>();

  constructor(deps: KeyCooldownsDeps) {
    this.#d = deps;
  }

  /** Until when (epoch ms) the system key of `provider` is parked; 0 when it is not. */
  systemUntil(provider: ProviderType): number {
    return this.#system.get(provider) ?? 0;
  }

  /**
   * Parks the key that failed (`row`, or the provider's system key when undefined); refusals
   * (401) also mark a stored key for revalidation. Outcomes that say nothing about the key park nothing.
   */
  async coolDown(
    provider: ProviderType,
    row: KeyRow | undefined,
    failure: Pick<FailureClassification, 'outcome' | 'retryAfterMs'>,
  ): Promise<void> {
    const ms = cooldownMsFor(failure.outcome, failure.retryAfterMs, this.#d.policy);
    if (ms === undefined) return;
    const until = new Date(Date.now() + ms);
    if (!row) {
      this.#system.set(provider, until.getTime());
      return;
    }
    const refused = failure.outcome === 'invalid_key' || failure.outcome === 'revoked';
    // Never shortens a longer cooldown already set; a refusal is recorded as the last validation
    // status so that the periodic validation revalidates the key ahead of its cooldown.
    await this.#d.store.coolDownKey({
      keyId: row.id,
      owner: { type: row.owner_type, id: row.owner_id },
      until,
      refusal: refused ? failure.outcome : null,
    });
    await this.#d.cache.invalidate(cacheKeysFor(row));
  }
}
