import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { BYOKSystem } from '../../create-byok.js';
import { BYOKError } from '../../errors/index.js';
import { isProviderType, type ProviderType } from '../../providers/index.js';
import type { AnalyticsMetric, AnalyticsOptions } from '../../usage/index.js';
import { ownerScope } from '../guards.js';
import { invalid, unknownProviderMessage } from '../problem.js';
import {
  AnalyticsQuery,
  RecordUsageBody,
  RecordUsageResponse,
  ScopeQuery,
  UsageAnalyticsResponse,
} from '../schemas.js';
import { serializeAnalytics } from '../serialize.js';
import type { HttpEnv } from '../types.js';
import { errorResponses, json, jsonBody, security } from './common.js';

const list = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : [...new Set(value.split(','))];

/** `/usage/analytics` (read) and `/usage` (record). */
export function registerUsageRoutes(app: OpenAPIHono<HttpEnv>, system: BYOKSystem, basePath: string): void {
  const manager = system.manager;
  const tags = ['Usage'];

  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/usage/analytics`,
      tags,
      security,
      summary: 'Requests, tokens and cost over a time range',
      description:
        'Your own usage, or a workspace’s with `workspaceId` (any member). Grouped by time bucket (UTC), provider or key. A model without a known price counts as unpriced: its cost is unknown, not $0.',
      request: { query: AnalyticsQuery },
      responses: {
        200: json(UsageAnalyticsResponse, 'Totals, a series and breakdowns'),
        ...errorResponses(400, 401, 404, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      if ((query.from === undefined) !== (query.to === undefined)) {
        throw invalid('Invalid query: give both from and to, or neither');
      }
      if (query.from !== undefined && query.timeRange !== undefined) {
        throw invalid('Invalid query: give timeRange or from and to, not both');
      }
      const providers = list(query.providers);
      if (providers?.some((p) => !isProviderType(p)))
        throw new BYOKError('UNKNOWN_PROVIDER', unknownProviderMessage());
      const scope = await ownerScope(system, c, query.workspaceId, 'member');
      const options: AnalyticsOptions = {
        ...(query.from && query.to
          ? { timeRange: { from: query.from, to: query.to } }
          : query.timeRange
            ? { timeRange: query.timeRange }
            : {}),
        ...(query.groupBy ? { groupBy: query.groupBy } : {}),
        ...(providers ? { providers: providers as ProviderType[] } : {}),
        ...(query.metrics ? { metrics: list(query.metrics) as AnalyticsMetric[] } : {}),
      };
      return c.json(serializeAnalytics(await manager.getAnalytics(scope, options)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/usage`,
      tags,
      security,
      summary: 'Record usage of one of your keys',
      description:
        'For applications that call the provider themselves with a key from BYOK. The key must be yours (or, with `?workspaceId=`, the workspace’s, for any member); anyone else’s key is "not found". Cost comes from the price table unless `costUsd` is given. Usage alerts are checked.',
      request: { query: ScopeQuery, body: jsonBody(RecordUsageBody) },
      responses: {
        201: json(RecordUsageResponse, 'What was recorded'),
        ...errorResponses(400, 401, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { workspaceId } = c.req.valid('query');
      const body = c.req.valid('json');
      const scope = await ownerScope(system, c, workspaceId, 'member');
      const recorded = await manager.recordUsage({ ...body, ...scope });
      return c.json({ usage: { id: recorded.id, costUsd: recorded.costUsd, priced: recorded.priced } }, 201);
    },
  );
}
