import { performance } from 'node:perf_hooks';
import { createScratchDatabase } from '../packages/byok-core/test/backends.js';

/**
 * A throw-away database on the PostgreSQL server benchmarks run against (BENCH_DATABASE_URL, else
 * TEST_DATABASE_URL); dropped by `drop()`.
 */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('Set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server');
  process.env.TEST_DATABASE_URL = url;
  return createScratchDatabase();
}

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns operations per second. */
export async function throughput(fn: () => unknown, ms = 1500): Promise<number> {
  const warmUntil = performance.now() + ms / 5;
  while (performance.now() < warmUntil) await fn();
  let ops = 0;
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i += 1) await fn();
    ops += 100;
  }
  return ops / ((performance.now() - start) / 1000);
}

/** Median latency in ms of `n` sequential calls of `fn`, after a warm-up. */
export async function medianLatency(fn: () => Promise<unknown>, n = 2000): Promise<number> {
  for (let i = 0; i < Math.min(200, n / 5); i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

export function report(
  rows: { figure: string; value: string; baseline: string; ratio: number; goal: string }[],
): void {
  console.table(rows.map((r) => ({ ...r, ratio: `${r.ratio.toFixed(2)}x` })));
}
