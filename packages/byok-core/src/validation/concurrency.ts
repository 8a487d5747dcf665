/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order.
 * When a call throws, no new call starts; the first error is rethrown once the calls already
 * running have settled (nothing is left running behind the caller's back).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return results;
}

/** `validation.parallelValidation` as a number: true → 10, false → 1, a positive number → that. */
export function concurrencyFrom(parallel: boolean | number | undefined): number {
  if (parallel === false) return 1;
  if (typeof parallel === 'number' && Number.isFinite(parallel) && parallel >= 1) return Math.floor(parallel);
  return 10;
}
