import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chunkIds, Hearing } from './hearing.js';

describe('hearing: when a bus connection can vouch for every message', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('is deaf until the subscription is confirmed, and gets a new epoch at every confirmation', () => {
    const hearing = new Hearing(750);
    expect(hearing.epoch()).toBeUndefined();
    hearing.confirmed();
    const first = hearing.epoch();
    expect(first).toBeDefined();
    hearing.lost();
    expect(hearing.epoch()).toBeUndefined();
    hearing.heard(); // an answer from a lost connection proves nothing
    expect(hearing.epoch()).toBeUndefined();
    hearing.confirmed();
    expect(hearing.epoch()).not.toBe(first);
    expect(hearing.deafPeriods()).toBe(1);
  });

  it('goes deaf when a heartbeat waits longer than the bound, and listens again (new epoch) when it is answered', () => {
    const hearing = new Hearing(750);
    hearing.confirmed();
    const first = hearing.epoch();
    hearing.pingSent();
    vi.advanceTimersByTime(700);
    expect(hearing.epoch()).toBe(first);
    vi.advanceTimersByTime(100);
    expect(hearing.epoch()).toBeUndefined();
    vi.advanceTimersByTime(10);
    expect(hearing.lateForMs()).toBe(10);
    hearing.heard();
    const second = hearing.epoch();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(hearing.deafPeriods()).toBe(1);
  });

  it('does not count a quiet stretch without heartbeats (a stalled event loop) as deafness', () => {
    const hearing = new Hearing(750);
    hearing.confirmed();
    const epoch = hearing.epoch();
    vi.advanceTimersByTime(5000);
    expect(hearing.epoch()).toBe(epoch);
    hearing.pingSent();
    hearing.heard();
    expect(hearing.epoch()).toBe(epoch);
  });

  it('keeps one heartbeat in flight, and ignores an answer that comes after its connection was lost', async () => {
    const hearing = new Hearing(750);
    const answers: Array<() => void> = [];
    const send = () => new Promise<void>((resolve) => answers.push(resolve));
    hearing.confirmed();
    hearing.ping(send);
    hearing.ping(send);
    expect(answers).toHaveLength(1);
    hearing.lost();
    hearing.confirmed();
    const epoch = hearing.epoch();
    hearing.ping(send);
    expect(answers).toHaveLength(2);
    answers[0]?.(); // the lost connection's answer says nothing about the new one
    await Promise.resolve();
    vi.advanceTimersByTime(800);
    expect(hearing.epoch()).toBeUndefined();
    answers[1]?.();
    await Promise.resolve();
    expect(hearing.epoch()).toBeDefined();
    expect(hearing.epoch()).not.toBe(epoch);
  });
});

describe('chunkIds', () => {
  it('keeps every id, in order, in chunks whose JSON fits the limit', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `active:user:usr_${i}:openai:production`);
    const chunks = chunkIds(ids, 1000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(ids);
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThanOrEqual(1000);
    expect(chunkIds([])).toEqual([]);
  });
});
