export { type EncryptionOptions, EncryptionService } from './encryption-service.js';
export {
  type CredentialBinding,
  credentialDataKeyId,
  type DataKey,
  decryptCredential,
  encryptCredential,
  newDataKey,
  type Owner,
  openCredential,
  ownerRef,
  type SealedCredential,
  sealedCredential,
  unwrapDataKey,
  wrapDataKey,
  wrappedKeyFingerprint,
} from './envelope.js';
export {
  fingerprintOf,
  KEK_ITERATIONS,
  Keyring,
  type MasterKey,
  MIN_MASTER_KEY_LENGTH,
  masterKeyMismatch,
} from './keyring.js';
export { encryptLegacy, isLegacyCiphertext } from './legacy.js';
