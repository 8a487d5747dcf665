import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { createBYOKForStack2025 } from '../create-byok.js';
import { createTestDatabase } from '../testing/index.js';

describe("the library's recordUsage and the gateway share the system's one usage writer", () => {
  let db: PGlite;
  let system: Awaited<ReturnType<typeof createBYOKForStack2025>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    system = await createBYOKForStack2025({ encryptionKey: TEST_MASTER_KEY, postgresClient: db });
  });
  afterAll(async () => {
    await db.close();
  });

  it('records through it, feeds token_usage_daily after commit, and close() flushes it', async () => {
    const writer = system.manager.context.usageWriter;
    const userId = uniqueId();
    const before = writer.stats();
    const recorded = await system.manager.recordUsage({
      userId,
      provider: 'openai',
      model: 'gpt-6-luna',
      inputTokens: 1234,
      outputTokens: 5,
    });
    expect(writer.stats().committed - before.committed).toBe(1);
    expect(writer.stats().batches - before.batches).toBe(1);
    const metrics = await system.metrics.registry.metrics();
    expect(metrics).toMatch(/token_usage_daily\{provider="openai",type="input"\} 1234\b/);
    expect(metrics).toMatch(/byok_usage_cost_usd_total\{provider="openai"\} [0-9.e-]+/);

    // A gateway event handed over with enqueue is written by close(), before the system stops.
    writer.enqueue({
      keyId: null,
      owner: { type: 'user', id: userId },
      provider: 'openai',
      model: 'gpt-6-luna',
      requests: 1,
      inputTokens: 1,
      outputTokens: 1,
      cachedTokens: 0,
      costUsd: null,
      priced: false,
      latencyMs: null,
      ttfbMs: null,
      statusCode: 200,
      success: true,
      at: new Date(),
      gatewayTokenId: null,
    });
    await system.close();
    const { rows } = await db.query<{ id: string }>(
      'SELECT id::text AS id FROM byok.key_usage WHERE owner_id = $1 ORDER BY id',
      [userId],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]?.id).toBe(recorded.id);
  });
});
