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
  decryptCredential,
  type EncryptionService,
  encryptCredential,
  type Owner,
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
import type { Database, SqlClient } from '../store/types.js';
import type { DataKeyService } from './data-keys.js';
import {
  activeListCacheKey,
  cacheKeysFor,
  KEY_WITH_DATA_KEY_COLUMNS,
  KEY_WITH_DATA_KEY_FROM,
  toKeyDetails,
} from './key-rows.js';
import { LegacyValuePolicy, recordIfNoLegacyValuesLeft } from './legacy-values.js';
import { ownerCondition, toOwner } from './owner.js';
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
      await tx.query(
        `INSERT INTO byok.keys (id, owner_type, owner_id, provider, environment, alias, description, ciphertext, key_hint, key_fingerprint, priority, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          id,
          owner.type,
          owner.id,
          provider,
          environment,
          parsed.alias ?? null,
          parsed.description ?? null,
          encryptCredential(dataKey, JSON.stringify(keyData), { keyId: id, owner, provider }),
          maskKeyData(provider, keyData),
          keyFingerprint(dataKey, provider, keyData),
          parsed.priority ?? 0,
          context?.actor !== undefined ? actorLabel(context.actor) : owner.type === 'user' ? owner.id : null,
        ],
      );
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
      this.#d.cache.peek<KeyRow[]>(activeListCacheKey(owner, provider, environment)) ??
      (await this.activeCandidates(owner, provider, environment));
    const now = Date.now();
    for (const row of candidates) {
      if (row.cooldown_until && Date.parse(String(row.cooldown_until)) > now) continue;
      const dataKeyId = credentialDataKeyId(row.ciphertext);
      const dataKey = dataKeyId === null ? undefined : this.#d.dataKeys.peek(dataKeyId);
      const key = dataKey ? this.#decryptWith(row, dataKey) : await this.decryptRow(row);
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
    return this.#d.cache.load(cacheKey, async () => {
      const { rows } = await this.#d.db.queryPrepared<KeyRow>(
        'byok_active_candidates',
        `SELECT * FROM byok.keys
          WHERE owner_type = $1 AND owner_id = $2 AND provider = $3 AND environment = $4 AND status = 'active'
          ORDER BY priority, created_at, id`,
        [owner.type, owner.id, provider, environment],
      );
      return rows;
    });
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
        const { rows } = await tx.query(
          `UPDATE byok.keys SET ciphertext = $4, updated_at = now()
            WHERE id = $1 AND owner_type = $2 AND owner_id = $3 AND ciphertext = $5 AND status <> 'revoked'
            RETURNING id`,
          [row.id, owner.type, owner.id, ciphertext, row.ciphertext],
        );
        return rows.length > 0;
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
  #decryptWith(row: KeyRow, dataKey: DataKey | null): ActiveKey {
    const owner: Owner = { type: row.owner_type, id: row.owner_id };
    let keyData: KeyData;
    try {
      if (dataKey === null) {
        const plaintext = this.#d.encryption.decryptLegacy(row.ciphertext);
        keyData = plaintext.startsWith('{') ? (JSON.parse(plaintext) as KeyData) : { apiKey: plaintext };
      } else {
        keyData = JSON.parse(
          decryptCredential(dataKey, row.ciphertext, { keyId: row.id, owner, provider: row.provider }),
        ) as KeyData;
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
    const params: unknown[] = [keyId];
    const ownerSql = ownerCondition(scope ? toOwner(scope) : undefined, params, 'k.');
    const { rows } = await tx.query<KeyRowWithDataKey>(
      `SELECT ${KEY_WITH_DATA_KEY_COLUMNS} FROM ${KEY_WITH_DATA_KEY_FROM} WHERE k.id = $1 AND ${ownerSql}${forUpdate ? ' FOR UPDATE OF k' : ''}`,
      params,
    );
    return rows[0] ?? null;
  }

  async getKeyDetails(keyId: string, options: KeyCallOptions = {}): Promise<KeyDetails | null> {
    if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > 255) return null;
    const params: unknown[] = [keyId];
    const ownerSql = ownerCondition(options.scope ? toOwner(options.scope) : undefined, params);
    const { rows } = await this.#d.db.query<KeyRow>(
      `SELECT * FROM byok.keys WHERE id = $1 AND ${ownerSql}`,
      params,
    );
    return rows[0] ? toKeyDetails(rows[0]) : null;
  }

  async listKeys(ownerSelector: string | OwnerSelector, filter: ListKeysFilter = {}): Promise<KeyDetails[]> {
    const owner = toOwner(ownerSelector);
    const parsed = parseInput(listFilterSchema, filter, 'filter');
    const params: unknown[] = [];
    const where = [ownerCondition(owner, params)];
    for (const [column, value] of Object.entries(parsed)) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    const { rows } = await this.#d.db.query<KeyRow>(
      `SELECT * FROM byok.keys WHERE ${where.join(' AND ')} ORDER BY provider, environment, priority, created_at, id`,
      params,
    );
    return rows.map(toKeyDetails);
  }

  async updateKey(keyId: string, patch: UpdateKeyInput, options: KeyCallOptions = {}): Promise<KeyDetails> {
    const parsed = parseInput(updateKeySchema, patch, 'update');
    const updated = await this.#d.db.transaction(async (tx) => {
      const row = await this.findRow(keyId, options.scope, tx, true);
      if (!row) throw keyNotFound(keyId);
      const owner: Owner = { type: row.owner_type, id: row.owner_id };
      const sets: string[] = [];
      const params: unknown[] = [row.id];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
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
      const { rows } = await tx.query<KeyRow>(
        `UPDATE byok.keys SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`,
        params,
      );
      await this.#d.audit.append(tx, {
        action,
        targetType: 'key',
        targetId: row.id,
        owner,
        context: withActor(options.context, owner),
        details: { provider: row.provider, changed },
      });
      await this.#d.cache.announce(tx, cacheKeysFor(row));
      return rows[0] as KeyRow;
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
      const { rows } = await tx.query<KeyRow>(
        `UPDATE byok.keys SET status = 'revoked', ciphertext = 'revoked', revoked_at = now(), updated_at = now() WHERE id = $1 RETURNING *`,
        [row.id],
      );
      await this.#d.audit.append(tx, {
        action: 'key.revoked',
        targetType: 'key',
        targetId: row.id,
        owner,
        context: withActor(options.context, owner),
        details: { provider: row.provider, reason: options.reason ?? null },
      });
      await this.#d.cache.announce(tx, cacheKeysFor(row));
      return rows[0] as KeyRow;
    });
    await this.#d.cache.invalidate(cacheKeysFor(revoked), { announced: true });
    return toKeyDetails(revoked);
  }

  async deleteKey(keyId: string, options: KeyCallOptions = {}): Promise<void> {
    const deleted = await this.#d.db.transaction(async (tx) => {
      const row = await this.findRow(keyId, options.scope, tx, true);
      if (!row) throw keyNotFound(keyId);
      const owner: Owner = { type: row.owner_type, id: row.owner_id };
      await tx.query('DELETE FROM byok.keys WHERE id = $1', [row.id]);
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
    await tx.query(
      owner.type === 'user'
        ? 'SELECT 1 FROM byok.users WHERE id = $1 FOR UPDATE'
        : 'SELECT 1 FROM byok.workspaces WHERE id = $1 FOR UPDATE',
      [owner.id],
    );
    const { rows } = await tx.query<{ count: string | number }>(
      `SELECT count(*) AS count FROM byok.keys WHERE owner_type = $1 AND owner_id = $2 AND status <> 'revoked'`,
      [owner.type, owner.id],
    );
    if (Number(rows[0]?.count ?? 0) >= limit) {
      throw quotaExceeded(
        `This ${owner.type} already holds ${limit} keys, the most allowed; delete or revoke one first`,
        'maxKeysPerOwner',
        limit,
      );
    }
  }

  async #ensureOwner(tx: SqlClient, owner: Owner): Promise<void> {
    if (owner.type === 'user') {
      await tx.query('INSERT INTO byok.users (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [owner.id]);
      return;
    }
    const { rows } = await tx.query('SELECT 1 FROM byok.workspaces WHERE id = $1', [owner.id]);
    if (rows.length === 0) throw new BYOKError('NOT_FOUND', `Workspace ${owner.id} not found`);
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
