import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decryptionFailed } from '../errors/index.js';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export interface SealedBox {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** AES-256-GCM with a fresh 96-bit IV; `aad` binds the box to its context. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): SealedBox {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Opens a box sealed by `seal`; throws if the key, IV, tag, ciphertext or `aad` differ. */
export function open(key: Buffer, box: SealedBox, aad: string | Buffer | undefined): Buffer {
  if (box.iv.length !== IV_BYTES && box.iv.length !== 16) throw decryptionFailed('bad IV length');
  if (box.tag.length !== TAG_BYTES) throw decryptionFailed('bad tag length');
  const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) decipher.setAAD(typeof aad === 'string' ? Buffer.from(aad, 'utf8') : aad);
  decipher.setAuthTag(box.tag);
  const plaintext = decipher.update(box.ciphertext);
  // GCM has no padding: `final` adds no bytes, it checks the tag (and throws when it does not match).
  decipher.final();
  return plaintext;
}
