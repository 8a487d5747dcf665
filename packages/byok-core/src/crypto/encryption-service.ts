import { randomBytes } from 'node:crypto';
import { encryptionNotConfigured } from '../errors/index.js';
import { open, seal } from './aes-gcm.js';
import { isUsableMasterKey, Keyring } from './keyring.js';
import { decryptLegacy, isLegacyCiphertext } from './legacy.js';

export interface EncryptionOptions {
  /** The master key that encrypts (the environment is read by the configuration step, `resolveConfig`). */
  encryptionKey?: string | undefined;
  /** Extra master keys that may only decrypt. */
  decryptionKeys?: readonly string[] | undefined;
}

/**
 * Holds the master-key ring of this process. Derives each KEK once (asynchronously) in `ready()`.
 * Without a usable master key it still constructs, so that a service can start and report itself
 * unhealthy; every credential operation then fails with `ENCRYPTION_NOT_CONFIGURED`.
 */
export class EncryptionService {
  #encryptionKey: string | undefined;
  #decryptionKeys: string[];
  #keyring: Keyring | undefined;
  #ready: Promise<void> | undefined;

  constructor(options: EncryptionOptions = {}) {
    this.#encryptionKey = options.encryptionKey || undefined;
    this.#decryptionKeys = [...(options.decryptionKeys ?? [])];
  }

  /** A fresh random master key: 32 bytes, base64 (44 characters). */
  static generateMasterKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** Whether a usable (≥ 32 characters) master key was supplied. */
  get isConfigured(): boolean {
    return isUsableMasterKey(this.#encryptionKey);
  }

  /** Derives the key ring. Safe to call many times; rejects if no usable master key was supplied. */
  ready(): Promise<void> {
    this.#ready ??= (async () => {
      if (!isUsableMasterKey(this.#encryptionKey)) throw encryptionNotConfigured();
      this.#keyring = await Keyring.create(this.#encryptionKey, this.#decryptionKeys);
    })();
    return this.#ready;
  }

  /**
   * Swaps in a new key ring (a re-read secret) once `verify` accepts it; until then, and if it
   * throws, the current ring stays in use. Data keys unwrapped under the old ring stay valid: they
   * are the same keys.
   */
  async replaceKeys(
    encryptionKey: string,
    decryptionKeys: readonly string[],
    verify: (ring: Keyring) => Promise<void>,
  ): Promise<void> {
    if (!isUsableMasterKey(encryptionKey)) throw encryptionNotConfigured();
    const ring = await Keyring.create(encryptionKey, [...decryptionKeys]);
    await verify(ring);
    this.#encryptionKey = encryptionKey;
    this.#decryptionKeys = [...decryptionKeys];
    this.#keyring = ring;
    this.#ready = Promise.resolve();
  }

  /** The ring; throws `ENCRYPTION_NOT_CONFIGURED` until `ready()` has succeeded. */
  get keyring(): Keyring {
    if (!this.#keyring) throw encryptionNotConfigured();
    return this.#keyring;
  }

  /** Fingerprint of the master key that encrypts, or null when not configured. */
  get activeFingerprint(): string | null {
    return this.#keyring?.active.fingerprint ?? null;
  }

  /** Self-test: seals and opens a random value with the active key. False if anything is wrong. */
  test(): boolean {
    try {
      const master = this.keyring.active;
      const probe = randomBytes(32);
      const box = seal(master.kek, probe, 'byok/self-test');
      return open(master.kek, box, 'byok/self-test').equals(probe);
    } catch {
      return false;
    }
  }

  isLegacy(ciphertext: string): boolean {
    return isLegacyCiphertext(ciphertext);
  }

  /** Reads a value in the spec's legacy `iv:authTag:ciphertext` format with any key of the ring. */
  decryptLegacy(ciphertext: string): string {
    if (!this.isConfigured) throw encryptionNotConfigured();
    return decryptLegacy([this.#encryptionKey as string, ...this.#decryptionKeys], ciphertext);
  }
}
