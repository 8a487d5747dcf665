import { readFile } from 'node:fs/promises';
import { BYOKError } from '@stack-2025/byok-core';
import { type AwsSettings, type KeySourceSettings, wrappedKeyVariable } from './settings.js';

/** The keys a source gave: the one that encrypts and any that may only decrypt. */
export interface SourcedKeys {
  encryptionKey: string;
  decryptionKeys: string[];
}

const failed = (source: string, reason: string, cause?: unknown): BYOKError =>
  new BYOKError('MASTER_KEY_SOURCE_FAILED', `Could not read the master key from ${source}: ${reason}`, {
    ...(cause ? { cause } : {}),
  });

/** An AWS SDK error's name and message, or a network error's code: never anything it was sent. */
const describe = (error: unknown): string => {
  const e = error as { name?: string; message?: string; code?: string };
  return [e.name ?? e.code ?? 'Error', e.message].filter(Boolean).join(': ').slice(0, 300);
};

const awsConfig = (aws: AwsSettings) => ({
  ...(aws.region ? { region: aws.region } : {}),
  ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
  maxAttempts: 3,
});

/** A data key is 32 random bytes; as a master key it is their base64, like `byok generate-key`. */
const asMasterKey = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function parseKeyList(text: string): SourcedKeys | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    // A JSON secret: { "encryptionKey": "…", "decryptionKeys": ["…"] }.
    const parsed = JSON.parse(trimmed) as { encryptionKey?: unknown; decryptionKeys?: unknown };
    if (typeof parsed.encryptionKey !== 'string') return undefined;
    const decryptionKeys = Array.isArray(parsed.decryptionKeys)
      ? parsed.decryptionKeys.filter((key): key is string => typeof key === 'string' && key.length > 0)
      : [];
    return { encryptionKey: parsed.encryptionKey, decryptionKeys };
  }
  // Plain text: the first line encrypts, further lines may only decrypt.
  const [encryptionKey, ...decryptionKeys] = trimmed
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return encryptionKey ? { encryptionKey, decryptionKeys } : undefined;
}

async function fromFile(path: string): Promise<SourcedKeys> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw failed(`the file ${path}`, (error as NodeJS.ErrnoException).code ?? 'unreadable', error);
  }
  const keys = parseKeyList(text);
  if (!keys) throw failed(`the file ${path}`, 'it is empty');
  return keys;
}

async function fromSecretsManager(secretId: string, aws: AwsSettings): Promise<SourcedKeys> {
  // The AWS SDK is loaded only by installations that use it (~25 MB resident otherwise).
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(awsConfig(aws));
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const text =
      answer.SecretString ?? (answer.SecretBinary ? Buffer.from(answer.SecretBinary).toString('utf8') : '');
    const keys = (() => {
      try {
        return parseKeyList(text);
      } catch {
        return undefined;
      }
    })();
    if (!keys) throw failed(`AWS Secrets Manager secret ${secretId}`, 'the secret holds no key');
    return keys;
  } catch (error) {
    if (error instanceof BYOKError) throw error;
    throw failed(`AWS Secrets Manager secret ${secretId}`, describe(error), error);
  } finally {
    client.destroy();
  }
}

async function fromKms(wrappedKey: string, aws: AwsSettings): Promise<SourcedKeys> {
  const { DecryptCommand, KMSClient } = await import('@aws-sdk/client-kms');
  const client = new KMSClient(awsConfig(aws));
  try {
    const answer = await client.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(wrappedKey, 'base64') }),
    );
    if (!answer.Plaintext) throw failed('AWS KMS', 'Decrypt returned no plaintext');
    return { encryptionKey: asMasterKey(answer.Plaintext), decryptionKeys: [] };
  } catch (error) {
    if (error instanceof BYOKError) throw error;
    throw failed('AWS KMS', describe(error), error);
  } finally {
    client.destroy();
  }
}

async function vaultCall(
  settings: Extract<KeySourceSettings, { kind: 'vault-transit' }>,
  operation: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const url = `${settings.address.replace(/\/+$/, '')}/v1/${settings.mount}/${operation}/${encodeURIComponent(settings.keyName)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'x-vault-token': settings.token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw failed('Vault transit', describe(error), error);
  }
  const answer = (await response.json().catch(() => ({}))) as {
    data?: Record<string, unknown>;
    errors?: string[];
  };
  if (!response.ok || !answer.data) {
    throw failed(
      'Vault transit',
      `${response.status} ${(answer.errors ?? []).join('; ').slice(0, 200)}`.trim(),
    );
  }
  return answer.data;
}

async function fromVault(
  settings: Extract<KeySourceSettings, { kind: 'vault-transit' }>,
): Promise<SourcedKeys> {
  if (!settings.wrappedKey) throw failed('Vault transit', 'no wrapped master key is configured');
  const data = await vaultCall(settings, 'decrypt', { ciphertext: settings.wrappedKey });
  if (typeof data.plaintext !== 'string') throw failed('Vault transit', 'decrypt returned no plaintext');
  return { encryptionKey: asMasterKey(Buffer.from(data.plaintext, 'base64')), decryptionKeys: [] };
}

/**
 * Reads the master key (and any decrypt-only keys) from `settings`. The `env` source gives none:
 * the config already holds what the environment says. Errors are `MASTER_KEY_SOURCE_FAILED` and
 * name the source and the service's answer, never a key.
 */
export async function readMasterKeys(
  settings: KeySourceSettings,
  target: 'active' | 'new' = 'active',
): Promise<SourcedKeys | undefined> {
  switch (settings.kind) {
    case 'env':
      return undefined;
    case 'file':
      return fromFile(settings.path);
    case 'aws-secrets-manager':
      return fromSecretsManager(settings.secretId, settings.aws);
    case 'aws-kms':
      if (!settings.wrappedKey) {
        throw failed(
          'AWS KMS',
          `${wrappedKeyVariable('aws-kms', target)} is not set (create one with \`byok master-key create\`)`,
        );
      }
      return fromKms(settings.wrappedKey, settings.aws);
    case 'vault-transit':
      return fromVault(settings);
  }
}

/**
 * Makes a new master key wrapped by KMS or Vault and returns only its wrapped form, to be stored in
 * `BYOK_KMS_WRAPPED_MASTER_KEY` / `BYOK_VAULT_WRAPPED_MASTER_KEY`. The plaintext never leaves the
 * key service here.
 */
export async function createWrappedMasterKey(settings: KeySourceSettings): Promise<string> {
  if (settings.kind === 'aws-kms') {
    if (!settings.keyId) throw failed('AWS KMS', 'BYOK_KMS_KEY_ID is not set');
    const { GenerateDataKeyWithoutPlaintextCommand, KMSClient } = await import('@aws-sdk/client-kms');
    const client = new KMSClient(awsConfig(settings.aws));
    try {
      const answer = await client.send(
        new GenerateDataKeyWithoutPlaintextCommand({ KeyId: settings.keyId, KeySpec: 'AES_256' }),
      );
      if (!answer.CiphertextBlob) throw failed('AWS KMS', 'GenerateDataKeyWithoutPlaintext returned no key');
      return Buffer.from(answer.CiphertextBlob).toString('base64');
    } catch (error) {
      if (error instanceof BYOKError) throw error;
      throw failed('AWS KMS', describe(error), error);
    } finally {
      client.destroy();
    }
  }
  if (settings.kind === 'vault-transit') {
    const data = await vaultCall(settings, 'datakey/wrapped', { bits: 256 });
    if (typeof data.ciphertext !== 'string') throw failed('Vault transit', 'datakey returned no ciphertext');
    return data.ciphertext;
  }
  throw new BYOKError(
    'INVALID_INPUT',
    'Only the aws-kms and vault-transit sources make wrapped keys; set BYOK_MASTER_KEY_SOURCE to one of them',
  );
}
