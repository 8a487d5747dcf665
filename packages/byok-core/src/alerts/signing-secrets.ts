import {
  credentialDataKeyId,
  type DataKey,
  decryptCredential,
  encryptCredential,
  type Owner,
} from '../crypto/index.js';
import { decryptionFailed } from '../errors/index.js';
import type { SqlClient } from '../store/types.js';

/** The part of `DataKeyService` the signing secrets use: the owner's data key, created or loaded. */
export interface OwnerDataKeys {
  forOwner(tx: SqlClient, owner: Owner): Promise<DataKey>;
  load(dataKeyId: string, owner: Owner): Promise<DataKey>;
}

/** Bound into the ciphertext's associated data: a secret copied onto another alert or owner does not open. */
const PURPOSE = 'alert-webhook-signing';

/**
 * Seals and opens per-alert webhook signing secrets with the owner's data key: the same envelope
 * (and the same erasure) as stored credentials. The plaintext exists only in memory.
 */
export class SigningSecrets {
  readonly #dataKeys: OwnerDataKeys;

  constructor(dataKeys: OwnerDataKeys) {
    this.#dataKeys = dataKeys;
  }

  async seal(tx: SqlClient, alertId: string, owner: Owner, secret: string): Promise<string> {
    const dataKey = await this.#dataKeys.forOwner(tx, owner);
    return encryptCredential(dataKey, secret, { keyId: alertId, owner, provider: PURPOSE });
  }

  async open(alertId: string, owner: Owner, ciphertext: string): Promise<string> {
    const dataKeyId = credentialDataKeyId(ciphertext);
    if (!dataKeyId) throw decryptionFailed();
    const dataKey = await this.#dataKeys.load(dataKeyId, owner);
    return decryptCredential(dataKey, ciphertext, { keyId: alertId, owner, provider: PURPOSE });
  }
}
