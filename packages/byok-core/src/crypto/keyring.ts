import { createHash, createHmac, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { BYOKError } from '../errors/index.js';

const pbkdf2Async = promisify(pbkdf2);

/** OWASP's 2023 guidance for PBKDF2-HMAC-SHA256; the spec's floor is 100,000. */
export const KEK_ITERATIONS = 600_000;
const KEK_SALT = 'byok/kek/v1';
export const MIN_MASTER_KEY_LENGTH = 32;

export interface MasterKey {
  /** Key-check value: an HMAC of a constant under the KEK. Safe to store and log. */
  fingerprint: string;
  kek: Buffer;
  canEncrypt: boolean;
}

// The KEK is derived once per master key per process (DESIGN invariant 3): the derivation costs
// ~100 ms, so doing it per operation would cap a core at a few decryptions a second.
const derivedKeks = new Map<string, Promise<Buffer>>();

function deriveKek(masterKey: string): Promise<Buffer> {
  const memoKey = createHash('sha256').update(masterKey).digest('base64');
  let kek = derivedKeks.get(memoKey);
  if (!kek) {
    kek = pbkdf2Async(masterKey, KEK_SALT, KEK_ITERATIONS, 32, 'sha256');
    derivedKeks.set(memoKey, kek);
  }
  return kek;
}

export function fingerprintOf(kek: Buffer): string {
  return `mk_${createHmac('sha256', kek).update('byok/key-check/v1').digest('hex').slice(0, 16)}`;
}

/** Whether a master key is usable: present and at least 32 characters. */
export function isUsableMasterKey(value: string | undefined): value is string {
  return typeof value === 'string' && value.length >= MIN_MASTER_KEY_LENGTH;
}

/**
 * The master keys this process holds: one that encrypts, any number that may only decrypt.
 * Rotation rules: a new key is first added to `BYOK_DECRYPTION_KEYS` on every instance, then
 * promoted to `BYOK_ENCRYPTION_KEY` and the DEKs rewrapped; the old key may be dropped once no
 * data key names its fingerprint.
 */
export class Keyring {
  readonly active: MasterKey;
  readonly #byFingerprint: Map<string, MasterKey>;

  private constructor(keys: MasterKey[]) {
    const active = keys.find((key) => key.canEncrypt);
    if (!active) throw new BYOKError('ENCRYPTION_NOT_CONFIGURED', 'ENCRYPTION_MASTER_KEY not configured');
    this.active = active;
    this.#byFingerprint = new Map(keys.map((key) => [key.fingerprint, key]));
  }

  static async create(encryptionKey: string, decryptionKeys: readonly string[] = []): Promise<Keyring> {
    for (const key of [encryptionKey, ...decryptionKeys]) {
      if (!isUsableMasterKey(key)) {
        throw new BYOKError('ENCRYPTION_NOT_CONFIGURED', 'ENCRYPTION_MASTER_KEY not configured', {
          details: { reason: `master keys must be at least ${MIN_MASTER_KEY_LENGTH} characters` },
        });
      }
    }
    const activeKek = await deriveKek(encryptionKey);
    const others = await Promise.all(decryptionKeys.filter((k) => k !== encryptionKey).map(deriveKek));
    return new Keyring([
      { kek: activeKek, fingerprint: fingerprintOf(activeKek), canEncrypt: true },
      ...others.map((kek) => ({ kek, fingerprint: fingerprintOf(kek), canEncrypt: false })),
    ]);
  }

  get fingerprints(): string[] {
    return [...this.#byFingerprint.keys()];
  }

  /** The key with this fingerprint, or an error that names the fingerprint needed. */
  require(fingerprint: string): MasterKey {
    const key = this.#byFingerprint.get(fingerprint);
    if (!key) throw masterKeyMismatch(fingerprint, this.fingerprints);
    return key;
  }

  has(fingerprint: string): boolean {
    return this.#byFingerprint.has(fingerprint);
  }
}

export function masterKeyMismatch(needed: string, held: readonly string[]): BYOKError {
  return new BYOKError(
    'MASTER_KEY_MISMATCH',
    `The configured master key does not match: stored data needs the master key with fingerprint ${needed} (this instance holds ${held.join(', ') || 'none'})`,
    { details: { neededFingerprint: needed, heldFingerprints: held } },
  );
}
