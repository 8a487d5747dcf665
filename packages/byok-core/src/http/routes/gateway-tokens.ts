import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { BYOKSystem } from '../../create-byok.js';
import { modelPattern } from '../../gateway/token-service.js';
import type { GatewayToken } from '../../gateway/types.js';
import { Environment, ProviderType } from '../../providers/types.js';
import { TIME_RANGES } from '../../usage/schemas.js';
import { callContext, ownerScope } from '../guards.js';
import { ScopeQuery } from '../schemas.js';
import type { HttpEnv } from '../types.js';
import { errorResponses, json, jsonBody, security } from './common.js';

const MANAGE = 'Only workspace admins and owners can manage gateway tokens';
const isoDate = z.string().openapi({ format: 'date-time' });
const settable = {
  name: z.string().trim().min(1).max(100),
  allowedProviders: z
    .array(z.enum(ProviderType))
    .max(20)
    .nullable()
    .openapi({ description: 'Providers this token may call; null (default) means all' }),
  allowedModels: z
    .array(modelPattern)
    .max(100)
    .nullable()
    .openapi({ description: 'Model patterns (`gpt-*`, `anthropic/*`, exact ids); null means all' }),
  expiresAt: isoDate.nullable(),
  monthlyBudgetUsd: z.number().min(0).max(1e9).nullable().openapi({ description: 'USD per UTC month' }),
  requestsPerMinute: z.number().int().min(1).max(1_000_000).nullable(),
  allowSystemKeys: z
    .boolean()
    .openapi({ description: 'May the application’s own keys serve after yours (default false)' }),
};

const CreateGatewayTokenBody = z
  .strictObject({
    name: settable.name,
    allowedProviders: settable.allowedProviders.optional(),
    allowedModels: settable.allowedModels.optional(),
    environment: z
      .enum(Environment)
      .optional()
      .openapi({ description: 'Whose keys serve; default production' }),
    expiresAt: settable.expiresAt.optional(),
    monthlyBudgetUsd: settable.monthlyBudgetUsd.optional(),
    requestsPerMinute: settable.requestsPerMinute.optional(),
    allowSystemKeys: settable.allowSystemKeys.optional(),
  })
  .openapi('CreateGatewayTokenInput');

const UpdateGatewayTokenBody = z
  .strictObject({
    name: settable.name.optional(),
    allowedProviders: settable.allowedProviders.optional(),
    allowedModels: settable.allowedModels.optional(),
    expiresAt: settable.expiresAt.optional(),
    monthlyBudgetUsd: settable.monthlyBudgetUsd.optional(),
    requestsPerMinute: settable.requestsPerMinute.optional(),
    allowSystemKeys: settable.allowSystemKeys.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'give at least one field to change' })
  .openapi('UpdateGatewayTokenInput');

const GatewayTokenSchema = z
  .object({
    id: z.string(),
    owner: z.object({ type: z.enum(['user', 'workspace']), id: z.string() }),
    name: z.string(),
    hint: z.string().openapi({ example: 'byok_gt_…abcd' }),
    allowedProviders: z.array(z.string()).nullable(),
    allowedModels: z.array(z.string()).nullable(),
    environment: z.enum(Environment),
    expiresAt: isoDate.nullable(),
    monthlyBudgetUsd: z.number().nullable(),
    requestsPerMinute: z.number().nullable(),
    allowSystemKeys: z.boolean(),
    status: z.enum(['active', 'revoked']),
    revokedAt: isoDate.nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .openapi('GatewayToken');

const GatewayTokenUsageSchema = z
  .object({
    month: z.string().openapi({ description: 'The UTC calendar month', example: '2026-03' }),
    requests: z.number().int().openapi({ description: 'Requests made with the token, failed ones included' }),
    costUsd: z.number().openapi({ description: 'USD; requests of unpriced models count as 0' }),
    budgetRemainingUsd: z
      .number()
      .nullable()
      .openapi({ description: '`monthlyBudgetUsd` minus `costUsd`, never below 0; null without a budget' }),
  })
  .openapi('GatewayTokenUsage', {
    description: 'What the token spent this month, from committed usage (a batch lands within seconds)',
  });
const GatewayTokenWithUsageSchema = GatewayTokenSchema.extend({ usage: GatewayTokenUsageSchema }).openapi(
  'GatewayTokenWithUsage',
);

const GatewayTokenResponse = z.object({ gatewayToken: GatewayTokenSchema }).openapi('GatewayTokenResponse');
const GatewayTokenWithUsageResponse = z
  .object({ gatewayToken: GatewayTokenWithUsageSchema })
  .openapi('GatewayTokenWithUsageResponse');
const CreatedGatewayTokenResponse = z
  .object({
    id: z.string(),
    token: z.string().openapi({ description: 'Shown once; only its hash is stored', example: 'byok_gt_…' }),
    gatewayToken: GatewayTokenSchema,
  })
  .openapi('CreatedGatewayToken');
const GatewayTokenListResponse = z
  .object({ gatewayTokens: z.array(GatewayTokenWithUsageSchema) })
  .openapi('GatewayTokenListResponse');
const counted = z.number().int();
const UsageFigures = {
  requests: counted,
  errors: counted.openapi({ description: 'Requests that failed (upstream errors, disconnects)' }),
  inputTokens: counted,
  outputTokens: counted,
  costUsd: z.number().nullable().openapi({
    description: 'USD of the priced requests; null when every request is unpriced (unknown, not $0)',
  }),
  unpricedRequests: counted,
};
const GatewayTokenUsageReport = z
  .object({
    tokenId: z.string(),
    timeRange: z.object({ from: isoDate, to: isoDate }),
    totals: z.object(UsageFigures),
    byDay: z.array(z.object({ day: z.string().openapi({ example: '2026-03-09' }), ...UsageFigures })),
    byModel: z.array(z.object({ provider: z.string(), model: z.string().nullable(), ...UsageFigures })),
  })
  .openapi('GatewayTokenUsageReport');
const TokenUsageQuery = ScopeQuery.extend({
  timeRange: z
    .enum(TIME_RANGES)
    .optional()
    .openapi({ description: 'Rolling window ending now; default 30d' }),
});

const GatewayTokenParams = z.strictObject({
  id: z.string().min(1).max(255).openapi({ description: 'Gateway token id (`gt_…`)' }),
});

export function serializeGatewayToken<T extends GatewayToken>(token: T) {
  return {
    ...token,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    createdAt: token.createdAt.toISOString(),
    updatedAt: token.updatedAt.toISOString(),
  };
}

/** `/gateway-tokens`: the tokens applications use at `/v1` and `/anthropic` instead of users' keys. */
export function registerGatewayTokenRoutes(
  app: OpenAPIHono<HttpEnv>,
  system: BYOKSystem,
  basePath: string,
): void {
  const tags = ['Gateway tokens'];
  const collection = `${basePath}/gateway-tokens`;
  const item = `${collection}/{id}`;
  const manager = system.manager;

  app.openapi(
    createRoute({
      method: 'post',
      path: collection,
      tags,
      security,
      summary: 'Create a gateway token',
      description:
        'The answer holds the token (`byok_gt_…`) this once; only its SHA-256 is stored. Use it as the API key of the `openai` SDK (base URL `…/v1`) or `@anthropic-ai/sdk` (base URL `…/anthropic`).',
      request: { query: ScopeQuery, body: jsonBody(CreateGatewayTokenBody) },
      responses: {
        201: json(CreatedGatewayTokenResponse, 'The new token, shown once'),
        ...errorResponses(400, 401, 403, 404, 413, 415, 429),
      },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      const created = await manager.createGatewayToken({ ...c.req.valid('json'), ...scope }, callContext(c));
      return c.json(
        { id: created.id, token: created.token, gatewayToken: serializeGatewayToken(created.gatewayToken) },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: collection,
      tags,
      security,
      summary: 'List gateway tokens',
      description: 'Each with its requests and cost this UTC month.',
      request: { query: ScopeQuery },
      responses: {
        200: json(GatewayTokenListResponse, 'Oldest first'),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      const tokens = await manager.listGatewayTokens(scope);
      return c.json({ gatewayTokens: tokens.map(serializeGatewayToken) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: item,
      tags,
      security,
      summary: 'A gateway token’s settings (never the token) and usage this month',
      request: { params: GatewayTokenParams, query: ScopeQuery },
      responses: {
        200: json(GatewayTokenWithUsageResponse, 'The token'),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      const token = await manager.getGatewayToken(c.req.valid('param').id, scope);
      return c.json({ gatewayToken: serializeGatewayToken(token) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${item}/usage`,
      tags,
      security,
      summary: 'A gateway token’s usage by day and by model',
      description:
        'From the raw usage rows of the token over a rolling window (UTC days with usage only). A model without a known price counts as unpriced.',
      request: { params: GatewayTokenParams, query: TokenUsageQuery },
      responses: {
        200: json(GatewayTokenUsageReport, 'Totals, days and models'),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { workspaceId, timeRange } = c.req.valid('query');
      const scope = await ownerScope(system, c, workspaceId, 'admin', MANAGE);
      const report = await manager.getGatewayTokenUsage(c.req.valid('param').id, scope, timeRange);
      return c.json(
        {
          ...report,
          timeRange: { from: report.timeRange.from.toISOString(), to: report.timeRange.to.toISOString() },
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: item,
      tags,
      security,
      summary: 'Change a gateway token’s name, limits or allowed models',
      request: { params: GatewayTokenParams, query: ScopeQuery, body: jsonBody(UpdateGatewayTokenBody) },
      responses: {
        200: json(GatewayTokenResponse, 'The changed token'),
        ...errorResponses(400, 401, 403, 404, 413, 415, 429),
      },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      const token = await manager.updateGatewayToken(
        c.req.valid('param').id,
        scope,
        c.req.valid('json'),
        callContext(c),
      );
      return c.json({ gatewayToken: serializeGatewayToken(token) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${item}/revoke`,
      tags,
      security,
      summary: 'Revoke a gateway token',
      description: 'For good: every instance refuses it from the moment the invalidation reaches it.',
      request: { params: GatewayTokenParams, query: ScopeQuery },
      responses: {
        200: json(GatewayTokenResponse, 'The revoked token'),
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      const token = await manager.revokeGatewayToken(c.req.valid('param').id, scope, callContext(c));
      return c.json({ gatewayToken: serializeGatewayToken(token) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: item,
      tags,
      security,
      summary: 'Delete a gateway token',
      request: { params: GatewayTokenParams, query: ScopeQuery },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const scope = await ownerScope(system, c, c.req.valid('query').workspaceId, 'admin', MANAGE);
      await manager.deleteGatewayToken(c.req.valid('param').id, scope, callContext(c));
      return c.body(null, 204);
    },
  );
}
