import { pbkdf2Sync } from 'node:crypto';
import { decryptionFailed } from '../errors/index.js';
import { open, seal } from './aes-gcm.js';

/*
 * The spec's older storage format: `iv:authTag:ciphertext`, standard base64, AES-256-GCM under a
 * key derived from the master key with PBKDF2-SHA256 (100,000 iterations, the spec's figure) and
 * the salt below. Read-only: new values are always written in the envelope format.
 */
export const LEGACY_ITERATIONS = 100_000;
const LEGACY_SALT = 'byok/legacy/v0';

const legacyKeys = new Map<string, Buffer>();

function legacyKey(masterKey: string): Buffer {
  let key = legacyKeys.get(masterKey);
  if (!key) {
    key = pbkdf2Sync(masterKey, LEGACY_SALT, LEGACY_ITERATIONS, 32, 'sha256');
    legacyKeys.set(masterKey, key);
  }
  return key;
}

export function isLegacyCiphertext(value: string): boolean {
  const parts = value.split(':');
  return parts.length === 3 && parts.every((part) => /^[A-Za-z0-9+/]+={0,2}$/.test(part));
}

export function decryptLegacy(masterKeys: readonly string[], value: string): string {
  const [iv, tag, ciphertext] = value.split(':').map((part) => Buffer.from(part, 'base64'));
  if (!iv || !tag || !ciphertext) throw decryptionFailed();
  for (const masterKey of masterKeys) {
    try {
      return open(legacyKey(masterKey), { iv, tag, ciphertext }, undefined).toString('utf8');
    } catch {
      // try the next key of the ring
    }
  }
  throw decryptionFailed();
}

/** Writes the legacy format; only for tests and tools that must produce old data. */
export function encryptLegacy(masterKey: string, plaintext: string): string {
  const box = seal(legacyKey(masterKey), Buffer.from(plaintext, 'utf8'), '');
  return [box.iv, box.tag, box.ciphertext].map((part) => part.toString('base64')).join(':');
}
