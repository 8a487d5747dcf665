/**
 * A process that produces usage events at a steady rate (CHILD_PER_TICK per 10 ms) into a UsageWriter on PostgreSQL, and on
 * SIGTERM closes the writer (writing everything queued) before it exits. Every 5 ms it prints
 * `enqueued committed queueDepth` so that the parent knows the state at a SIGKILL.
 */
import { createLogger } from '@stack-2025/byok-core';
import pg from 'pg';
import { AlertService } from '../packages/byok-core/src/alerts/alert-service.js';
import { AuditLog } from '../packages/byok-core/src/audit/index.js';
import { toDatabase } from '../packages/byok-core/src/store/database.js';
import { UsageWriter } from '../packages/byok-core/src/usage/usage-writer.js';

const pool = new pg.Pool({ connectionString: process.env.CHILD_DATABASE_URL, max: 4 });
pool.on('error', () => undefined);
const db = toDatabase(pool);
const logger = createLogger({ level: 'silent' });
const alerts = new AlertService({ db, audit: new AuditLog(db, { retentionDays: 30 }), logger });
const writer = new UsageWriter({ db, logger, alerts });
const owner = { type: 'user' as const, id: process.env.CHILD_OWNER as string };
/** Events per 10 ms tick: 50 → about 5,000 events/s, a busy gateway's rate. */
const PER_TICK = Number(process.env.CHILD_PER_TICK ?? 50);
let enqueued = 0;
let stopping = false;

const report = () => {
  const stats = writer.stats();
  process.stdout.write(`${enqueued} ${stats.committed} ${stats.queueDepth}\n`);
};
const reporter = setInterval(report, 5);

process.on('SIGTERM', async () => {
  stopping = true;
  clearInterval(reporter);
  await writer.close();
  report();
  process.stdout.write('closed\n');
  await pool.end();
  process.exit(0);
});

process.stdout.write('ready\n');
while (!stopping) {
  for (let i = 0; i < PER_TICK; i++) {
    writer.enqueue({
      keyId: null,
      owner,
      provider: 'openai',
      model: 'gpt-6-luna',
      requests: 1,
      inputTokens: 12,
      outputTokens: 7,
      cachedTokens: 4,
      costUsd: 0.000001,
      priced: true,
      latencyMs: 5,
      ttfbMs: 2,
      statusCode: 200,
      success: true,
      at: new Date(),
      gatewayTokenId: null,
    });
    enqueued += 1;
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
}
