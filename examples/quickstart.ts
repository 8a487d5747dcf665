/**
 * A short tour on the embedded default: stores a key in PGlite (./data/quickstart), reads it back,
 * rotates the master key and reads it again. Run with `npm run example`.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createBYOKForStack2025, EncryptionService, ProviderType } from '@stack-2025/byok-core';

const dataDir = process.env.BYOK_DATA_DIR ?? './data/quickstart';
mkdirSync(dataDir, { recursive: true });
const db = new PGlite(dataDir);

const firstMasterKey = EncryptionService.generateMasterKey();
console.warn('WARNING: this example generates throw-away master keys; never do this in production.');

const byok = await createBYOKForStack2025({ encryptionKey: firstMasterKey, postgresClient: db });
const keyId = await byok.manager.addKey({
  userId: `demo_${Date.now()}`,
  provider: ProviderType.OPENAI,
  keyData: { apiKey: 'sk-proj-quickstart-example-0000' },
  alias: 'Quickstart key',
});
const details = await byok.manager.getKeyDetails(keyId);
console.log(
  `stored ${keyId} for ${details?.userId}: shown as ${details?.keyHint}, fingerprint ${details?.fingerprint}`,
);
const key = await byok.manager.getActiveKey(details?.userId as string, ProviderType.OPENAI);
console.log(`read back: ${key ? 'ok' : 'missing'} (secret stays in memory, never printed)`);
await byok.close();

const secondMasterKey = EncryptionService.generateMasterKey();
const rotated = await createBYOKForStack2025({
  encryptionKey: secondMasterKey,
  decryptionKeys: [firstMasterKey],
  postgresClient: db,
});
const report = await rotated.rotateMasterKey();
console.log(
  `rotated master key ${report.fromFingerprints.join(', ')} -> ${report.toFingerprint}: ${report.succeeded}/${report.processed} data keys rewrapped`,
);
await rotated.close();

const afterRotation = await createBYOKForStack2025({ encryptionKey: secondMasterKey, postgresClient: db });
const again = await afterRotation.manager.getActiveKey(details?.userId as string, ProviderType.OPENAI);
console.log(`read with the new key only: ${again?.id === keyId ? 'ok' : 'FAILED'}`);
console.log(`audit chain: ${JSON.stringify(await afterRotation.audit.verifyChain())}`);
await afterRotation.close();
await db.close();
