import {
  decryptCredential,
  type EncryptionService,
  encryptCredential,
  type Owner,
  unwrapDataKey,
  wrapDataKey,
} from '../crypto/index.js';
import { BYOKError } from '../errors/index.js';
import { dataKeysStore } from '../store/data-keys-store.js';
import { keysStore } from '../store/keys-store.js';
import type { Database } from '../store/types.js';
import { DataKeyService } from './data-keys.js';
import { LegacyValuePolicy, recordIfNoLegacyValuesLeft } from './legacy-values.js';

export interface RewrapProgress {
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
}

export interface RewrapOptions {
  batchSize?: number;
  onProgress?: (progress: RewrapProgress) => void;
  /** Stops after the current batch; a later run picks up where this one stopped. */
  signal?: AbortSignal;
  /** Count what would be rewrapped, change nothing. */
  dryRun?: boolean;
  /** Legacy values are upgraded only while the policy allows reading them (see `legacy-values.ts`). */
  allowLegacyCiphertext?: boolean | undefined;
}

export interface RewrapReport extends RewrapProgress {
  fromFingerprints: string[];
  toFingerprint: string;
  completed: boolean;
  dryRun: boolean;
  failures: { dataKeyId: string; reason: string }[];
  /** Credentials found in the legacy `iv:authTag:ciphertext` format and moved into the envelope format. */
  legacyUpgraded: string[];
  legacyFailed: { keyId: string; reason: string }[];
}

/**
 * Rewraps every owner's DEK from any older master key to the active one: online, in batches of
 * `batchSize` rows each committed on its own, every row verified by unwrapping it again under the
 * new key before it is written. Plaintext credentials are never touched. Resumable: rows already
 * under the active key are skipped, so running it again after a stop finishes the job.
 * When no row is left under an old key, that key is marked retired in `byok.master_keys`.
 */
export async function rewrapDataKeys(
  db: Database,
  encryption: EncryptionService,
  options: RewrapOptions = {},
): Promise<RewrapReport> {
  await encryption.ready();
  const keyring = encryption.keyring;
  const target = keyring.active;
  const batchSize = options.batchSize ?? 500;
  const pending = await dataKeysStore.countNotWrappedBy(db, target.fingerprint);
  const report: RewrapReport = {
    total: pending.reduce((sum, row) => sum + row.count, 0),
    processed: 0,
    succeeded: 0,
    failed: 0,
    fromFingerprints: pending.map((row) => row.fingerprint),
    toFingerprint: target.fingerprint,
    completed: false,
    dryRun: Boolean(options.dryRun),
    failures: [],
    legacyUpgraded: [],
    legacyFailed: [],
  };
  const progress = () =>
    options.onProgress?.({
      total: report.total,
      processed: report.processed,
      succeeded: report.succeeded,
      failed: report.failed,
    });
  if (options.dryRun) {
    progress();
    return report;
  }
  // A key used again (a rotation rolled back) is live again: the start-up check must cover it.
  await dataKeysStore.recordMasterKey(db, target.fingerprint);

  let afterId = '';
  for (;;) {
    if (options.signal?.aborted) return report;
    const batch = await db.transaction(async (tx) => {
      const rows = await dataKeysStore.lockBatchNotWrappedBy(tx, target.fingerprint, afterId, batchSize);
      const updates: { id: string; wrapped: string }[] = [];
      for (const row of rows) {
        const owner: Owner = { type: row.owner_type, id: row.owner_id };
        try {
          const dataKey = unwrapDataKey(keyring, row.wrapped_key, row.id, owner);
          const wrapped = wrapDataKey(target, dataKey, owner);
          const check = unwrapDataKey(keyring, wrapped, row.id, owner);
          if (!check.key.equals(dataKey.key)) throw new BYOKError('INTERNAL_ERROR', 'verification failed');
          updates.push({ id: row.id, wrapped });
        } catch (error) {
          report.failures.push({ dataKeyId: row.id, reason: (error as Error).message });
        }
      }
      await dataKeysStore.setWrapped(tx, updates, target.fingerprint);
      return { rows: rows.length, succeeded: updates.length, lastId: rows.at(-1)?.id };
    });
    report.processed += batch.rows;
    report.succeeded += batch.succeeded;
    report.failed = report.processed - report.succeeded;
    progress();
    if (!batch.lastId || batch.rows < batchSize) break;
    afterId = batch.lastId;
  }

  if (options.signal?.aborted) return report;
  await upgradeLegacyCredentials(db, encryption, batchSize, report, options);

  const left =
    (await dataKeysStore.countNotWrappedBy(db, target.fingerprint)).reduce((sum, row) => sum + row.count, 0) +
    (await keysStore.countLegacy(db));
  report.completed =
    left === 0 &&
    report.failed === 0 &&
    report.legacyFailed.length === 0 &&
    report.processed === report.succeeded;
  if (report.completed) {
    await dataKeysStore.retireMasterKeysExcept(db, target.fingerprint);
  }
  return report;
}

/**
 * Values in the spec's legacy format are encrypted under a master key directly, so rewrapping DEKs
 * does not cover them: they are decrypted with the ring and re-encrypted under the owner's DEK,
 * each verified before it is written, a batch per transaction.
 */
async function upgradeLegacyCredentials(
  db: Database,
  encryption: EncryptionService,
  batchSize: number,
  report: RewrapReport,
  options: Pick<RewrapOptions, 'signal' | 'allowLegacyCiphertext'>,
): Promise<void> {
  const dataKeys = new DataKeyService(db, encryption);
  // Once none was left, a legacy value is a copy: upgrading it would bind it to the row it was copied to.
  const allowed = await new LegacyValuePolicy(db, options.allowLegacyCiphertext).allows();
  let afterId = '';
  for (;;) {
    if (options.signal?.aborted) return;
    const batch = await db.transaction(async (tx) => {
      const rows = await keysStore.lockLegacyBatch(tx, afterId, batchSize);
      for (const row of rows) {
        const owner: Owner = { type: row.owner_type, id: row.owner_id };
        const binding = { keyId: row.id, owner, provider: row.provider };
        try {
          if (!allowed)
            throw new BYOKError(
              'DECRYPTION_FAILED',
              'legacy ciphertext refused: none was left (BYOK_ALLOW_LEGACY_CIPHERTEXT)',
            );
          const plaintext = encryption.decryptLegacy(row.ciphertext);
          const json = plaintext.startsWith('{') ? plaintext : JSON.stringify({ apiKey: plaintext });
          const dataKey = await dataKeys.forOwner(tx, owner);
          const ciphertext = encryptCredential(dataKey, json, binding);
          if (decryptCredential(dataKey, ciphertext, binding) !== json)
            throw new BYOKError('INTERNAL_ERROR', 'verification failed');
          // The row is locked: it still holds the value read.
          if (!(await keysStore.replaceCiphertext(tx, row.id, owner, row.ciphertext, ciphertext)))
            throw new BYOKError('CONFLICT', 'row changed while it was upgraded');
          report.legacyUpgraded.push(row.id);
        } catch (error) {
          report.legacyFailed.push({ keyId: row.id, reason: (error as Error).message });
        }
      }
      return rows;
    });
    if (batch.length < batchSize) break;
    afterId = batch.at(-1)?.id ?? afterId;
  }
  if (report.legacyFailed.length === 0) await recordIfNoLegacyValuesLeft(db);
}
