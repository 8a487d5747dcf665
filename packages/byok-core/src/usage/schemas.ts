import { z } from 'zod';
import { ProviderType } from '../providers/types.js';

// The one definition of each usage input's fields and limits, for the library and the REST API
// (which takes the same fields as JSON and query strings, with OpenAPI metadata added).

export const TIME_RANGES = ['24h', '7d', '30d', '90d'] as const;
export const USAGE_METRICS = ['requests', 'tokens', 'minutes', 'cost'] as const;
export const USAGE_GROUPS = ['hour', 'day', 'week', 'month', 'provider', 'key'] as const;

const idField = z.string().min(1).max(255);
const count = (max: number) => z.number().int().min(0).max(max);

/** Each field of a usage record, with its limits. */
export const usageFields = {
  keyId: idField,
  provider: z.enum(ProviderType),
  model: z.string().trim().min(1).max(200),
  requests: z.number().int().min(1).max(1_000_000),
  tokens: count(1e12),
  costUsd: z.number().min(0).max(1e9),
  latencyMs: count(86_400_000),
  audioSeconds: z.number().min(0).max(1e9),
  success: z.boolean(),
};

/** A point in time: a Date, an ISO instant or date, or milliseconds since the epoch. */
export const instantSchema = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.iso.date(), z.number().int().nonnegative()])
  .transform((value) => (value instanceof Date ? value : new Date(value)))
  .refine((date) => !Number.isNaN(date.getTime()), 'must be a valid date');

/** `recordUsage`. */
export const recordUsageSchema = z.strictObject({
  keyId: usageFields.keyId.optional(),
  userId: idField.optional(),
  workspaceId: idField.optional(),
  // Optional: a key id alone says which provider it is; a missing one is reported as missing.
  provider: usageFields.provider.optional(),
  model: usageFields.model.optional(),
  requests: usageFields.requests.optional(),
  inputTokens: usageFields.tokens.optional(),
  outputTokens: usageFields.tokens.optional(),
  cachedTokens: usageFields.tokens.optional(),
  costUsd: usageFields.costUsd.optional(),
  latencyMs: usageFields.latencyMs.optional(),
  audioSeconds: usageFields.audioSeconds.optional(),
  success: usageFields.success.optional(),
  at: instantSchema.optional(),
});

/** `getAnalytics` options. */
export const analyticsOptionsSchema = z.strictObject({
  timeRange: z
    .union([z.enum(TIME_RANGES), z.strictObject({ from: instantSchema, to: instantSchema })])
    .optional(),
  providers: z.array(z.enum(ProviderType)).max(50).optional(),
  metrics: z.array(z.enum(USAGE_METRICS)).optional(),
  groupBy: z.enum(USAGE_GROUPS).optional(),
});
