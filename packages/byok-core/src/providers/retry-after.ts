/**
 * How long a provider asked us to wait, in milliseconds. Reads `retry-after-ms` first (OpenAI's SDK
 * honours it), then `retry-after` as delta-seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMsFromHeaders(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(?:\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Parses a protobuf `Duration` in its JSON form (`"58s"`, `"1.5s"`), as Google puts in
 * `google.rpc.RetryInfo.retryDelay`. Undefined when unreadable.
 */
export function durationToMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}
