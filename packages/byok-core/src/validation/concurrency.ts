import pMap, { pMapStop } from 'p-map';

/** Returned by a `mapWithConcurrency` callback: start nothing more (the result ends before this item). */
export const STOP_MAPPING: typeof pMapStop = pMapStop;

/**
 * Maps `items` (an array or an async iterable, pulled as slots free up) through `fn` with at most
 * `limit` calls in flight, keeping the input order (p-map underneath). When a call throws, or
 * returns {@link STOP_MAPPING}, no new call starts; the calls already running are awaited before
 * this returns or rethrows the first error, so nothing is left running behind the caller's back.
 */
export async function mapWithConcurrency<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R | typeof STOP_MAPPING>,
): Promise<R[]> {
  const running = new Set<Promise<unknown>>();
  const tracked = (item: T, index: number): Promise<R | typeof STOP_MAPPING> => {
    const call = fn(item, index);
    running.add(call);
    const forget = () => running.delete(call);
    call.then(forget, forget);
    return call;
  };
  try {
    return await pMap(items, tracked, { concurrency: Math.max(1, Math.floor(limit) || 1) });
  } finally {
    while (running.size > 0) await Promise.allSettled([...running]);
  }
}

/** `validation.parallelValidation` as a number: true → 10, false → 1, a positive number → that. */
export function concurrencyFrom(parallel: boolean | number | undefined): number {
  if (parallel === false) return 1;
  if (typeof parallel === 'number' && Number.isFinite(parallel) && parallel >= 1) return Math.floor(parallel);
  return 10;
}
