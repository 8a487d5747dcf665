import type { UsageWriteEvent } from '../usage/usage-writer.js';
import type { UsageEvent } from './types.js';

const DAY_MS = 86_400_000;

/**
 * A committed batch summed per provider, today's usage only (UTC): `token_usage_daily` counts
 * today's tokens, and back-dated usage does not belong in it. One metrics update per provider
 * rather than per event.
 */
export function todaysUsageByProvider(events: readonly UsageWriteEvent[], now: number): UsageEvent[] {
  const today = Math.floor(now / DAY_MS);
  const totals = new Map<string, Required<UsageEvent>>();
  for (const e of events) {
    if (Math.floor(e.at.getTime() / DAY_MS) !== today) continue;
    const sum = totals.get(e.provider);
    if (sum === undefined) {
      totals.set(e.provider, {
        provider: e.provider,
        inputTokens: e.inputTokens,
        outputTokens: e.outputTokens,
        cachedTokens: e.cachedTokens,
        costUsd: e.costUsd ?? 0,
      });
      continue;
    }
    sum.inputTokens += e.inputTokens;
    sum.outputTokens += e.outputTokens;
    sum.cachedTokens += e.cachedTokens;
    sum.costUsd += e.costUsd ?? 0;
  }
  return [...totals.values()];
}
