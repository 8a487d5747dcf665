/**
 * A short tour on the embedded default: stores a key in PGlite (./data/quickstart), reads it back,
 * rotates the master key and reads it again. Run with `npm run example`, as often as you like: the
 * master key is kept beside the data (`master.key`, mode 0600, as the service keeps its
 * development key) and replaced there by the rotation, so every run finds the keys of the last.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createBYOKForStack2025, EncryptionService, ProviderType } from '@stack-2025/byok-core';

const dataDir = process.env.BYOK_QUICKSTART_DIR ?? './data/quickstart';
const keyFile = join(dataDir, 'master.key');
// The rotation's new key is written here first and renamed over master.key once every data key
// is rewrapped: a run stopped in between loses nothing, the next run reads with both.
const nextKeyFile = `${keyFile}.next`;
const userId = 'quickstart_user';

const readKey = (path: string) =>
  readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
const writeKey = (path: string, key: string) => writeFile(path, `${key}\n`, { mode: 0o600 });

await mkdir(dataDir, { recursive: true, mode: 0o700 });
let masterKey = await readKey(keyFile);
if (!masterKey) {
  masterKey = EncryptionService.generateMasterKey();
  await writeKey(keyFile, masterKey);
}
const unfinished = await readKey(nextKeyFile);
console.warn(
  `WARNING: this example keeps its master key in ${keyFile}, next to the data, for convenience; in production the key comes from the environment (BYOK_ENCRYPTION_KEY).`,
);

const db = new PGlite(join(dataDir, 'pglite'));
const byok = await createBYOKForStack2025({
  encryptionKey: masterKey,
  decryptionKeys: unfinished ? [unfinished] : [],
  postgresClient: db,
});
const keyId = await byok.manager.addKey({
  userId,
  provider: ProviderType.OPENAI,
  keyData: { apiKey: `sk-proj-quickstart-example-${Date.now()}` },
  alias: `Quickstart key ${new Date().toISOString()}`,
});
const details = await byok.manager.getKeyDetails(keyId);
console.log(
  `stored ${keyId} for ${userId}: shown as ${details?.keyHint}, fingerprint ${details?.fingerprint}`,
);
const key = await byok.manager.getActiveKey(userId, ProviderType.OPENAI);
console.log(`read back: ${key ? 'ok' : 'missing'} (secret stays in memory, never printed)`);
console.log(`${userId} has ${(await byok.manager.listKeys({ userId })).length} key(s), one per run so far`);
await byok.close();

const newMasterKey = EncryptionService.generateMasterKey();
await writeKey(nextKeyFile, newMasterKey);
const rotated = await createBYOKForStack2025({
  encryptionKey: newMasterKey,
  decryptionKeys: [masterKey, ...(unfinished ? [unfinished] : [])],
  postgresClient: db,
});
const report = await rotated.rotateMasterKey();
console.log(
  `rotated master key ${report.fromFingerprints.join(', ')} -> ${report.toFingerprint}: ${report.succeeded}/${report.processed} data keys rewrapped`,
);
await rotated.close();
if (!report.completed) throw new Error('rotation incomplete: the old key stays in use');
await rename(nextKeyFile, keyFile);

const afterRotation = await createBYOKForStack2025({ encryptionKey: newMasterKey, postgresClient: db });
const again = await afterRotation.manager.getActiveKey(userId, ProviderType.OPENAI);
const ok = again?.keyData.apiKey?.startsWith('sk-proj-quickstart-example-') === true;
console.log(`read with the new key only: ${ok ? 'ok' : 'FAILED'}`);
const audit = await afterRotation.audit.verifyChain();
console.log(`audit chain: ${JSON.stringify(audit)}`);
await afterRotation.close();
await db.close();
if (!ok || !audit.ok) process.exitCode = 1;
