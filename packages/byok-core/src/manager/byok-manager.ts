import type { AuditLog, RequestContext } from '../audit/index.js';
import { processEnv, resolveConfig } from '../config/index.js';
import { encryptionNotConfigured, keyNotFound } from '../errors/index.js';
import type { FallbackManager } from '../fallback/index.js';
import type {
  CreatedGatewayToken,
  CreateGatewayTokenInput,
  GatewayToken,
  GatewayTokenUsageReport,
  GatewayTokenWithUsage,
  UpdateGatewayTokenInput,
} from '../gateway/types.js';
import type { KeyCallOptions, KeyService } from '../keys/key-service.js';
import type {
  ActiveKey,
  AddKeyInput,
  KeyDetails,
  ListKeysFilter,
  OwnerSelector,
  UpdateKeyInput,
} from '../keys/types.js';
import type { WorkspaceService } from '../owners/workspace-service.js';
import { assertProviderEnabled } from '../providers/enabled.js';
import { type Environment, type KeyData, type ProviderType, secretValues } from '../providers/index.js';
import type { AnalyticsOptions, RecordUsageInput, UsageAnalytics, UsageRecorded } from '../usage/index.js';
import type {
  CredentialTestResult,
  KeyValidator,
  TestKeyOptions,
  ValidateAllOptions,
  ValidationResult,
} from '../validation/index.js';
import { type ManagerContext, wireContext, wireManagerServices } from '../wiring.js';
import type { BYOKManagerOptions } from './options.js';

export type { ManagerContext } from '../wiring.js';

/**
 * The library's facade: add, find, use, change and remove users' and workspaces' keys.
 *
 * @example
 * const manager = new BYOKManager({ encryptionKey: appConfig.masterKey, database: { client: pool } });
 * const keyId = await manager.addKey({ userId: 'user_123', provider: ProviderType.OPENAI, keyData: { apiKey } });
 * const key = await manager.getActiveKey('user_123', ProviderType.OPENAI);
 */
export class BYOKManager {
  /** @internal */
  readonly context: ManagerContext;
  readonly #keys: KeyService;
  /** Tests keys against their providers and records their health. */
  readonly validator: KeyValidator;
  /** Fallback chains: which key serves when the first one cannot. */
  readonly fallback: FallbackManager;

  /**
   * Runs the configuration step (`resolveConfig` over the options and the process environment) and builds the services
   * (see `wiring.ts`). A debug view passes the context it shares.
   */
  constructor(options: BYOKManagerOptions, context?: ManagerContext) {
    this.context = context ?? wireContext(resolveConfig(options, processEnv()));
    const services = wireManagerServices(this.context, () => this.#gate());
    this.#keys = services.keys;
    this.validator = services.validator;
    this.fallback = services.fallback;
  }

  /** Whether `enabledProviders` (default: all) allows this provider. */
  isProviderEnabled(provider: ProviderType | `${ProviderType}`): boolean {
    const enabled = this.context.options.enabledProviders;
    return enabled === undefined || enabled.includes(provider);
  }

  /** Resolves once the master key is derived, migrations are applied and the key is known to fit. */
  ready(): Promise<void> {
    if (!this.context.encryption.isConfigured) return Promise.reject(encryptionNotConfigured());
    return this.context.ready();
  }

  async #gate(): Promise<void> {
    if (!this.context.isReady()) await this.ready();
  }

  /** A view of this manager that logs every operation at debug level (still redacted). */
  withDebug(enabled = true): BYOKManager {
    const logger = this.context.logger.child({ debug: enabled });
    logger.level = enabled ? 'debug' : this.context.logger.level;
    return new BYOKManager(this.context.options, { ...this.context, logger });
  }

  /** Stores a credential, encrypted; returns its id (`key_…`). The credential is checked against the provider's shape first. */
  async addKey(input: AddKeyInput, context?: RequestContext): Promise<string> {
    await this.#gate();
    if (typeof input?.provider === 'string')
      assertProviderEnabled(this.context.options.enabledProviders, input.provider);
    this.context.logger.debug(
      { provider: input.provider, environment: input.environment, hasWorkspace: Boolean(input.workspaceId) },
      'addKey',
    );
    return this.#keys.addKey(input, context);
  }

  /** The key to use now, decrypted, or null. Server-side only. */
  async getActiveKey(
    owner: string | OwnerSelector,
    provider: ProviderType | `${ProviderType}`,
    environment?: Environment | `${Environment}`,
  ): Promise<ActiveKey | null> {
    if (!this.context.isReady()) await this.ready();
    assertProviderEnabled(this.context.options.enabledProviders, provider);
    return this.#keys.getActiveKey(owner, provider, environment);
  }

  /** A key's public details (masked hint, fingerprint, health), or null. Never the secret. */
  async getKeyDetails(keyId: string, options?: KeyCallOptions): Promise<KeyDetails | null> {
    await this.#gate();
    return this.#keys.getKeyDetails(keyId, options);
  }

  async listKeys(owner: string | OwnerSelector, filter?: ListKeysFilter): Promise<KeyDetails[]> {
    await this.#gate();
    return this.#keys.listKeys(owner, filter);
  }

  /** Changes alias, description, enabled state or priority, or replaces the secret. */
  async updateKey(keyId: string, patch: UpdateKeyInput, options?: KeyCallOptions): Promise<KeyDetails> {
    await this.#gate();
    return this.#keys.updateKey(keyId, patch, options);
  }

  /** Revokes a key for good: it is never served again and its ciphertext is erased. */
  async revokeKey(keyId: string, options?: KeyCallOptions & { reason?: string }): Promise<KeyDetails> {
    await this.#gate();
    return this.#keys.revokeKey(keyId, options);
  }

  async deleteKey(keyId: string, options?: KeyCallOptions): Promise<void> {
    await this.#gate();
    return this.#keys.deleteKey(keyId, options);
  }

  /**
   * The decrypted main secret of a key (`apiKey`, or Twilio's `authToken`).
   * @internal Server-side use only; never return it through a public API.
   */
  async getDecryptedApiKey(keyId: string, options?: KeyCallOptions): Promise<string> {
    const key = await this.decryptKey(keyId, options);
    const secret = key.keyData.apiKey ?? secretValues(key.provider, key.keyData)[0];
    if (secret === undefined) throw encryptionNotConfigured();
    return secret;
  }

  /** @internal Decrypts any key by id (whatever its status), for validation and integrations. */
  async decryptKey(keyId: string, options?: KeyCallOptions): Promise<ActiveKey> {
    await this.#gate();
    const row = await this.#keys.findRow(keyId, options?.scope);
    if (!row || row.status === 'revoked') throw keyNotFound(keyId);
    return await this.#keys.decryptRow(row);
  }

  /** Tests one key against its provider now; stores the result and updates the key's health. */
  testKey(keyId: string, options?: TestKeyOptions): Promise<ValidationResult> {
    return this.validator.testKey(keyId, options);
  }

  /** Tests every key of an owner, a bounded number at a time (`validation.parallelValidation`). */
  validateAllKeys(owner: string | OwnerSelector, options?: ValidateAllOptions): Promise<ValidationResult[]> {
    return this.validator.validateAllKeys(owner, options);
  }

  /** Tests a credential that is not stored (to check it before saving). Stores nothing. */
  testCredential(
    provider: ProviderType | `${ProviderType}`,
    keyData: KeyData,
  ): Promise<CredentialTestResult> {
    return this.validator.testCredential(provider, keyData);
  }

  /** Records requests, tokens and cost; prices from the dated table when no cost is given; checks alerts. */
  async recordUsage(input: RecordUsageInput): Promise<UsageRecorded> {
    await this.#gate();
    return this.context.usage.recordUsage(input);
  }

  /** Requests, tokens and cost over a time range, grouped by time, provider or key. */
  async getAnalytics(owner: string | OwnerSelector, options?: AnalyticsOptions): Promise<UsageAnalytics> {
    await this.#gate();
    return this.context.usage.getAnalytics(owner, options);
  }

  /**
   * Creates a gateway token (virtual key) for a user or workspace: the application calls the
   * gateway with it instead of holding the user's key. The token is in the answer this once.
   * @example
   * const { id, token } = await manager.createGatewayToken({ userId: 'user_123', name: 'chat app', monthlyBudgetUsd: 20 });
   */
  async createGatewayToken(
    input: CreateGatewayTokenInput,
    context?: RequestContext,
  ): Promise<CreatedGatewayToken> {
    await this.#gate();
    return this.context.gatewayTokens.create(input, context);
  }

  /** An owner's tokens, oldest first, each with `usage`: its requests and cost this UTC month. */
  async listGatewayTokens(owner: string | OwnerSelector): Promise<GatewayTokenWithUsage[]> {
    await this.#gate();
    return this.context.gatewayTokens.list(owner);
  }

  /** @throws BYOKError `NOT_FOUND` for a missing token or another owner's. */
  async getGatewayToken(id: string, owner: string | OwnerSelector): Promise<GatewayTokenWithUsage> {
    await this.#gate();
    return this.context.gatewayTokens.get(id, owner);
  }

  /**
   * A token's usage over the last `timeRange` (default 30 days), by UTC day and by model.
   * @throws BYOKError `NOT_FOUND` for a missing token or another owner's.
   */
  async getGatewayTokenUsage(
    id: string,
    owner: string | OwnerSelector,
    timeRange?: '24h' | '7d' | '30d' | '90d',
  ): Promise<GatewayTokenUsageReport> {
    await this.#gate();
    return this.context.gatewayTokens.usage(id, owner, timeRange);
  }

  async updateGatewayToken(
    id: string,
    owner: string | OwnerSelector,
    patch: UpdateGatewayTokenInput,
    context?: RequestContext,
  ): Promise<GatewayToken> {
    await this.#gate();
    return this.context.gatewayTokens.update(id, owner, patch, context);
  }

  /** Revokes a gateway token for good; every instance refuses it once the invalidation reaches it. */
  async revokeGatewayToken(
    id: string,
    owner: string | OwnerSelector,
    context?: RequestContext,
  ): Promise<GatewayToken> {
    await this.#gate();
    return this.context.gatewayTokens.revoke(id, owner, context);
  }

  async deleteGatewayToken(
    id: string,
    owner: string | OwnerSelector,
    context?: RequestContext,
  ): Promise<void> {
    await this.#gate();
    return this.context.gatewayTokens.delete(id, owner, context);
  }

  /** @internal */
  get keys(): KeyService {
    return this.#keys;
  }

  get workspaces(): WorkspaceService {
    return this.context.workspaces;
  }

  get audit(): AuditLog {
    return this.context.audit;
  }

  /** Flushes pending access counts and closes the cache's subscriber. Does not close the database client. */
  async close(): Promise<void> {
    await this.context.usageWriter.close();
    await this.validator.close();
    await this.context.alerts.close();
    await this.context.access.close();
    await this.context.cache.close();
    if (this.context.ownsInvalidations) await this.context.invalidations.close();
  }
}
