import { describe, expect, it } from 'vitest';
import { batchSums, rowUnits } from './usage-batch-sums.js';
import type { UsageRow } from './usage-store.js';

const owner = { type: 'user' as const, id: 'user_1' };
const row = (at: string, provider: string, model: string, gatewayTokenId: string | null): UsageRow => ({
  keyId: 'key_1',
  owner,
  provider,
  model,
  requests: 1,
  inputTokens: 10,
  outputTokens: 2,
  cachedTokens: 0,
  costUsd: 0.001,
  priced: true,
  latencyMs: 5,
  success: true,
  at: new Date(at),
  gatewayTokenId,
});

const tokenHours = (rows: UsageRow[]) =>
  (JSON.parse(batchSums(rows, rows.map(rowUnits)).tokenHourly) as Record<string, unknown>[])
    .map(({ token_id, bucket, provider, model, requests }) => ({
      token_id,
      bucket,
      provider,
      model,
      requests,
    }))
    .sort((a, b) => String(a.bucket).localeCompare(String(b.bucket)));

describe('batchSums: gateway token hours', () => {
  it('keeps a token row after a row without a token in its own hour, provider and model', () => {
    const rows = [
      row('2026-12-01T10:10:00Z', 'openai', 'm1', 'gt_1'),
      row('2026-12-01T11:10:00Z', 'anthropic', 'm2', null),
      row('2026-12-01T11:20:00Z', 'anthropic', 'm2', 'gt_1'),
    ];
    expect(tokenHours(rows)).toEqual([
      { token_id: 'gt_1', bucket: '2026-12-01T10:00:00.000Z', provider: 'openai', model: 'm1', requests: 1 },
      {
        token_id: 'gt_1',
        bucket: '2026-12-01T11:00:00.000Z',
        provider: 'anthropic',
        model: 'm2',
        requests: 1,
      },
    ]);
  });

  it('adds a run of one token, hour, provider and model into one sum', () => {
    const rows = [
      row('2026-12-01T10:10:00Z', 'openai', 'm1', 'gt_1'),
      row('2026-12-01T10:20:00Z', 'openai', 'm1', 'gt_1'),
      row('2026-12-01T10:30:00Z', 'openai', 'm1', 'gt_2'),
      row('2026-12-01T10:40:00Z', 'openai', 'm1', 'gt_1'),
    ];
    expect(tokenHours(rows)).toEqual([
      { token_id: 'gt_1', bucket: '2026-12-01T10:00:00.000Z', provider: 'openai', model: 'm1', requests: 3 },
      { token_id: 'gt_2', bucket: '2026-12-01T10:00:00.000Z', provider: 'openai', model: 'm1', requests: 1 },
    ]);
  });
});
