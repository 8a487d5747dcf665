import { z } from 'zod';

// The one definition of a fallback chain's input and its limits, for the library and the REST API.

const keyIdField = z.string().min(1).max(255);

/** `configureFallbackChain`: every field optional; what is left out keeps its default. */
export const fallbackChainSchema = z.strictObject({
  primaryKeyId: keyIdField.nullable().optional(),
  fallbackSequence: z.array(keyIdField).max(20).optional(),
  useSystemFallback: z.boolean().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  retryDelayMs: z.number().int().min(0).max(60_000).optional(),
});
