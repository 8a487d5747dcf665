import { BYOKError } from '@stack-2025/byok-core';
import type { ServerConfig } from '../config.js';
import { readMasterKeys } from './sources.js';

/**
 * Fills the config's master keys from the configured sources: the active key from
 * `BYOK_MASTER_KEY_SOURCE` (its decrypt-only keys are added to `BYOK_DECRYPTION_KEYS`), the
 * rotation target from `BYOK_NEW_MASTER_KEY_SOURCE`. A key given both in the environment and by
 * another source is refused: which one encrypts must never be a guess.
 */
export async function resolveKeySources(config: ServerConfig): Promise<ServerConfig> {
  let resolved = config;
  if (config.keySource.kind !== 'env') {
    if (config.encryptionKey !== undefined && config.encryptionKeySource === 'env') {
      throw new BYOKError(
        'INVALID_INPUT',
        `BYOK_MASTER_KEY_SOURCE=${config.keySource.kind} and BYOK_ENCRYPTION_KEY/ENCRYPTION_MASTER_KEY are both set: keep one (an old key goes in BYOK_DECRYPTION_KEYS)`,
      );
    }
    const keys = await readMasterKeys(config.keySource, 'active');
    if (keys) {
      resolved = {
        ...resolved,
        encryptionKey: keys.encryptionKey,
        encryptionKeySource: config.keySource.kind,
        decryptionKeys: [...new Set([...config.decryptionKeys, ...keys.decryptionKeys])],
      };
    }
  }
  if (config.newKeySource) {
    if (config.newEncryptionKey !== undefined) {
      throw new BYOKError(
        'INVALID_INPUT',
        'NEW_ENCRYPTION_MASTER_KEY and BYOK_NEW_MASTER_KEY_SOURCE are both set: keep one',
      );
    }
    const keys = await readMasterKeys(config.newKeySource, 'new');
    if (keys) resolved = { ...resolved, newEncryptionKey: keys.encryptionKey };
  }
  return resolved;
}
