import { createHmac } from 'node:crypto';
import {
  type AccessCounter,
  type AuditLog,
  actorLabel,
  defaultActor,
  type RequestContext,
} from '../audit/index.js';
import type { KeyCache } from '../cache/index.js';
import {
  credentialDataKeyId,
  type DataKey,
  type EncryptionService,
  encryptCredential,
  type Owner,
  openCredential,
  type SealedCredential,
  sealedCredential,
} from '../crypto/index.js';
import { BYOKError, decryptionFailed, isBYOKError, keyNotFound, parseInput } from '../errors/index.js';
import { newId } from '../ids/index.js';
import type { Logger } from '../logging/index.js';
import {
  Environment,
  type KeyData,
  maskKeyData,
  type ProviderType,
  parseKeyData,
} from '../providers/index.js';
import { DEFAULT_QUOTAS, quotaExceeded } from '../quotas/index.js';
import { type KeyChanges, type KeyIdentity, keysStore } from '../store/keys-store.js';
import { ANY_OWNER } from '../store/owner-filter.js';
import type { Database, SqlClient } from '../store/types.js';
import { workspacesStore } from '../store/workspaces-store.js';
import type { DataKeyService } from './data-keys.js';
import { activeListCacheKey, cacheKeysFor, toKeyDetails } from './key-rows.js';
import { LegacyValuePolicy, recordIfNoLegacyValuesLeft } from './legacy-values.js';
import { toOwner } from './owner.js';

import { addKeySchema, listKeysFilterSchema as listFilterSchema, updateKeySchema } from './schemas.js';
import type {
  ActiveKey,
  AddKeyInput,
  KeyDetails,
  KeyRow,
  KeyRowWithDataKey,
  ListKeysFilter,
  OwnerSelector,
  UpdateKeyInput,
} from './types.js';

export interface KeyServiceDeps {
  db: Database;
  encryption: EncryptionService;
  dataKeys: DataKeyService;
  cache: KeyCache;
  audit: AuditLog;
  access: AccessCounter;
  logger: Logger;
  onDecryptionError?: (provider: string) => void;
  /** Keys (not revoked) one owner may hold. Default 100. */
  maxKeysPerOwner?: number;
  /** Whether legacy `iv:authTag:ciphertext` values are read (see `legacy-values.ts`). Default: while some are left. */
  allowLegacyCiphertext?: boolean | undefined;
}

/** Scope of a call by key id: when given, the key must belong to this owner or it is "not found". */
export interface KeyCallOptions {
  scope?: OwnerSelector | undefined;
  context?: RequestContext | undefined;
}

/** Stores, finds and changes keys. Every write and its audit entry share one transaction. */
export class KeyService {
  readonly #d: KeyServiceDeps;
  readonly #legacy: LegacyValuePolicy;
  readonly #sealed = new WeakMap<KeyRow, SealedCredential>();

  constructor(deps: KeyServiceDeps) {
    this.#d = deps;
    this.#legacy = new LegacyValuePolicy(deps.db, deps.allowLegacyCiphertext);
  }

  async addKey(input: AddKeyInput, context?: RequestContext): Promise<string> {
    const parsed = parseInput(addKeySchema, input, 'key');
    const owner = toOwner(parsed);
    const provider = parsed.provider;
    const keyData = parseKeyData(provider, parsed.keyData);
    const id = newId('key');
    const environment = parsed.environment ?? Environment.PRODUCTION;
    const cacheKeys = cacheKeysFor({ id, owner_type: owner.type, owner_id: owner.id, provider });
    await this.#d.db.transaction(async (tx) => {
      await this.#ensureOwner(tx, owner);
      await this.#checkKeyQuota(tx, owner);
      const dataKey = await this.#d.dataKeys.forOwner(tx, owner);
      await keysStore.insert(tx, {
        id,
        owner,
        provider,
        environment,
        alias: parsed.alias ?? null,
        description: parsed.description ?? null,
        ciphertext: encryptCredential(dataKey, JSON.stringify(keyData), { keyId: id, owner, provider }),
        keyHint: maskKeyData(provider, keyData),
        keyFingerprint: keyFingerprint(dataKey, provider, keyData),
        priority: parsed.priority ?? 0,
        createdBy:
          context?.actor !== undefined ? actorLabel(context.actor) : owner.type === 'user' ? owner.id : null,
      });
      await this.#d.audit.append(tx, {
        action: 'key.created',
        targetType: 'key',
        targetId: id,
        owner,
        context: withActor(context, owner),
        details: { provider, environment, alias: parsed.alias ?? null },
      });
      await this.#d.cache.announce(tx, cacheKeys);
    });
    await this.#d.cache.invalidate(cacheKeys, { announced: true });
    this.#d.logger.debug({ keyId: id, provider, owner: owner.type }, 'key added');
    return id;
  }

  /**
   * The key to use now for this owner, provider and environment: the first active key by priority,
   * then age, that is not cooling down after a provider refusal. Null when there is none.
   * Answers from the cache when it can; records the use in the hourly access counts.
   */
  async getActiveKey(
    ownerSelector: string | OwnerSelector,
    provider: ProviderType | `${ProviderType}`,
    environment: Environment | `${Environment}` = Environment.PRODUCTION,
  ): Promise<ActiveKey | null> {
    const owner = toOwner(ownerSelector);
    // The hot path stays synchronous while everything it needs is in memory.
    const candidates =
      this.peekActiveCandidates(owner, provider, environment) ??
      (await this.activeCandidates(owner, provider, environment));
    const now = Date.now();
    for (const row of candidates) {
      if (row.cooldown_until && Date.parse(String(row.cooldown_until)) > now) continue;
      const key = this.decryptRowNow(row) ?? (await this.decryptRow(row));
      this.#d.access.record(row.id, now);
      return key;
    }
    return null;
  }

  /** Active rows (ciphertext) for an owner, provider and environment, in the order they are tried. */
  async activeCandidates(owner: Owner, provider: string, environment: string): Promise<KeyRow[]> {
    const cacheKey = activeListCacheKey(owner, provider, environment);
    const cached = this.#d.cache.peek<KeyRow[]>(cacheKey);
    if (cached) return cached;
    return this.#d.cache.load(cacheKey, () =>
      keysStore.activeCandidates(this.#d.db, owner, provider, environment),
    );
  }

  /** {@link activeCandidates} without waiting, when the list is in memory; undefined when it is not. */
  peekActiveCandidates(owner: Owner, provider: string, environment: string): KeyRow[] | undefined {
    return this.#d.cache.peek<KeyRow[]>(activeListCacheKey(owner, provider, environment));
  }

  /**
   * {@link decryptRow} without waiting, when the row's data key is in memory; undefined when it is
   * not (or the row is in the legacy format). Throws like `decryptRow` when the row fails to decrypt.
   */
  decryptRowNow(row: KeyRow): ActiveKey | undefined {
    const dataKeyId = credentialDataKeyId(row.ciphertext);
    const dataKey = dataKeyId === null ? undefined : this.#d.dataKeys.peek(dataKeyId);
    return dataKey ? this.#decryptWith(row, dataKey) : undefined;
  }

  /** Decrypts one row. Internal: plaintext leaves only to server-side callers. */
  async decryptRow(row: KeyRow): Promise<ActiveKey> {
    const dataKeyId = credentialDataKeyId(row.ciphertext);
    if (dataKeyId === null) return this.#readLegacy(row);
    let dataKey: DataKey | null = null;
    try {
      if (dataKeyId !== null)
        dataKey = await this.#d.dataKeys.load(dataKeyId, { type: row.owner_type, id: row.owner_id });
    } catch (error) {
      this.#decryptionFailed(row, error);
    }
    return this.#decryptWith(row, dataKey);
  }

  /**
   * A value in the spec's legacy format: read only while the policy allows it, then rewritten in
   * the bound format at once, so that it is read unbound at most once.
   */
  async #readLegacy(row: KeyRow): Promise<ActiveKey> {
    if (!(await this.#legacy.allows())) {
      this.#d.logger.warn(
        { keyId: row.id },
        'Legacy ciphertext refused: no legacy value was left, so one now is a copy (set BYOK_ALLOW_LEGACY_CIPHERTEXT=true to read them again)',
      );
      this.#decryptionFailed(row, new Error('legacy ciphertext refused'));
    }
    const key = this.#decryptWith(row, null);
    await this.#upgradeLegacy(row, key.keyData);
    return key;
  }

  /**
   * Rewrites a legacy value in the bound envelope format, in one transaction, only if the row
   * still belongs to the same owner and still holds the value that was read (a concurrent change
   * wins). A failure is logged, never thrown: the read succeeded, a later read upgrades it.
   */
  async #upgradeLegacy(row: KeyRow, keyData: KeyData): Promise<void> {
    const owner: Owner = { type: row.owner_type, id: row.owner_id };
    try {
      const upgraded = await this.#d.db.transaction(async (tx) => {
        const dataKey = await this.#d.dataKeys.forOwner(tx, owner);
        const ciphertext = encryptCredential(dataKey, JSON.stringify(keyData), {
          keyId: row.id,
          owner,
          provider: row.provider,
        });
        return keysStore.replaceCiphertext(tx, row.id, owner, row.ciphertext, ciphertext);
      });
      if (!upgraded) return;
      await this.#d.cache.invalidate(cacheKeysFor(row));
      this.#d.logger.info({ keyId: row.id }, 'legacy credential upgraded to the bound format');
      await recordIfNoLegacyValuesLeft(this.#d.db);
    } catch (error) {
      this.#d.logger.warn(
        { keyId: row.id, err: { message: (error as Error).message } },
        'legacy credential not upgraded; a later read will try again',
      );
    }
  }

  /** Decrypts with a data key already in hand (null: the legacy format, keyed by the master key). */
  /**
   * A row's ciphertext split and its associated data, made once per row object (cached rows are
   * reused); ciphertext only, never plaintext. A row whose values changed is a new object.
   */
  #sealedOf(row: KeyRow, owner: Owner): SealedCredential {
    let sealed = this.#sealed.get(row);
    if (sealed === undefined) {
      sealed = sealedCredential(row.ciphertext, { keyId: row.id, owner, provider: row.provider });
      this.#sealed.set(row, sealed);
    }
    return sealed;
  }

  #decryptWith(row: KeyRow, dataKey: DataKey | null): ActiveKey {
    const owner: Owner = { type: row.owner_type, id: row.owner_id };
    let keyData: KeyData;
    try {
      if (dataKey === null) {
        const plaintext = this.#d.encryption.decryptLegacy(row.ciphertext);
        keyData = plaintext.startsWith('{') ? (JSON.parse(plaintext) as KeyData) : { apiKey: plaintext };
      } else {
        keyData = JSON.parse(openCredential(dataKey, this.#sealedOf(row, owner))) as KeyData;
      }
    } catch (error) {
      this.#decryptionFailed(row, error);
    }
    return {
      id: row.id,
      provider: row.provider as ProviderType,
      environment: row.environment as Environment,
      alias: row.alias,
      keyData,
      healthScore: Number(row.health_score),
      status: row.status,
      owner,
    };
  }

  #decryptionFailed(row: KeyRow, error: unknown): never {
    this.#d.onDecryptionError?.(row.provider);
    this.#d.logger.error(
      { keyId: row.id, provider: row.provider, code: isBYOKError(error) ? error.code : 'DECRYPTION_FAILED' },
      'Failed to decrypt API key',
    );
    if (isBYOKError(error) && error.code !== 'DECRYPTION_FAILED') throw error;
    throw decryptionFailed();
  }

  /** One key row with its data key, by id, filtered by owner when a scope is given. */
  async findRow(
    keyId: string,
    scope?: OwnerSelector,
    tx: SqlClient = this.#d.db,
    forUpdate = false,
  ): Promise<KeyRowWithDataKey | null> {
    if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > 255) return null;
    return keysStore.findWithDataKey(tx, keyId, scope ? toOwner(scope) : ANY_OWNER, { forUpdate });
  }

  async getKeyDetails(keyId: string, options: KeyCallOptions = {}): Promise<KeyDetails | null> {
    if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > 255) return null;
    const row = await keysStore.find(this.#d.db, keyId, options.scope ? toOwner(options.scope) : ANY_OWNER);
    return row ? toKeyDetails(row) : null;
  }

  async listKeys(ownerSelector: string | OwnerSelector, filter: ListKeysFilter = {}): Promise<KeyDetails[]> {
    const owner = toOwner(ownerSelector);
    const parsed = parseInput(listFilterSchema, filter, 'filter');
    const rows = await keysStore.list(this.#d.db, owner, parsed);
    return rows.map(toKeyDetails);
  }

  /**
   * Every key not revoked, of one owner or (without a scope) of everyone, ordered by owner,
   * provider, environment and priority: the work list of a bulk validation (`byok validate`).
   */
  async listKeysToValidate(scope?: string | OwnerSelector): Promise<KeyIdentity[]> {
    return keysStore.listNotRevoked(this.#d.db, scope === undefined ? ANY_OWNER : toOwner(scope));
  }

  async updateKey(keyId: string, patch: UpdateKeyInput, options: KeyCallOptions = {}): Promise<KeyDetails> {
    const parsed = parseInput(updateKeySchema, patch, 'update');
    const updated = await this.#d.db.transaction(async (tx) => {
      const row = await this.findRow(keyId, options.scope, tx, true);
      if (!row) throw keyNotFound(keyId);
      const owner: Owner = { type: row.owner_type, id: row.owner_id };
      const changes: KeyChanges = {};
      const set = <C extends keyof KeyChanges>(column: C, value: KeyChanges[C]) => {
        changes[column] = value;
      };
      const changed: string[] = [];
      let action: 'key.updated' | 'key.enabled' | 'key.disabled' | 'key.secret_replaced' = 'key.updated';
      let status: 'active' | 'disabled' | undefined;
      for (const column of ['alias', 'description', 'priority'] as const) {
        if (parsed[column] === undefined) continue;
        set(column, parsed[column]);
        changed.push(column);
      }
      if (parsed.enabled !== undefined) {
        if (row.status === 'revoked')
          throw new BYOKError(
            'CONFLICT',
            'A revoked key cannot be enabled or disabled; add a new key instead',
          );
        if (row.status === 'compromised' && parsed.keyData === undefined)
          throw new BYOKError(
            'CONFLICT',
            'A compromised key cannot be enabled or disabled: enter a new secret for it (keyData)',
          );
        status = parsed.enabled ? 'active' : 'disabled';
        if (parsed.enabled) set('cooldown_until', null);
        changed.push('enabled');
        action = parsed.enabled ? 'key.enabled' : 'key.disabled';
      }
      if (parsed.keyData !== undefined) {
        if (row.status === 'revoked')
          throw new BYOKError(
            'CONFLICT',
            'A revoked key cannot be given a new secret; add a new key instead',
          );
        const keyData = parseKeyData(row.provider as ProviderType, parsed.keyData);
        const dataKey = await this.#d.dataKeys.forOwner(tx, owner);
        set(
          'ciphertext',
          encryptCredential(dataKey, JSON.stringify(keyData), {
            keyId: row.id,
            owner,
            provider: row.provider,
          }),
        );
        set('key_hint', maskKeyData(row.provider as ProviderType, keyData));
        set('key_fingerprint', keyFingerprint(dataKey, row.provider, keyData));
        set('health_score', 100);
        set('last_validation_status', null);
        set('cooldown_until', null);
        if (row.status === 'compromised') set('compromised_at', null);
        if (status === undefined && (row.status === 'invalid' || row.status === 'compromised'))
          status = 'active';
        changed.push('secret');
        action = 'key.secret_replaced';
      }
      if (status !== undefined) set('status', status);
      if (changed.length === 0) return row;
      const updatedRow = await keysStore.update(tx, row.id, owner, changes);
      await this.#d.audit.append(tx, {
        action,
        targetType: 'key',
        targetId: row.id,
        owner,
        context: withActor(options.context, owner),
        details: { provider: row.provider, changed },
      });
      await this.#d.cache.announce(tx, cacheKeysFor(row));
      return updatedRow as KeyRow;
    });
    await this.#d.cache.invalidate(cacheKeysFor(updated), { announced: true });
    return toKeyDetails(updated);
  }

  /** Marks a key revoked for good and erases its ciphertext. */
  async revokeKey(keyId: string, options: KeyCallOptions & { reason?: string } = {}): Promise<KeyDetails> {
    const revoked = await this.#d.db.transaction(async (tx) => {
      const row = await this.findRow(keyId, options.scope, tx, true);
      if (!row) throw keyNotFound(keyId);
      const owner: Owner = { type: row.owner_type, id: row.owner_id };
      const revokedRow = await keysStore.revoke(tx, row.id, owner);
      await this.#d.audit.append(tx, {
        action: 'key.revoked',
        targetType: 'key',
        targetId: row.id,
        owner,
        context: withActor(options.context, owner),
        details: { provider: row.provider, reason: options.reason ?? null },
      });
      await this.#d.cache.announce(tx, cacheKeysFor(row));
      return revokedRow as KeyRow;
    });
    await this.#d.cache.invalidate(cacheKeysFor(revoked), { announced: true });
    return toKeyDetails(revoked);
  }

  async deleteKey(keyId: string, options: KeyCallOptions = {}): Promise<void> {
    const deleted = await this.#d.db.transaction(async (tx) => {
      const row = await this.findRow(keyId, options.scope, tx, true);
      if (!row) throw keyNotFound(keyId);
      const owner: Owner = { type: row.owner_type, id: row.owner_id };
      await keysStore.delete(tx, row.id, owner);
      await this.#d.audit.append(tx, {
        action: 'key.deleted',
        targetType: 'key',
        targetId: row.id,
        owner,
        context: withActor(options.context, owner),
        details: { provider: row.provider, environment: row.environment },
      });
      await this.#d.cache.announce(tx, cacheKeysFor(row));
      return row;
    });
    await this.#d.cache.invalidate(cacheKeysFor(deleted), { announced: true });
  }

  /**
   * Refuses a key past the owner's quota. Race-safe: the owner's row is locked first (users and
   * workspaces alike), so concurrent adds for one owner count one after the other and cannot both
   * take the last slot.
   */
  async #checkKeyQuota(tx: SqlClient, owner: Owner): Promise<void> {
    const limit = this.#d.maxKeysPerOwner ?? DEFAULT_QUOTAS.maxKeysPerOwner;
    await workspacesStore.lockOwner(tx, owner);
    if ((await keysStore.countHeld(tx, owner)) >= limit) {
      throw quotaExceeded(
        `This ${owner.type} already holds ${limit} keys, the most allowed; delete or revoke one first`,
        'maxKeysPerOwner',
        limit,
      );
    }
  }

  async #ensureOwner(tx: SqlClient, owner: Owner): Promise<void> {
    if (owner.type === 'user') {
      await workspacesStore.ensureUser(tx, owner.id);
      return;
    }
    if (!(await workspacesStore.exists(tx, owner.id)))
      throw new BYOKError('NOT_FOUND', `Workspace ${owner.id} not found`);
  }
}

/** A keyed fingerprint of a credential (HMAC under the owner's DEK): shows two keys are the same, reveals nothing. */
function keyFingerprint(dataKey: DataKey, provider: string, keyData: KeyData): string {
  return `fp_${createHmac('sha256', dataKey.key)
    .update(`byok/key-fingerprint/v1|${provider}|${JSON.stringify(keyData)}`)
    .digest('hex')
    .slice(0, 16)}`;
}

const withActor = (context: RequestContext | undefined, owner: Owner): RequestContext => ({
  ...context,
  actor: context?.actor ?? defaultActor(owner),
});
