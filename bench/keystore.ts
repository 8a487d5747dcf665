/**
 * Key-store figures, each beside a baseline measured in the same run:
 *  - hot getActiveKey (cache hit) vs a raw AES-256-GCM decrypt of the same payload (throughput);
 *  - cold getActiveKey (cache.ttl 0) vs a raw `pg` primary-key select (median latency);
 *  - DEK rewrap rate on real PostgreSQL (owners per second).
 * Run: node --conditions=@stack-2025/source --import tsx bench/keystore.ts
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BYOKManager, EncryptionService } from '@stack-2025/byok-core';
import { rewrapDataKeys } from '@stack-2025/byok-core/server';
import pg from 'pg';
import { medianLatency, report, scratchDatabase, throughput } from './support.js';

const OLD_KEY = 'bench-old-master-key-0123456789abcdefghij';
const NEW_KEY = 'bench-new-master-key-0123456789abcdefghij';
const OWNERS = Number(process.env.BENCH_REWRAP_OWNERS ?? 20_000);

const scratch = await scratchDatabase();
const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
pool.on('error', () => undefined);
const silent = (await import('@stack-2025/byok-core')).createLogger({ level: 'warn' });

try {
  const hot = new BYOKManager({ encryptionKey: OLD_KEY, database: { client: pool }, logger: silent });
  const apiKey = `sk-proj-${randomBytes(24).toString('hex')}`;
  const keyId = await hot.addKey({ userId: 'bench_user', provider: 'openai', keyData: { apiKey } });
  await hot.getActiveKey('bench_user', 'openai');

  // Baseline 1: raw AES-256-GCM decrypt of the same plaintext size.
  const aesKey = randomBytes(32);
  const iv = randomBytes(12);
  const plaintext = Buffer.from(JSON.stringify({ apiKey }));
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  const rawDecrypt = () => {
    const decipher = createDecipheriv('aes-256-gcm', aesKey, iv);
    decipher.setAuthTag(tag);
    return JSON.parse(Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8'));
  };
  const aesOps = await throughput(rawDecrypt);
  const hotOps = await throughput(() => hot.getActiveKey('bench_user', 'openai'));

  // Baseline 2: a raw pg primary-key select of the same row.
  const cold = new BYOKManager({
    encryptionKey: OLD_KEY,
    database: { client: pool },
    cache: { ttl: 0 },
    logger: silent,
  });
  await cold.getActiveKey('bench_user', 'openai');
  const rawSelect = () => pool.query('SELECT * FROM byok.keys WHERE id = $1', [keyId]);
  const selectMs = await medianLatency(rawSelect);
  const preparedSelect = () =>
    pool.query({ name: 'bench_pk', text: 'SELECT * FROM byok.keys WHERE id = $1', values: [keyId] });
  const preparedSelectMs = await medianLatency(preparedSelect);
  const coldMs = await medianLatency(() => cold.getActiveKey('bench_user', 'openai'));
  await hot.close();
  await cold.close();

  // DEK rewrap: OWNERS data keys wrapped under OLD_KEY, rewrapped to NEW_KEY.
  const seeder = new BYOKManager({ encryptionKey: OLD_KEY, database: { client: pool }, logger: silent });
  await seeder.ready();
  const { newDataKey, wrapDataKey } = await import('../packages/byok-core/src/crypto/index.js');
  const master = seeder.context.encryption.keyring.active;
  for (let start = 0; start < OWNERS; start += 5000) {
    const ids: string[] = [];
    const owners: string[] = [];
    const wrapped: string[] = [];
    for (let i = start; i < Math.min(OWNERS, start + 5000); i += 1) {
      const dataKey = newDataKey(`dek_bench_${i.toString().padStart(8, '0')}`);
      const owner = { type: 'user' as const, id: `bench_owner_${i}` };
      ids.push(dataKey.id);
      owners.push(owner.id);
      wrapped.push(wrapDataKey(master, dataKey, owner));
    }
    await pool.query(
      `INSERT INTO byok.data_keys (id, owner_type, owner_id, wrapped_key, master_fingerprint)
       SELECT id, 'user', owner_id, wrapped, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, owner_id, wrapped)`,
      [ids, owners, wrapped, master.fingerprint],
    );
  }
  await seeder.close();
  const rotation = new EncryptionService({ encryptionKey: NEW_KEY, decryptionKeys: [OLD_KEY] });
  await rotation.ready();
  const { toDatabase } = await import('../packages/byok-core/src/store/database.js');
  const started = performance.now();
  const result = await rewrapDataKeys(toDatabase(pool), rotation, { batchSize: 1000 });
  const seconds = (performance.now() - started) / 1000;
  const rate = result.succeeded / seconds;

  report([
    {
      figure: 'hot getActiveKey (cache hit), ops/s',
      value: hotOps.toFixed(0),
      baseline: `raw AES-256-GCM decrypt ${aesOps.toFixed(0)} ops/s`,
      ratio: hotOps / aesOps,
      goal: '>= 0.5x',
    },
    {
      figure: 'cold getActiveKey (ttl 0), median ms',
      value: coldMs.toFixed(3),
      baseline: `raw pg PK select ${selectMs.toFixed(3)} ms`,
      ratio: coldMs / selectMs,
      goal: '<= 1.5x',
    },
    {
      figure: 'cold getActiveKey (ttl 0), median ms',
      value: coldMs.toFixed(3),
      baseline: `prepared pg PK select ${preparedSelectMs.toFixed(3)} ms`,
      ratio: coldMs / preparedSelectMs,
      goal: '(stricter baseline)',
    },
    {
      figure: `DEK rewrap, owners/s (${result.succeeded}/${result.processed} of ${OWNERS})`,
      value: rate.toFixed(0),
      baseline: 'goal 5,000 owners/s',
      ratio: rate / 5000,
      goal: '>= 1.0x',
    },
  ]);
  if (!result.completed || result.processed !== result.succeeded) throw new Error('rewrap did not complete');
} finally {
  await pool.end();
  await scratch.drop();
}
