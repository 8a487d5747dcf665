import { SYSTEM_KEY_ENV } from '../fallback/system-keys.js';
import { baseUrlEnvVar, ProviderType } from '../providers/index.js';

/** One documented configuration variable of the library: its name, the option it stands in for, its default. */
export interface EnvVarDoc {
  name: string;
  /** The `BYOKManagerOptions` path that wins over the variable, or `—` when there is none. */
  option: string;
  default: string;
  description: string;
}

/**
 * Every environment variable the library reads, in the order of `docs/configuration.md` (which is
 * generated from this list: `npm run docs:config`). An option given in code always wins.
 */
export const LIBRARY_ENV_VARS: readonly EnvVarDoc[] = [
  {
    name: 'BYOK_ENCRYPTION_KEY',
    option: 'encryptionKey',
    default: '—',
    description: 'Master key that encrypts (at least 32 characters).',
  },
  {
    name: 'ENCRYPTION_MASTER_KEY',
    option: 'encryptionKey',
    default: '—',
    description: "The spec's name for the master key; read when `BYOK_ENCRYPTION_KEY` is unset.",
  },
  {
    name: 'BYOK_DECRYPTION_KEYS',
    option: 'decryptionKeys',
    default: '—',
    description: 'Older master keys that may only decrypt, comma-separated.',
  },
  {
    name: 'BYOK_ALLOW_LEGACY_CIPHERTEXT',
    option: 'allowLegacyCiphertext',
    default: 'while some are left',
    description: "Read the spec's legacy `iv:authTag:ciphertext` values (`true`/`false`).",
  },
  {
    name: 'BYOK_LOG_LEVEL',
    option: 'logger',
    default: 'info',
    description: 'Level of the default logger (fatal, error, warn, info, debug, trace, silent).',
  },
  {
    name: 'BYOK_DEBUG',
    option: 'logger',
    default: 'false',
    description: '`true` sets the default logger to debug when `BYOK_LOG_LEVEL` is unset.',
  },
  {
    name: 'BYOK_CACHE_TTL',
    option: 'cache.ttl',
    default: '300',
    description: 'Seconds a cached ciphertext row lives; 0 turns caching off.',
  },
  {
    name: 'BYOK_AUDIT_RETENTION_DAYS',
    option: 'audit.retentionDays',
    default: '2555',
    description: 'Days audit entries are kept.',
  },
  {
    name: 'BYOK_KEY_ROTATION_DAYS',
    option: '—',
    default: '90',
    description: 'Days after which `checkKeyRotationStatus()` reports the master key overdue.',
  },
  {
    name: 'BYOK_ENABLE_VALIDATION',
    option: 'validation.enabled',
    default: 'true',
    description: '`false` turns periodic key validation off (either one off turns it off).',
  },
  {
    name: 'BYOK_VALIDATION_TIMEOUT',
    option: 'validation.timeout',
    default: '10000',
    description: 'Hard limit of one validation request, in ms.',
  },
  {
    name: 'BYOK_ENABLE_FALLBACK',
    option: 'fallback.enabled',
    default: 'true',
    description: '`false` turns the system-key fallback off (either one off turns it off).',
  },
  {
    name: 'BYOK_ALERT_WEBHOOK_URL',
    option: '—',
    default: '—',
    description: 'Webhook for usage alerts that name none.',
  },
  {
    name: 'BYOK_ALERT_WEBHOOK_SECRET',
    option: '—',
    default: '—',
    description: 'Signs alert webhooks (unsigned without it, with a warning).',
  },
  {
    name: 'BYOK_SMTP_URL',
    option: '—',
    default: '—',
    description: 'SMTP server for e-mail alerts; without it e-mail alerts are refused.',
  },
  {
    name: 'BYOK_ALERT_EMAIL_FROM',
    option: '—',
    default: 'byok-alerts@localhost',
    description: 'Sender of alert e-mails.',
  },
  {
    name: 'BYOK_ALERT_EMAIL_TO',
    option: '—',
    default: '—',
    description: 'Recipient of alert e-mails that name none.',
  },
  ...Object.values(ProviderType).map((provider) => ({
    name: baseUrlEnvVar(provider),
    option: `providers.${provider}.baseUrl`,
    default: 'the provider’s API',
    description: `Base URL the ${provider} provider is called at (an http(s) URL).`,
  })),
  ...Object.values(ProviderType).flatMap((provider) =>
    Object.entries(SYSTEM_KEY_ENV[provider]).map(([field, name]) => ({
      name,
      option: `fallback.systemKeys.${provider}.${field}`,
      default: '—',
      description: `The application's own ${provider} credential (\`${field}\`), served when a user has no usable key.`,
    })),
  ),
];
