import { hash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type AuditLog, actorLabel, type RequestContext } from '../audit/index.js';
import type { KeyCache } from '../cache/index.js';
import type { Owner } from '../crypto/index.js';
import { BYOKError, invalidInput, parseInput } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { toOwner } from '../keys/owner.js';
import type { OwnerSelector } from '../keys/types.js';
import { Environment, ProviderType } from '../providers/index.js';
import type { Database, SqlClient } from '../store/types.js';
import { TIME_RANGES } from '../usage/schemas.js';
import {
  type GatewayTokenRow,
  gatewayTokenStore,
  type TokenFields,
  toGatewayToken,
  toGatewayTokenWithUsage,
  toUsageReport,
} from './token-store.js';
import type {
  CreatedGatewayToken,
  CreateGatewayTokenInput,
  GatewayToken,
  GatewayTokenUsageReport,
  GatewayTokenWithUsage,
  UpdateGatewayTokenInput,
} from './types.js';

/** Every gateway token starts with this, so secret scanners and people can tell what it is. */
export const GATEWAY_TOKEN_PREFIX = 'byok_gt_';
const TOKEN_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 43 base-62 characters: ~256 bits, so one SHA-256 (no slow KDF) is the right way to store it. */
const TOKEN_LENGTH = 43;
const TOKEN_SHAPE = /^byok_gt_[0-9A-Za-z]{43}$/;

/** An allowed-model pattern: an exact id or a `*` wildcard (`gpt-*`, `openai/*`). */
export const modelPattern = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:/@*-]+$/, { message: 'may hold letters, digits, . _ : / @ - and * only' });
const fields = {
  name: z.string().trim().min(1).max(100),
  allowedProviders: z.array(z.enum(ProviderType)).max(20).nullable(),
  allowedModels: z.array(modelPattern).max(100).nullable(),
  expiresAt: z
    .union([z.date(), z.iso.datetime({ offset: true })])
    .transform((value) => new Date(value))
    .nullable(),
  monthlyBudgetUsd: z.number().min(0).max(1e9).nullable(),
  requestsPerMinute: z.number().int().min(1).max(1_000_000).nullable(),
  allowSystemKeys: z.boolean(),
};
const createSchema = z.strictObject({
  userId: z.string().optional(),
  workspaceId: z.string().optional(),
  name: fields.name,
  allowedProviders: fields.allowedProviders.optional(),
  allowedModels: fields.allowedModels.optional(),
  environment: z.enum(Environment).optional(),
  expiresAt: fields.expiresAt.optional(),
  monthlyBudgetUsd: fields.monthlyBudgetUsd.optional(),
  requestsPerMinute: fields.requestsPerMinute.optional(),
  allowSystemKeys: fields.allowSystemKeys.optional(),
});
const updateSchema = z
  .strictObject({
    name: fields.name.optional(),
    allowedProviders: fields.allowedProviders.optional(),
    allowedModels: fields.allowedModels.optional(),
    expiresAt: fields.expiresAt.optional(),
    monthlyBudgetUsd: fields.monthlyBudgetUsd.optional(),
    requestsPerMinute: fields.requestsPerMinute.optional(),
    allowSystemKeys: fields.allowSystemKeys.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'give at least one field to change' });

/** SHA-256, hex (one-shot `hash`: no Hash object per request). */
export const hashGatewayToken = (token: string): string => hash('sha256', token, 'hex');

const cacheKeyFor = (tokenHash: string): string => `gwtoken:${tokenHash}`;

function newToken(): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  let body = '';
  while (body.length < TOKEN_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte < 248 && body.length < TOKEN_LENGTH) body += TOKEN_ALPHABET[byte % 62];
    }
  }
  return `${GATEWAY_TOKEN_PREFIX}${body}`;
}

const DAY_MS = 86_400_000;
const RANGE_DAYS = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const satisfies Record<
  (typeof TIME_RANGES)[number],
  number
>;

const tokenNotFound = (id: string) =>
  new BYOKError('NOT_FOUND', `Gateway token ${id} not found`, { details: { tokenId: id } });

type Cached = { row: GatewayTokenRow };

/**
 * The token each cached row stands for, converted once per cached object rather than per request
 * (an invalidated or refreshed entry is a new object, so it is converted afresh).
 */
const converted = new WeakMap<Cached, GatewayToken>();
function tokenOf(cached: Cached): GatewayToken {
  let token = converted.get(cached);
  if (!token) {
    token = toGatewayToken(cached.row);
    converted.set(cached, token);
  }
  return token;
}

/** The token of a cached row when it may be used now: active and unexpired. */
function usable(cached: Cached): GatewayToken | undefined {
  const token = tokenOf(cached);
  if (token.status !== 'active') return undefined;
  if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) return undefined;
  return token;
}

export interface GatewayTokenServiceDeps {
  db: Database;
  audit: Pick<AuditLog, 'append'>;
  /** Holds token rows (hashes and settings, never a token) and spreads invalidations to every instance. */
  cache: KeyCache;
}

/**
 * Gateway tokens (virtual keys): create, list, change, revoke and delete, each change audited in
 * its own transaction; and `authenticate`, the gateway's per-request lookup.
 *
 * Revocation: the row changes first, then the cached row is invalidated here, in the shared tier
 * and on every instance (the key cache's invalidation, the same path revoked keys take).
 */
export class GatewayTokenService {
  readonly #d: GatewayTokenServiceDeps;

  constructor(deps: GatewayTokenServiceDeps) {
    this.#d = deps;
  }

  /**
   * Creates a token for an owner. The token is returned this once; only its SHA-256 is stored.
   * @example
   * const { id, token } = await tokens.create({ userId: 'user_123', name: 'my app', monthlyBudgetUsd: 20 });
   */
  async create(input: CreateGatewayTokenInput, context?: RequestContext): Promise<CreatedGatewayToken> {
    const parsed = parseInput(createSchema, input, 'gateway token');
    const owner = toOwner(parsed);
    const token = newToken();
    const id = newId('gt');
    const values: TokenFields = {
      name: parsed.name,
      allowedProviders: parsed.allowedProviders ?? null,
      allowedModels: parsed.allowedModels ?? null,
      environment: parsed.environment ?? Environment.PRODUCTION,
      expiresAt: parsed.expiresAt ?? null,
      monthlyBudgetUsd: parsed.monthlyBudgetUsd ?? null,
      requestsPerMinute: parsed.requestsPerMinute ?? null,
      allowSystemKeys: parsed.allowSystemKeys ?? false,
    };
    if (values.expiresAt && values.expiresAt.getTime() <= Date.now()) {
      throw invalidInput('expiresAt must be in the future', { field: 'expiresAt' });
    }
    const row = await this.#d.db.transaction(async (tx) => {
      const inserted = await gatewayTokenStore.insert(tx, {
        id,
        owner,
        tokenHash: hashGatewayToken(token),
        hint: `${GATEWAY_TOKEN_PREFIX}…${token.slice(-4)}`,
        createdBy: context?.actor ? actorLabel(context.actor) : null,
        ...values,
      });
      await this.#audit(tx, 'gateway_token.created', inserted, context, summary(values));
      return inserted;
    });
    return { id, token, gatewayToken: toGatewayToken(row) };
  }

  /** An owner's tokens, oldest first, each with its usage this UTC month. */
  async list(owner: string | OwnerSelector, now = new Date()): Promise<GatewayTokenWithUsage[]> {
    const month = monthOf(now);
    const rows = await gatewayTokenStore.list(this.#d.db, toOwner(owner), month);
    return rows.map((row) => toGatewayTokenWithUsage(row, month));
  }

  /** @throws BYOKError `NOT_FOUND` for a missing token or another owner's. */
  async get(id: string, owner: string | OwnerSelector, now = new Date()): Promise<GatewayTokenWithUsage> {
    const month = monthOf(now);
    const row = await gatewayTokenStore.findWithSpend(this.#d.db, id, toOwner(owner), month);
    if (!row) throw tokenNotFound(id);
    return toGatewayTokenWithUsage(row, month);
  }

  /**
   * The token's usage over a rolling window ending `now`, by UTC day and by model: whole hours from
   * the token's hourly roll-ups, the edges from raw usage rows (committed usage: a batch lands within
   * seconds).
   * @throws BYOKError `NOT_FOUND` for a missing token or another owner's.
   * @example
   * const { totals, byDay, byModel } = await tokens.usage('gt_…', 'user_123', '7d');
   */
  async usage(
    id: string,
    owner: string | OwnerSelector,
    timeRange: (typeof TIME_RANGES)[number] = '30d',
    now = new Date(),
  ): Promise<GatewayTokenUsageReport> {
    const range = parseInput(z.enum(TIME_RANGES), timeRange, 'time range');
    const ownerOfToken = toOwner(owner);
    const row = await gatewayTokenStore.find(this.#d.db, id, ownerOfToken);
    if (!row) throw tokenNotFound(id);
    const from = new Date(now.getTime() - RANGE_DAYS[range] * DAY_MS);
    return toUsageReport(
      id,
      { from, to: now },
      await gatewayTokenStore.usageSums(this.#d.db, id, ownerOfToken, from, now),
    );
  }

  async update(
    id: string,
    owner: string | OwnerSelector,
    patch: UpdateGatewayTokenInput,
    context?: RequestContext,
  ): Promise<GatewayToken> {
    const parsed = parseInput(updateSchema, patch, 'gateway token');
    const row = await this.#change(id, owner, async (tx, current, resolved) => {
      if (current.status === 'revoked') throw invalidInput(`Gateway token ${id} is revoked`, { field: 'id' });
      const now = toGatewayToken(current);
      const next: TokenFields = {
        name: parsed.name ?? now.name,
        allowedProviders:
          parsed.allowedProviders !== undefined ? parsed.allowedProviders : now.allowedProviders,
        allowedModels: parsed.allowedModels !== undefined ? parsed.allowedModels : now.allowedModels,
        environment: now.environment,
        expiresAt: parsed.expiresAt !== undefined ? parsed.expiresAt : now.expiresAt,
        monthlyBudgetUsd:
          parsed.monthlyBudgetUsd !== undefined ? parsed.monthlyBudgetUsd : now.monthlyBudgetUsd,
        requestsPerMinute:
          parsed.requestsPerMinute !== undefined ? parsed.requestsPerMinute : now.requestsPerMinute,
        allowSystemKeys: parsed.allowSystemKeys ?? now.allowSystemKeys,
      };
      // `current` is locked above, so the owner's row is still there.
      const updated = (await gatewayTokenStore.update(tx, id, resolved, next)) as GatewayTokenRow;
      await this.#audit(tx, 'gateway_token.updated', updated, context, {
        changed: Object.keys(parsed).sort(),
      });
      return updated;
    });
    return toGatewayToken(row);
  }

  /** Revokes for good: the token is refused from the moment the invalidation reaches an instance. */
  async revoke(id: string, owner: string | OwnerSelector, context?: RequestContext): Promise<GatewayToken> {
    const row = await this.#change(id, owner, async (tx, current, resolved) => {
      if (current.status === 'revoked') return current;
      const revoked = (await gatewayTokenStore.revoke(tx, id, resolved)) as GatewayTokenRow;
      await this.#audit(tx, 'gateway_token.revoked', revoked, context, {});
      return revoked;
    });
    return toGatewayToken(row);
  }

  async delete(id: string, owner: string | OwnerSelector, context?: RequestContext): Promise<void> {
    await this.#change(id, owner, async (tx, current, resolved) => {
      await gatewayTokenStore.delete(tx, id, resolved);
      await this.#audit(tx, 'gateway_token.deleted', current, context, {});
      return current;
    });
  }

  /**
   * The active, unexpired token row a presented token stands for, or undefined: at once (no
   * promise) when its row is in this process's cache, else after reading the shared cache or the
   * database once and caching the row.
   */
  authenticate(presented: string): GatewayToken | undefined | Promise<GatewayToken | undefined> {
    if (!TOKEN_SHAPE.test(presented)) return undefined;
    const tokenHash = hashGatewayToken(presented);
    const key = cacheKeyFor(tokenHash);
    const cached = this.#d.cache.peek<Cached>(key);
    return cached ? usable(cached) : this.#load(key, tokenHash);
  }

  async #load(key: string, tokenHash: string): Promise<GatewayToken | undefined> {
    let cached = await this.#d.cache.get<Cached>(key);
    if (!cached) {
      const row = await gatewayTokenStore.findByHash(this.#d.db, tokenHash);
      if (!row) return undefined;
      cached = { row };
      await this.#d.cache.set(key, cached);
    }
    return usable(cached);
  }

  /** USD the token spent this UTC month, from committed usage. */
  spendThisMonth(tokenId: string, now = new Date()): Promise<number> {
    return gatewayTokenStore.spend(this.#d.db, tokenId, monthOf(now));
  }

  /**
   * Runs `change` in a transaction on the owner's locked row (`NOT_FOUND` when there is none), then
   * invalidates the cached row here, in the shared tier and on every instance.
   */
  async #change(
    id: string,
    owner: string | OwnerSelector,
    change: (tx: SqlClient, current: GatewayTokenRow, owner: Owner) => Promise<GatewayTokenRow>,
  ): Promise<GatewayTokenRow> {
    const resolved = toOwner(owner);
    const row = await this.#d.db.transaction(async (tx) => {
      const current = await gatewayTokenStore.find(tx, id, resolved, true);
      if (!current) throw tokenNotFound(id);
      return change(tx, current, resolved);
    });
    await this.#d.cache.invalidate([cacheKeyFor(row.token_hash)]);
    return row;
  }

  async #audit(
    tx: Parameters<AuditLog['append']>[0],
    action:
      | 'gateway_token.created'
      | 'gateway_token.updated'
      | 'gateway_token.revoked'
      | 'gateway_token.deleted',
    row: GatewayTokenRow,
    context: RequestContext | undefined,
    details: Record<string, unknown>,
  ): Promise<void> {
    const owner: Owner = { type: row.owner_type, id: row.owner_id };
    await this.#d.audit.append(tx, {
      action,
      targetType: 'gateway_token',
      targetId: row.id,
      owner,
      context: { ...context, actor: context?.actor ?? (owner.type === 'user' ? owner.id : 'system') },
      details: { name: row.name, hint: row.hint, ...details },
    });
  }
}

/** `YYYY-MM-01` of the UTC month of `at`. */
export function monthOf(at: Date): string {
  return `${at.toISOString().slice(0, 7)}-01`;
}

function summary(values: TokenFields): Record<string, unknown> {
  return {
    environment: values.environment,
    allowedProviders: values.allowedProviders,
    allowedModels: values.allowedModels,
    expiresAt: values.expiresAt?.toISOString() ?? null,
    monthlyBudgetUsd: values.monthlyBudgetUsd,
    requestsPerMinute: values.requestsPerMinute,
    allowSystemKeys: values.allowSystemKeys,
  };
}
