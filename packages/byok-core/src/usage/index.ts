export { bucketStarts, floorTo, MAX_BUCKETS } from './analytics.js';
export {
  type AudioModelPrice,
  defaultPriceTable,
  findAudioModelPrice,
  findModelPrice,
  type ModelPrice,
  normalizeModelId,
  type PriceResult,
  type PriceTable,
  type PriceUsageInput,
  parsePriceTable,
  priceUsage,
} from './pricing.js';
export {
  DEFAULT_USAGE_RETENTION,
  purgeExpiredUsage,
  resolveUsageRetention,
  type UsagePurgeResult,
  type UsageRetentionOptions,
} from './retention.js';
export type {
  AnalyticsGroupBy,
  AnalyticsMetric,
  AnalyticsOptions,
  AnalyticsTimeRange,
  RecordUsageInput,
  UsageAnalytics,
  UsageFigures,
  UsageRecorded,
} from './types.js';
export { UsageService, type UsageServiceOptions } from './usage-service.js';
