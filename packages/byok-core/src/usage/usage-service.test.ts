import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, databaseBackends, TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { AlertService } from '../alerts/index.js';
import { AuditLog } from '../audit/index.js';
import { Keyring } from '../crypto/keyring.js';
import { isBYOKError } from '../errors/index.js';
import { ProviderType } from '../providers/index.js';
import { toDatabase } from '../store/database.js';
import { DatabaseMigration } from '../store/migrator.js';
import type { Database } from '../store/types.js';
import type { AnalyticsGroupBy, AnalyticsOptions, UsageFigures } from './index.js';
import { defaultPriceTable, UsageService } from './index.js';
import { type UsageWriteEvent, UsageWriter } from './usage-writer.js';

const DAY = 86_400_000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isBYOKError(error) ? error.code : `not a BYOKError: ${(error as Error).message}`;
  }
  return 'no error';
}

async function insertKey(
  db: Database,
  owner: { type: string; id: string },
  provider: string,
): Promise<string> {
  const id = uniqueId('key');
  await db.query(
    `INSERT INTO byok.keys (id, owner_type, owner_id, provider, environment, ciphertext, key_hint, key_fingerprint)
     VALUES ($1, $2, $3, $4, 'production', 'x', 'sk-…test', 'fp')`,
    [id, owner.type, owner.id, provider],
  );
  return id;
}

/** The same figures added up straight from the raw rows. */
async function rawFigures(
  db: Database,
  owner: { type: string; id: string },
  from: string,
  to: string,
  providers: string[] | null,
  bucketUnit?: string,
): Promise<Map<string, UsageFigures>> {
  const bucket = bucketUnit
    ? `to_char(date_trunc('${bucketUnit}', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS".000Z"')`
    : `'total'`;
  const { rows } = await db.query<Record<string, string | null>>(
    `SELECT ${bucket} AS bucket, sum(requests)::text AS requests,
            sum(CASE WHEN success THEN 0 ELSE requests END)::text AS errors,
            sum(input_tokens)::text AS input, sum(output_tokens)::text AS output, sum(cached_tokens)::text AS cached,
            sum(cost_usd)::text AS cost, sum(CASE WHEN priced THEN 0 ELSE requests END)::text AS unpriced,
            coalesce(sum(audio_seconds), 0)::text AS audio
       FROM byok.key_usage
      WHERE owner_type = $1 AND owner_id = $2 AND created_at >= $3 AND created_at < $4
        AND ($5::text[] IS NULL OR provider = ANY($5::text[]))
      GROUP BY 1`,
    [owner.type, owner.id, from, to, providers],
  );
  return new Map(
    rows.map((r) => {
      const requests = Number(r.requests ?? 0);
      const unpriced = Number(r.unpriced ?? 0);
      return [
        r.bucket as string,
        {
          requests,
          errors: Number(r.errors ?? 0),
          inputTokens: Number(r.input ?? 0),
          outputTokens: Number(r.output ?? 0),
          cachedTokens: Number(r.cached ?? 0),
          totalTokens: Number(r.input ?? 0) + Number(r.output ?? 0),
          costUsd: requests > 0 && unpriced === requests ? null : Number(r.cost ?? 0),
          unpricedRequests: unpriced,
          audioSeconds: Number(r.audio),
          minutes: Math.round((Number(r.audio) / 60) * 1000) / 1000,
        },
      ];
    }),
  );
}

const ZERO: UsageFigures = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
  audioSeconds: 0,
  minutes: 0,
};

function expectSameFigures(actual: UsageFigures, expected: UsageFigures, label: string): void {
  const { costUsd, ...rest } = actual;
  const { costUsd: expectedCost, ...expectedRest } = expected;
  expect(rest, label).toEqual(expectedRest);
  if (expectedCost === null) expect(costUsd, label).toBeNull();
  else expect(costUsd, label).toBeCloseTo(expectedCost, 7);
}

function sumFigures(list: UsageFigures[]): UsageFigures {
  const total = { ...ZERO };
  for (const f of list) {
    for (const field of [
      'requests',
      'errors',
      'inputTokens',
      'outputTokens',
      'cachedTokens',
      'totalTokens',
      'unpricedRequests',
    ] as const) {
      total[field] += f[field];
    }
    total.costUsd = (total.costUsd ?? 0) + (f.costUsd ?? 0);
    // Audio seconds are exact to the millisecond: add them in integer milliseconds.
    total.audioSeconds = Math.round(total.audioSeconds * 1000 + f.audioSeconds * 1000) / 1000;
  }
  total.minutes = Math.round((total.audioSeconds / 60) * 1000) / 1000;
  if (total.requests > 0 && total.unpricedRequests === total.requests) total.costUsd = null;
  return total;
}

describe.each(databaseBackends)('usage service on $name', (backend) => {
  let close: () => Promise<void>;
  let db: Database;
  let usage: UsageService;
  let alerts: AlertService;
  let audit: AuditLog;
  let writer: UsageWriter;
  /** What the writer's `onCommitted` listener (where `token_usage_daily` hangs) heard. */
  const events: UsageWriteEvent[] = [];

  beforeAll(async () => {
    const opened = await backend.open();
    close = opened.close;
    db = toDatabase(opened.client);
    await new DatabaseMigration(db).runMigrations();
    const { logger } = capturingLogger();
    audit = new AuditLog(db, { keys: { keyring: await Keyring.create(TEST_MASTER_KEY) } });
    alerts = new AlertService({ db, audit, logger });
    writer = new UsageWriter({ db, logger, alerts, onCommitted: (committed) => events.push(...committed) });
    usage = new UsageService({ db, writer });
  });
  afterAll(async () => {
    await writer.close();
    await alerts.close();
    await close();
  });

  it("records usage under the key's owner and provider, priced from the table", async () => {
    const owner = { type: 'user', id: uniqueId() };
    const keyId = await insertKey(db, owner, 'openai');
    events.length = 0;
    const recorded = await usage.recordUsage({
      keyId,
      provider: ProviderType.OPENAI,
      model: 'gpt-6.1-sol-2026-09-29',
      inputTokens: 1200,
      cachedTokens: 200,
      outputTokens: 300,
      latencyMs: 420,
    });
    expect(recorded).toEqual({ id: expect.stringMatching(/^\d+$/), costUsd: 0.00502, priced: true });
    const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM byok.key_usage WHERE id = $1', [
      recorded.id,
    ]);
    expect(rows[0]).toMatchObject({
      key_id: keyId,
      owner_type: 'user',
      owner_id: owner.id,
      provider: 'openai',
      priced: true,
    });
    expect(Number(rows[0]?.cost_usd)).toBe(0.00502);
    expect(events).toEqual([
      expect.objectContaining({
        provider: 'openai',
        inputTokens: 1200,
        outputTokens: 300,
        cachedTokens: 200,
        costUsd: 0.00502,
      }),
    ]);
  });

  it('records usage by key id alone: provider and owner come from the key, owner checked when given', async () => {
    const owner = { type: 'workspace', id: uniqueId('ws') };
    const keyId = await insertKey(db, owner, 'anthropic');
    const recorded = await usage.recordUsage({
      keyId,
      model: 'claude-haiku-5.5',
      requests: 2,
      inputTokens: 1000,
      outputTokens: 100,
      costUsd: 0.5,
      success: true,
    });
    expect(recorded).toMatchObject({ costUsd: 0.5, priced: true });
    const { rows } = await db.query<Record<string, unknown>>(
      'SELECT owner_type, owner_id, provider, requests FROM byok.key_usage WHERE id = $1',
      [recorded.id],
    );
    expect(rows[0]).toEqual({
      owner_type: 'workspace',
      owner_id: owner.id,
      provider: 'anthropic',
      requests: 2,
    });
    // Priced from the table with the key's provider when no cost is given.
    expect(
      await usage.recordUsage({ keyId, model: 'claude-haiku-5.5', inputTokens: 100_000, outputTokens: 0 }),
    ).toMatchObject({
      costUsd: 0.01,
      priced: true,
    });
    // With a scope, the key must be that owner's.
    expect(await codeOf(usage.recordUsage({ keyId, workspaceId: owner.id }))).toBe('no error');
    expect(await codeOf(usage.recordUsage({ keyId, userId: uniqueId() }))).toBe('KEY_NOT_FOUND');
    const analytics = await usage.getAnalytics({ workspaceId: owner.id }, { timeRange: '24h' });
    expect(analytics.totals).toMatchObject({ requests: 4, inputTokens: 101_000, outputTokens: 100 });
  });

  it('reports a missing field as missing and an unknown value as unknown', async () => {
    const missing = async (promise: Promise<unknown>): Promise<unknown> => {
      try {
        await promise;
      } catch (error) {
        return isBYOKError(error)
          ? { code: error.code, details: error.details, message: error.message }
          : error;
      }
      return 'no error';
    };
    // No key and no provider: provider is missing (not "unknown").
    expect(await missing(usage.recordUsage({ userId: uniqueId(), model: 'gpt-6-luna' }))).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'provider', reason: 'missing' },
      message: expect.stringMatching(/provider is required/),
    });
    expect(await missing(usage.recordUsage({ model: 'gpt-6-luna' }))).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'keyId', reason: 'missing' },
    });
    expect(await missing(usage.recordUsage({ userId: 'u', provider: 'nope' as 'openai' }))).toMatchObject({
      code: 'UNKNOWN_PROVIDER',
    });
    expect(await missing(usage.recordUsage({ keyId: 'key_unknown' }))).toMatchObject({
      code: 'KEY_NOT_FOUND',
    });
  });

  it('prices audio seconds per minute (Deepgram) and shows minutes beside tokens', async () => {
    const userId = uniqueId();
    const keyId = await insertKey(db, { type: 'user', id: userId }, 'deepgram');
    const priced = await usage.recordUsage({ keyId, model: 'nova-3', audioSeconds: 120 });
    const perMinute = defaultPriceTable().providers.deepgram?.audioModels?.['nova-3']?.perMinute as number;
    expect(priced).toEqual({
      id: expect.any(String),
      costUsd: Math.round(2 * perMinute * 1e8) / 1e8,
      priced: true,
    });
    await usage.recordUsage({ keyId, model: 'nova-unknown', audioSeconds: 30.5 });
    const analytics = await usage.getAnalytics(userId, { timeRange: '24h', groupBy: 'provider' });
    expect(analytics.totals).toMatchObject({
      requests: 2,
      audioSeconds: 150.5,
      minutes: 2.508,
      unpricedRequests: 1,
    });
    expect(analytics.totals.costUsd).toBeCloseTo(2 * perMinute, 8);
    expect(analytics.metrics).toContain('minutes');
  });

  it('counts priced voice minutes toward cost alerts', async () => {
    const userId = uniqueId();
    const keyId = await insertKey(db, { type: 'user', id: userId }, 'deepgram');
    const perMinute = defaultPriceTable().providers.deepgram?.audioModels?.['nova-3']?.perMinute as number;
    const alert = await alerts.createUsageAlert({
      userId,
      alertType: 'cost',
      thresholdValue: 2 * perMinute,
      thresholdPeriod: 'monthly',
      notificationChannels: ['email'],
      email: `${userId}@byok.test`,
    });
    const fired = async () =>
      (await alerts.listUsageAlerts(userId)).find((a) => a.id === alert.id)?.lastFiredPeriod;
    await usage.recordUsage({ keyId, model: 'nova-3', audioSeconds: 60 });
    expect(await fired()).toBeNull();
    await usage.recordUsage({ keyId, model: 'nova-3', audioSeconds: 120 });
    expect(await fired()).toBe(new Date().toISOString().slice(0, 7));
  });

  it('takes the cost from the caller when given (OpenRouter usage.cost) and records unknown models as unpriced', async () => {
    const userId = uniqueId();
    expect(
      await usage.recordUsage({
        userId,
        provider: 'openrouter',
        model: 'openai/gpt-6.1-sol',
        costUsd: 0.0123,
      }),
    ).toMatchObject({
      costUsd: 0.0123,
      priced: true,
    });
    const unpriced = await usage.recordUsage({
      userId,
      provider: 'openai',
      model: 'gpt-7-preview',
      inputTokens: 10,
      outputTokens: 5,
    });
    expect(unpriced).toMatchObject({ costUsd: null, priced: false });
    const { rows } = await db.query<{ cost_usd: string | null; priced: boolean }>(
      'SELECT cost_usd, priced FROM byok.key_usage WHERE id = $1',
      [unpriced.id],
    );
    expect(rows[0]).toEqual({ cost_usd: null, priced: false });

    const onlyUnpriced = await usage.getAnalytics({ userId }, { timeRange: '24h', providers: ['openai'] });
    expect(onlyUnpriced.totals).toMatchObject({ requests: 1, costUsd: null, unpricedRequests: 1 });
    const mixed = await usage.getAnalytics(userId, { timeRange: '24h', groupBy: 'provider' });
    expect(mixed.totals).toMatchObject({ requests: 2, costUsd: 0.0123, unpricedRequests: 1 });
    expect(mixed.series.find((s) => s.bucket === 'openai')).toMatchObject({
      costUsd: null,
      unpricedRequests: 1,
    });
  });

  it('refuses bad input before it touches storage', async () => {
    const owner = { type: 'user', id: uniqueId() };
    const keyId = await insertKey(db, owner, 'anthropic');
    const before = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM byok.key_usage');
    expect(await codeOf(usage.recordUsage({ keyId, provider: 'openai' }))).toBe('INVALID_INPUT');
    // Someone else's key is not found, exactly like a missing one.
    expect(await codeOf(usage.recordUsage({ keyId, userId: uniqueId(), provider: 'anthropic' }))).toBe(
      'KEY_NOT_FOUND',
    );
    expect(await codeOf(usage.recordUsage({ keyId: 'key_missing', provider: 'anthropic' }))).toBe(
      'KEY_NOT_FOUND',
    );
    expect(await codeOf(usage.recordUsage({ provider: 'openai' }))).toBe('INVALID_INPUT');
    expect(await codeOf(usage.recordUsage({ userId: 'u', provider: 'acme' as 'openai' }))).toBe(
      'UNKNOWN_PROVIDER',
    );
    expect(await codeOf(usage.recordUsage({ userId: 'u', provider: 'openai', inputTokens: -1 }))).toBe(
      'INVALID_INPUT',
    );
    expect(
      await codeOf(usage.recordUsage({ userId: 'u', provider: 'openai', inputTokens: 1, cachedTokens: 2 })),
    ).toBe('INVALID_INPUT');
    expect(await codeOf(usage.recordUsage({ userId: 'u', provider: 'openai', extra: 1 } as never))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(usage.recordUsage({ userId: 'u', provider: 'openai', at: 'yesterday' }))).toBe(
      'INVALID_INPUT',
    );
    const after = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM byok.key_usage');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);

    expect(await codeOf(usage.getAnalytics('u', { groupBy: 'year' as 'day' }))).toBe('INVALID_INPUT');
    expect(await codeOf(usage.getAnalytics('u', { providers: ['nope' as 'openai'] }))).toBe(
      'UNKNOWN_PROVIDER',
    );
    expect(
      await codeOf(usage.getAnalytics('u', { timeRange: { from: '2026-11-02', to: '2026-11-01' } })),
    ).toBe('INVALID_INPUT');
    expect(
      await codeOf(
        usage.getAnalytics('u', { timeRange: { from: '2016-01-01', to: '2026-01-01' }, groupBy: 'hour' }),
      ),
    ).toBe('INVALID_INPUT');
  });

  describe('analytics over 100 days of usage', () => {
    const owner = { type: 'workspace', id: uniqueId('ws') };
    const now = Date.now();

    beforeAll(async () => {
      const keys = [await insertKey(db, owner, 'openai'), await insertKey(db, owner, 'anthropic')];
      const plan: Parameters<UsageService['recordUsage']>[0][] = [];
      for (let i = 0; i < 240; i++) {
        // Spread over 100 days, denser near now, with a few rows right at day edges.
        const at =
          i % 40 === 0
            ? Math.floor(now / DAY) * DAY - (i % 3)
            : now - Math.floor((((i * 7919) % 1000) ** 2 / 1e6) * 100 * DAY);
        const kind = i % 6;
        plan.push(
          kind === 0
            ? {
                keyId: keys[0],
                provider: 'openai',
                model: 'gpt-6.1-sol',
                inputTokens: 1000 + i,
                cachedTokens: i,
                outputTokens: 50 + i,
                at,
              }
            : kind === 1
              ? {
                  keyId: keys[1],
                  provider: 'anthropic',
                  model: 'claude-sonnet-5-5',
                  inputTokens: 800,
                  outputTokens: 40,
                  success: i % 4 !== 1,
                  at,
                }
              : kind === 2
                ? {
                    workspaceId: owner.id,
                    provider: 'openrouter',
                    model: 'x/y',
                    costUsd: (i % 17) / 1000,
                    at,
                  }
                : kind === 3
                  ? {
                      workspaceId: owner.id,
                      provider: 'openai',
                      model: 'gpt-unknown',
                      inputTokens: 10,
                      outputTokens: 10,
                      requests: 3,
                      at,
                    }
                  : kind === 4
                    ? {
                        workspaceId: owner.id,
                        provider: 'deepseek',
                        model: 'deepseek-flash',
                        inputTokens: 5000,
                        cachedTokens: 4000,
                        outputTokens: 100,
                        at,
                      }
                    : {
                        workspaceId: owner.id,
                        provider: 'gemini',
                        model: 'gemini-3.8-flash',
                        inputTokens: 300,
                        outputTokens: 30,
                        success: false,
                        at,
                      },
        );
      }
      // Voice usage (audio seconds, priced per minute or not at all), on and off hour edges.
      for (let i = 0; i < 60; i++) {
        plan.push({
          workspaceId: owner.id,
          provider: 'deepgram',
          model: i % 3 === 0 ? 'nova-unknown' : 'nova-3',
          audioSeconds: 12.345 + i,
          at:
            i % 10 === 0
              ? Math.floor(now / 3_600_000) * 3_600_000 - (i % 2)
              : now - Math.floor((((i * 104_729) % 60) * DAY) / 7),
        });
      }
      for (let i = 0; i < plan.length; i += 8) {
        await Promise.all(plan.slice(i, i + 8).map((input) => usage.recordUsage(input)));
      }
    });

    it('keeps the daily roll-ups equal to the raw rows', async () => {
      const { rows } = await db.query<{ mismatches: string }>(
        `WITH raw AS (
           SELECT (created_at AT TIME ZONE 'UTC')::date AS day, provider, coalesce(key_id, '') AS key_id, coalesce(model, '') AS model,
                  sum(requests) AS requests, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cached_tokens) AS cached,
                  coalesce(sum(cost_usd), 0) AS cost, sum(CASE WHEN success THEN 0 ELSE requests END) AS errors,
                  sum(CASE WHEN priced THEN 0 ELSE requests END) AS unpriced
             FROM byok.key_usage WHERE owner_type = $1 AND owner_id = $2 GROUP BY 1, 2, 3, 4)
         SELECT count(*)::text AS mismatches
           FROM raw FULL JOIN (SELECT * FROM byok.usage_daily WHERE owner_type = $1 AND owner_id = $2) d
             USING (day, provider, key_id, model)
          WHERE raw.requests IS DISTINCT FROM d.requests OR raw.input IS DISTINCT FROM d.input_tokens
             OR raw.output IS DISTINCT FROM d.output_tokens OR raw.cached IS DISTINCT FROM d.cached_tokens
             OR raw.cost IS DISTINCT FROM d.cost_usd OR raw.errors IS DISTINCT FROM d.errors
             OR raw.unpriced IS DISTINCT FROM d.unpriced_requests`,
        [owner.type, owner.id],
      );
      expect(rows[0]?.mismatches).toBe('0');
    });

    const dayStart = Math.floor(now / DAY) * DAY;
    const ranges: AnalyticsOptions['timeRange'][] = [
      '24h',
      '7d',
      '30d',
      '90d',
      { from: new Date(dayStart - 20 * DAY), to: new Date(dayStart) },
      { from: new Date(dayStart - 45 * DAY + 3_600_123), to: new Date(now - 3 * DAY + 1) },
      { from: new Date(dayStart - 100 * DAY).toISOString(), to: new Date(now + DAY).toISOString() },
      { from: new Date(dayStart - 2 * DAY + 1000), to: new Date(dayStart - DAY - 1000) },
    ];
    const groupings: AnalyticsGroupBy[] = ['hour', 'day', 'week', 'month', 'provider', 'key'];

    it.each(groupings)(
      'totals, series, byProvider and byKey add up to the raw rows (groupBy %s)',
      async (groupBy) => {
        for (const [i, timeRange] of ranges.entries()) {
          for (const providers of [undefined, ['openai', 'openrouter'] as ProviderType[]]) {
            const label = `${groupBy} range#${i} ${providers ? 'filtered' : 'all'}`;
            const result = await usage.getAnalytics(
              { workspaceId: owner.id },
              { timeRange, groupBy, ...(providers ? { providers } : {}) },
            );
            const { from, to } = result.timeRange;
            const expected = (await rawFigures(db, owner, from, to, providers ?? null)).get('total') ?? ZERO;
            expectSameFigures(result.totals, expected, `${label} totals`);
            expectSameFigures(sumFigures(result.series), expected, `${label} series`);
            expectSameFigures(sumFigures(result.byProvider), expected, `${label} byProvider`);
            expectSameFigures(sumFigures(result.byKey), expected, `${label} byKey`);
            if (groupBy !== 'provider' && groupBy !== 'key') {
              const buckets = await rawFigures(db, owner, from, to, providers ?? null, groupBy);
              for (const entry of result.series) {
                const { bucket, ...figures } = entry;
                expectSameFigures(figures, buckets.get(bucket) ?? ZERO, `${label} bucket ${bucket}`);
              }
              expect(
                [...buckets.keys()].every((b) => result.series.some((s) => s.bucket === b)),
                label,
              ).toBe(true);
            }
          }
        }
        expect(
          (await usage.getAnalytics({ workspaceId: owner.id }, { timeRange: '90d', groupBy })).totals
            .requests,
        ).toBeGreaterThan(100);
      },
    );

    it('fills every time bucket of the range, in UTC, weeks starting on Monday', async () => {
      const byDay = await usage.getAnalytics({ workspaceId: owner.id }, { timeRange: '7d', groupBy: 'day' });
      expect(byDay.series).toHaveLength(8);
      expect(byDay.series.every((s) => s.bucket.endsWith('T00:00:00.000Z'))).toBe(true);
      const byWeek = await usage.getAnalytics(
        { workspaceId: owner.id },
        { timeRange: '90d', groupBy: 'week' },
      );
      expect(byWeek.series.every((s) => new Date(s.bucket).getUTCDay() === 1)).toBe(true);
      const byHour = await usage.getAnalytics(
        { workspaceId: owner.id },
        { timeRange: '24h', groupBy: 'hour' },
      );
      expect(byHour.series.length).toBeGreaterThanOrEqual(24);
      const byKey = await usage.getAnalytics({ workspaceId: owner.id }, { timeRange: '90d', groupBy: 'key' });
      expect(byKey.series.map((s) => s.bucket)).toContain('none');
      expect(byKey.byKey.some((k) => k.keyId === null)).toBe(true);
    });
  });

  it('answers every concurrent call the id of its own stored row', async () => {
    const owner = { type: 'user', id: uniqueId() };
    const keyId = await insertKey(db, owner, 'openai');
    const recorded = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        usage.recordUsage(
          i % 2 === 0
            ? { keyId, model: 'gpt-6-luna', inputTokens: 1000 + i, outputTokens: i }
            : { userId: owner.id, provider: 'gemini', inputTokens: 1000 + i, outputTokens: i },
        ),
      ),
    );
    expect(new Set(recorded.map((r) => r.id)).size).toBe(300);
    const { rows } = await db.query<{ id: string; input_tokens: string; provider: string }>(
      'SELECT id::text AS id, input_tokens::text, provider FROM byok.key_usage WHERE owner_id = $1',
      [owner.id],
    );
    expect(rows).toHaveLength(300);
    const byId = new Map(rows.map((r) => [r.id, r]));
    recorded.forEach((r, i) => {
      expect(byId.get(r.id), `call ${i}`).toEqual({
        id: r.id,
        input_tokens: String(1000 + i),
        provider: i % 2 === 0 ? 'openai' : 'gemini',
      });
    });
  });

  it('refuses a bad key in a batch of good calls alone, with the same error as a call on its own', async () => {
    const owner = { type: 'user' as const, id: uniqueId() };
    const good = await insertKey(db, owner, 'openai');
    const revoked = await insertKey(db, owner, 'openai');
    await db.query("UPDATE byok.keys SET status = 'revoked' WHERE id = $1", [revoked]);
    const theirs = await insertKey(db, { type: 'user', id: uniqueId() }, 'openai');
    const deleted = await insertKey(db, owner, 'openai');
    await audit.record({ action: 'key.deleted', targetType: 'key', targetId: deleted, owner });
    await db.query('DELETE FROM byok.keys WHERE id = $1', [deleted]);
    const bad = [
      { input: { keyId: 'key_missing_in_batch', userId: owner.id }, code: 'KEY_NOT_FOUND' },
      { input: { keyId: theirs, userId: owner.id }, code: 'KEY_NOT_FOUND' },
      { input: { keyId: revoked }, code: 'KEY_NOT_ACTIVE', status: 'revoked' },
      { input: { keyId: deleted, userId: owner.id }, code: 'KEY_NOT_ACTIVE', status: 'deleted' },
      { input: { keyId: good, provider: 'anthropic' as const }, code: 'INVALID_INPUT' },
    ];
    const batchesBefore = writer.stats().batches;
    const calls = Array.from({ length: 60 }, (_, i) =>
      i % 12 === 5
        ? usage.recordUsage(bad[(i - 5) / 12]?.input ?? {})
        : usage.recordUsage({ keyId: good, userId: owner.id, inputTokens: 10 }),
    );
    const settled = await Promise.allSettled(calls);
    // The first call starts a batch alone; every other one shares the next.
    expect(writer.stats().batches - batchesBefore).toBeLessThanOrEqual(2);
    const refused = settled.flatMap((s, i) => (s.status === 'rejected' ? [[i, s.reason]] : []));
    expect(refused.map(([i]) => i)).toEqual([5, 17, 29, 41, 53]);
    refused.forEach(([, reason], n) => {
      expect(isBYOKError(reason) && reason.code, JSON.stringify(bad[n]?.input)).toBe(bad[n]?.code);
      if (bad[n]?.status) expect(reason.details).toMatchObject({ status: bad[n]?.status });
    });
    const { rows } = await db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM byok.key_usage WHERE owner_id = $1',
      [owner.id],
    );
    expect(rows[0]?.n).toBe('55');
    // The same errors as one call alone.
    for (const b of bad) expect(await codeOf(usage.recordUsage(b.input))).toBe(b.code);
  });

  it('2,000 concurrent calls: raw rows and roll-ups exact, the alert fires once', async () => {
    const owner = { type: 'user' as const, id: uniqueId() };
    const keyId = await insertKey(db, owner, 'openai');
    const alert = await alerts.createUsageAlert({
      userId: owner.id,
      alertType: 'requests',
      thresholdValue: 1000,
      thresholdPeriod: 'daily',
      notificationChannels: ['email'],
      email: `${owner.id}@byok.test`,
    });
    const settled = await Promise.allSettled(
      Array.from({ length: 2000 }, (_, i) =>
        usage.recordUsage({ keyId, model: 'gpt-6-luna', inputTokens: 100 + (i % 7), outputTokens: 1 }),
      ),
    );
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const input = Array.from({ length: 2000 }, (_, i) => 100 + (i % 7)).reduce((a, b) => a + b, 0);
    const { rows } = await db.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM byok.key_usage WHERE owner_id = $1)::text AS raw,
              (SELECT sum(input_tokens) FROM byok.key_usage WHERE owner_id = $1)::text AS raw_input,
              (SELECT sum(requests) FROM byok.usage_hourly WHERE owner_id = $1)::text AS hourly,
              (SELECT sum(requests) FROM byok.usage_daily WHERE owner_id = $1)::text AS daily,
              (SELECT sum(input_tokens) FROM byok.usage_daily WHERE owner_id = $1)::text AS daily_input`,
      [owner.id],
    );
    expect(rows[0]).toEqual({
      raw: '2000',
      raw_input: String(input),
      hourly: '2000',
      daily: '2000',
      daily_input: String(input),
    });
    expect((await usage.getAnalytics(owner.id, { timeRange: '24h' })).totals.requests).toBe(2000);
    const notifications = (await alerts.listNotifications({ userId: owner.id })).filter(
      (n) => n.alertId === alert.id,
    );
    expect(notifications).toHaveLength(1);
    expect((await alerts.listUsageAlerts(owner.id))[0]?.lastFiredPeriod).toBe(
      new Date().toISOString().slice(0, 10),
    );
  });

  it("checks the periods back-dated usage falls in, even batched with today's", async () => {
    const owner = { type: 'user' as const, id: uniqueId() };
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 12));
    const alert = await alerts.createUsageAlert({
      userId: owner.id,
      alertType: 'requests',
      thresholdValue: 2,
      thresholdPeriod: 'monthly',
      notificationChannels: ['email'],
      email: `${owner.id}@byok.test`,
    });
    // The first call is written alone; the next three share a batch.
    await Promise.all([
      usage.recordUsage({ userId: uniqueId(), provider: 'openai' }),
      usage.recordUsage({ userId: owner.id, provider: 'openai', at: lastMonth }),
      usage.recordUsage({ userId: owner.id, provider: 'openai', at: lastMonth }),
      usage.recordUsage({ userId: owner.id, provider: 'openai' }),
    ]);
    const periods = (await alerts.listNotifications({ userId: owner.id }))
      .filter((n) => n.alertId === alert.id)
      .map((n) => n.period);
    expect(periods).toEqual([lastMonth.toISOString().slice(0, 7)]);
  });

  it('runs the spec sample', async () => {
    await usage.recordUsage({
      userId: 'user_123',
      provider: 'openai',
      model: 'gpt-6-luna',
      inputTokens: 100,
      outputTokens: 20,
    });
    await usage.recordUsage({
      userId: 'user_123',
      provider: 'anthropic',
      model: 'claude-haiku-5.5',
      inputTokens: 100,
      outputTokens: 20,
    });
    const byokManager = { getAnalytics: usage.getAnalytics.bind(usage) };

    // Get usage statistics
    const analytics = await byokManager.getAnalytics('user_123', {
      timeRange: '30d',
      providers: [ProviderType.OPENAI],
      metrics: ['requests', 'tokens', 'cost'],
      groupBy: 'day',
    });

    expect(analytics.totals).toMatchObject({
      requests: 1,
      inputTokens: 100,
      outputTokens: 20,
      totalTokens: 120,
      unpricedRequests: 0,
    });
    expect(analytics.totals.costUsd).toBeCloseTo(0.00002, 10);
    expect(analytics.series.length).toBeGreaterThanOrEqual(30);
    expect(analytics.series.at(-1)).toMatchObject({ requests: 1 });
    expect(analytics.byProvider).toEqual([expect.objectContaining({ provider: 'openai', requests: 1 })]);
    expect(analytics).toMatchObject({
      groupBy: 'day',
      providers: ['openai'],
      metrics: ['requests', 'tokens', 'cost'],
    });
  });
});
