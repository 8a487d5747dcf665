import { describe, expect, it } from 'vitest';
import { concurrencyFrom, mapWithConcurrency, STOP_MAPPING } from './concurrency.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and the input order', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (ms, index) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick(ms);
      running -= 1;
      return `${index}:${ms}`;
    });
    expect(result).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
    expect(peak).toBe(2);
  });

  it('pulls an async iterable as slots free up', async () => {
    const pulled: number[] = [];
    async function* source() {
      for (let i = 0; i < 5; i += 1) {
        pulled.push(i);
        yield i;
      }
    }
    expect(await mapWithConcurrency(source(), 3, async (n) => n * 2)).toEqual([0, 2, 4, 6, 8]);
    expect(pulled).toEqual([0, 1, 2, 3, 4]);
  });

  it('on an error starts nothing new and rethrows once the running calls have settled', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const error = await mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 0) throw new Error('boom');
      await tick(20);
      finished.push(n);
      return n;
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
    // The call running beside the failed one finished before the error came back; none started after.
    expect(finished).toEqual(started.filter((n) => n !== 0));
    expect(started.length).toBeLessThanOrEqual(2);
  });

  it('stops at STOP_MAPPING and waits for the calls already running', async () => {
    const finished: number[] = [];
    const result = await mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (n) => {
      if (n === 2) return STOP_MAPPING;
      await tick(n === 3 ? 30 : 5);
      finished.push(n);
      return n;
    });
    expect(result).toEqual([0, 1]);
    await tick(40);
    // Whatever started before the stop was seen had finished by the time the result came back.
    expect(finished.every((n) => n <= 3)).toBe(true);
    expect(finished).not.toContain(4);
    expect(finished).not.toContain(5);
  });
});

describe('concurrencyFrom', () => {
  it('maps validation.parallelValidation', () => {
    expect(concurrencyFrom(undefined)).toBe(10);
    expect(concurrencyFrom(true)).toBe(10);
    expect(concurrencyFrom(false)).toBe(1);
    expect(concurrencyFrom(4.7)).toBe(4);
    expect(concurrencyFrom(0)).toBe(10);
  });
});
