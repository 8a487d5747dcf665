/**
 * Where the master key comes from: the environment (the default), a file (a Kubernetes secret
 * mount), AWS Secrets Manager, or a data key wrapped by AWS KMS or Vault's transit engine (the
 * master key then never appears in the environment). The rotation target can come from a source
 * too: the same variables with `BYOK_NEW_` in place of `BYOK_`.
 */

export const KEY_SOURCES = ['env', 'file', 'aws-secrets-manager', 'aws-kms', 'vault-transit'] as const;
export type KeySourceKind = (typeof KEY_SOURCES)[number];

export type KeySourceSettings =
  | { kind: 'env' }
  | { kind: 'file'; path: string }
  | { kind: 'aws-secrets-manager'; secretId: string; aws: AwsSettings }
  | { kind: 'aws-kms'; wrappedKey: string | undefined; keyId: string | undefined; aws: AwsSettings }
  | {
      kind: 'vault-transit';
      wrappedKey: string | undefined;
      keyName: string;
      mount: string;
      address: string;
      token: string;
    };

export interface AwsSettings {
  region: string | undefined;
  /** Overrides the service endpoint (a VPC endpoint, or a local fake in tests). */
  endpoint: string | undefined;
}

/** The variables of one source, for the active key (`BYOK_…`) or the rotation target (`BYOK_NEW_…`). */
const names = (prefix: 'BYOK_' | 'BYOK_NEW_') =>
  ({
    source: `${prefix}MASTER_KEY_SOURCE`,
    file: `${prefix}MASTER_KEY_FILE`,
    secretId: `${prefix}MASTER_KEY_SECRET_ID`,
    kmsKeyId: `${prefix}KMS_KEY_ID`,
    kmsWrapped: `${prefix}KMS_WRAPPED_MASTER_KEY`,
    vaultKey: `${prefix}VAULT_TRANSIT_KEY`,
    vaultMount: `${prefix}VAULT_TRANSIT_MOUNT`,
    vaultWrapped: `${prefix}VAULT_WRAPPED_MASTER_KEY`,
  }) as const;

const SHARED = ['AWS_REGION', 'BYOK_AWS_ENDPOINT_URL', 'VAULT_ADDR', 'VAULT_TOKEN'] as const;

/** Every variable the key sources read (the config's `ENV_VARS` includes them). */
export const KEY_SOURCE_ENV_VARS = [
  ...Object.values(names('BYOK_')),
  ...Object.values(names('BYOK_NEW_')),
  ...SHARED,
] as const;

/**
 * Reads one source's settings. Returns `undefined` for the rotation target when
 * `BYOK_NEW_MASTER_KEY_SOURCE` is not set; problems are listed in `errors`, one line each.
 */
export function parseKeySourceSettings(
  env: Record<string, string | undefined>,
  target: 'active' | 'new',
): { settings: KeySourceSettings | undefined; errors: string[] } {
  const n = names(target === 'active' ? 'BYOK_' : 'BYOK_NEW_');
  const given = env[n.source]?.trim();
  if (!given) return { settings: target === 'active' ? { kind: 'env' } : undefined, errors: [] };
  if (!(KEY_SOURCES as readonly string[]).includes(given)) {
    return { settings: undefined, errors: [`${n.source}: must be one of ${KEY_SOURCES.join(', ')}`] };
  }
  const kind = given as KeySourceKind;
  const errors: string[] = [];
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) errors.push(`${name}: required when ${n.source}=${kind}`);
    return value ?? '';
  };
  const aws: AwsSettings = { region: env.AWS_REGION, endpoint: env.BYOK_AWS_ENDPOINT_URL };
  let settings: KeySourceSettings;
  switch (kind) {
    case 'env':
      settings = { kind };
      break;
    case 'file':
      settings = { kind, path: need(n.file) };
      break;
    case 'aws-secrets-manager':
      settings = { kind, secretId: need(n.secretId), aws };
      break;
    case 'aws-kms':
      settings = { kind, wrappedKey: env[n.kmsWrapped]?.trim() || undefined, keyId: env[n.kmsKeyId], aws };
      break;
    case 'vault-transit':
      settings = {
        kind,
        wrappedKey: env[n.vaultWrapped]?.trim() || undefined,
        keyName: need(n.vaultKey),
        mount: env[n.vaultMount]?.trim() || 'transit',
        address: need('VAULT_ADDR'),
        token: need('VAULT_TOKEN'),
      };
      break;
  }
  return { settings: errors.length > 0 ? undefined : settings, errors };
}

/** The variable that holds a wrapped key for `kind`, to name it in messages. */
export function wrappedKeyVariable(kind: 'aws-kms' | 'vault-transit', target: 'active' | 'new'): string {
  const n = names(target === 'active' ? 'BYOK_' : 'BYOK_NEW_');
  return kind === 'aws-kms' ? n.kmsWrapped : n.vaultWrapped;
}
