import type { GroupBy, ProviderId, TimeRange, UsageAnalytics } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

/** The time buckets that read well for each range. */
export const GROUP_BY_FOR_RANGE: Record<TimeRange, GroupBy> = {
  '24h': 'hour',
  '7d': 'day',
  '30d': 'day',
  '90d': 'week',
};

/** Usage over a time range, by time bucket, provider and key. */
export function useUsageAnalytics(timeRange: TimeRange, providers?: ProviderId[]): Resource<UsageAnalytics> {
  const { client, workspaceId, userId, revision } = useBYOK();
  const list = providers?.join(',') ?? '';
  return useResource(
    () =>
      client.usageAnalytics(
        { timeRange, groupBy: GROUP_BY_FOR_RANGE[timeRange], ...(providers?.length ? { providers } : {}) },
        { workspaceId },
      ),
    `usage:${userId ?? ''}:${workspaceId ?? ''}:${timeRange}:${list}`,
    revision,
  );
}
