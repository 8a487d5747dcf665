import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.js';

/** Where the audit log finds the master keys: an `EncryptionService` (its `keyring` getter) or a `Keyring` holder. */
export interface AuditKeySource {
  readonly keyring: Keyring;
}

/** HKDF label: the audit key is independent of every other key derived from the same KEK. */
const AUDIT_KEY_INFO = 'byok/audit-mac/v1';
const AUDIT_KEY_SALT = 'byok/audit';

export type MacCheck = 'ok' | 'bad' | 'unknown-key';

const derived = new WeakMap<Buffer, Buffer>();

function auditKeyOf(kek: Buffer): Buffer {
  let key = derived.get(kek);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', kek, AUDIT_KEY_SALT, AUDIT_KEY_INFO, 32));
    derived.set(kek, key);
  }
  return key;
}

/**
 * MACs audit data under the audit key of the active master key, and checks MACs made under any
 * master key of the ring (found by the fingerprint stored beside each MAC), so that entries sealed
 * before a rotation still verify while the old key is held, decrypt-only, in BYOK_DECRYPTION_KEYS.
 */
export class AuditSigner {
  readonly #source: AuditKeySource;

  constructor(source: AuditKeySource) {
    this.#source = source;
  }

  /** Fingerprint of the master key whose audit key makes new MACs. Throws ENCRYPTION_NOT_CONFIGURED without one. */
  get activeKeyId(): string {
    return this.#source.keyring.active.fingerprint;
  }

  mac(payload: string): string {
    return createHmac('sha256', auditKeyOf(this.#source.keyring.active.kek)).update(payload).digest('hex');
  }

  check(keyId: string | null, payload: string, mac: string | null): MacCheck {
    if (!keyId || !mac) return 'bad';
    const ring = this.#source.keyring;
    if (!ring.has(keyId)) return 'unknown-key';
    const expected = createHmac('sha256', auditKeyOf(ring.require(keyId).kek))
      .update(payload)
      .digest();
    const given = Buffer.from(mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'bad';
  }
}

/** XOR of SHA-256 digests: an order-free digest of a set of chain names (the set itself is sealed). */
export function addToChainSet(set: string, chain: string): string {
  const acc = Buffer.from(set, 'hex');
  const item = createHash('sha256').update(chain).digest();
  for (let i = 0; i < item.length; i += 1) acc[i] = (acc[i] ?? 0) ^ (item[i] ?? 0);
  return acc.toString('hex');
}

export const EMPTY_CHAIN_SET = '0'.repeat(64);
