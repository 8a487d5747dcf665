import { randomBytes } from 'node:crypto';
import { decryptionFailed, isBYOKError } from '../errors/index.js';
import { open, type SealedBox, seal } from './aes-gcm.js';
import type { Keyring, MasterKey } from './keyring.js';

/*
 * Ciphertext formats (all parts base64url, ':'-separated):
 *   wrapped DEK:  dk1:<master fingerprint>:<iv>:<tag>:<ciphertext>
 *   credential:   ck1:<data key id>:<iv>:<tag>:<ciphertext>
 *   legacy (spec): <iv>:<authTag>:<ciphertext> in standard base64, read-only (see legacy.ts)
 * Associated data binds each ciphertext to the row that holds it, so a value copied to another
 * row or owner fails authentication instead of decrypting.
 */

export interface Owner {
  type: 'user' | 'workspace';
  id: string;
}

export const ownerRef = (owner: Owner): string => `${owner.type}:${owner.id}`;

const b64 = (buf: Buffer): string => buf.toString('base64url');
const unb64 = (text: string): Buffer => Buffer.from(text, 'base64url');

export interface DataKey {
  id: string;
  key: Buffer;
}

export const newDataKey = (id: string): DataKey => ({ id, key: randomBytes(32) });

const dekAad = (dataKeyId: string, owner: Owner): string => `byok/dek/v1|${dataKeyId}|${ownerRef(owner)}`;

export function wrapDataKey(master: MasterKey, dataKey: DataKey, owner: Owner): string {
  const box = seal(master.kek, dataKey.key, dekAad(dataKey.id, owner));
  return ['dk1', master.fingerprint, b64(box.iv), b64(box.tag), b64(box.ciphertext)].join(':');
}

/** The fingerprint of the master key a wrapped DEK needs. */
export function wrappedKeyFingerprint(wrapped: string): string {
  return wrapped.split(':')[1] ?? '';
}

export function unwrapDataKey(keyring: Keyring, wrapped: string, dataKeyId: string, owner: Owner): DataKey {
  const [version, fingerprint, iv, tag, ciphertext] = wrapped.split(':');
  if (version !== 'dk1' || !fingerprint || !iv || !tag || !ciphertext) throw decryptionFailed();
  const master = keyring.require(fingerprint);
  try {
    const key = open(
      master.kek,
      { iv: unb64(iv), tag: unb64(tag), ciphertext: unb64(ciphertext) },
      dekAad(dataKeyId, owner),
    );
    return { id: dataKeyId, key };
  } catch (error) {
    throw decryptionFailed(error);
  }
}

export interface CredentialBinding {
  keyId: string;
  owner: Owner;
  provider: string;
}

const credentialAad = (b: CredentialBinding): string =>
  `byok/cred/v1|${b.keyId}|${ownerRef(b.owner)}|${b.provider}`;

export function encryptCredential(dataKey: DataKey, plaintext: string, binding: CredentialBinding): string {
  const box = seal(dataKey.key, Buffer.from(plaintext, 'utf8'), credentialAad(binding));
  return ['ck1', dataKey.id, b64(box.iv), b64(box.tag), b64(box.ciphertext)].join(':');
}

/** The id of the data key a credential ciphertext needs, or null for the legacy format. */
export function credentialDataKeyId(ciphertext: string): string | null {
  if (!ciphertext.startsWith('ck1:')) return null;
  const end = ciphertext.indexOf(':', 4);
  return end === -1 ? ciphertext.slice(4) : ciphertext.slice(4, end);
}

/**
 * A credential ciphertext split and decoded, with the associated data of its row: what opening it
 * needs besides its data key. Holds no plaintext, so a row's can be kept beside the row.
 */
export interface SealedCredential {
  dataKeyId: string;
  box: SealedBox;
  aad: Buffer;
}

/** Splits a `ck1` ciphertext bound to `binding`. @throws `DECRYPTION_FAILED` when it is not one. */
export function sealedCredential(ciphertext: string, binding: CredentialBinding): SealedCredential {
  const [version, dataKeyId, iv, tag, body] = ciphertext.split(':');
  if (version !== 'ck1' || !dataKeyId || !iv || !tag || !body) throw decryptionFailed();
  return {
    dataKeyId,
    box: { iv: unb64(iv), tag: unb64(tag), ciphertext: unb64(body) },
    aad: Buffer.from(credentialAad(binding), 'utf8'),
  };
}

/** Opens a split credential with its data key. @throws `DECRYPTION_FAILED` on any mismatch. */
export function openCredential(dataKey: DataKey, sealed: SealedCredential): string {
  if (sealed.dataKeyId !== dataKey.id) throw decryptionFailed();
  try {
    return open(dataKey.key, sealed.box, sealed.aad).toString('utf8');
  } catch (error) {
    throw isBYOKError(error) ? error : decryptionFailed(error);
  }
}

export function decryptCredential(dataKey: DataKey, ciphertext: string, binding: CredentialBinding): string {
  return openCredential(dataKey, sealedCredential(ciphertext, binding));
}
