import { z } from 'zod';
import { BYOKError } from '../errors/index.js';
import type { BYOKManagerOptions } from '../manager/options.js';
import { baseUrlEnvVar, ProviderType } from '../providers/index.js';
import type { EnvMap } from './process-env.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Empty values count as unset, as in the server's configuration. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''], { error: 'must be true or false' })
  .optional()
  .transform((value) =>
    value === undefined || value === '' ? undefined : ['true', '1', 'yes', 'on'].includes(value),
  );
const number = (min: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed < min) {
        ctx.addIssue({ code: 'custom', message: `must be a number ≥ ${min}` });
        return z.NEVER;
      }
      return parsed;
    });

const envSchema = z.object({
  BYOK_ENCRYPTION_KEY: optionalText,
  ENCRYPTION_MASTER_KEY: optionalText,
  BYOK_DECRYPTION_KEYS: optionalText,
  BYOK_ALLOW_LEGACY_CIPHERTEXT: flag,
  BYOK_LOG_LEVEL: z.enum([...LOG_LEVELS, '']).optional(),
  BYOK_DEBUG: flag,
  BYOK_CACHE_TTL: number(0),
  BYOK_AUDIT_RETENTION_DAYS: number(1),
  BYOK_KEY_ROTATION_DAYS: number(1),
  BYOK_ENABLE_VALIDATION: flag,
  BYOK_VALIDATION_TIMEOUT: number(1),
  BYOK_ENABLE_FALLBACK: flag,
  BYOK_ALERT_WEBHOOK_URL: optionalText,
  BYOK_ALERT_WEBHOOK_SECRET: optionalText,
  BYOK_SMTP_URL: optionalText,
  BYOK_ALERT_EMAIL_FROM: optionalText,
  BYOK_ALERT_EMAIL_TO: optionalText,
  ...Object.fromEntries(Object.values(ProviderType).map((p) => [baseUrlEnvVar(p), optionalText])),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The library's configuration after the one configuration step: options as given, every unset one
 * filled in from the environment or its default. Services read this; none reads `process.env`.
 */
export interface ResolvedConfig {
  /** The options with every environment-backed value filled in; what the services are given. */
  options: BYOKManagerOptions;
  encryptionKey: string | undefined;
  decryptionKeys: string[];
  /** Level of the default logger (`BYOK_LOG_LEVEL`, else debug with `BYOK_DEBUG=true`, else info). */
  logLevel: LogLevel;
  cacheTtl: number;
  auditRetentionDays: number;
  /** `BYOK_KEY_ROTATION_DAYS`: when `checkKeyRotationStatus()` calls the master key overdue. */
  keyRotationDays: number;
  alerts: {
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
    smtpUrl: string | undefined;
    emailFrom: string;
    emailTo: string | undefined;
  };
  /**
   * The environment map handed to the configuration step, for the parts that look a variable up by
   * a provider's name (system keys of the fallback, `migrateFromEnv`).
   */
  env: EnvMap;
}

/** The master keys from options, else `BYOK_ENCRYPTION_KEY`, else `ENCRYPTION_MASTER_KEY`; decrypt-only keys likewise. */
export function resolveMasterKeys(
  options: { encryptionKey?: string | undefined; decryptionKeys?: readonly string[] | undefined },
  env: EnvMap,
): { encryptionKey: string | undefined; decryptionKeys: string[] } {
  const encryptionKey =
    options.encryptionKey || env.BYOK_ENCRYPTION_KEY || env.ENCRYPTION_MASTER_KEY || undefined;
  const decryptionKeys =
    options.decryptionKeys ??
    (env.BYOK_DECRYPTION_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
  return { encryptionKey, decryptionKeys: [...decryptionKeys] };
}

/**
 * The configuration step: turns options and an environment map into one typed, validated object.
 * Called once at each library entry (`createBYOKForStack2025`, `new BYOKManager`); an option given
 * in code always wins over its variable.
 * @throws BYOKError `INVALID_CONFIG` naming each variable that does not parse (never its value).
 * @example
 * const config = resolveConfig({ database: { client: pool } }, { BYOK_CACHE_TTL: '60' });
 * config.cacheTtl; // 60
 */
export function resolveConfig(options: BYOKManagerOptions, env: EnvMap): ResolvedConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new BYOKError('INVALID_CONFIG', `Invalid configuration: ${problems.join('; ')}`, {
      details: { variables: parsed.error.issues.map((issue) => issue.path.join('.')) },
    });
  }
  const e = parsed.data as z.infer<typeof envSchema> & Record<string, string | undefined>;
  const keys = resolveMasterKeys(options, env);
  const providers: Partial<Record<string, { baseUrl?: string }>> = { ...options.providers };
  for (const provider of Object.values(ProviderType)) {
    const fromEnv = e[baseUrlEnvVar(provider)];
    if (providers[provider]?.baseUrl === undefined && fromEnv !== undefined)
      providers[provider] = { ...providers[provider], baseUrl: fromEnv };
  }
  const cacheTtl = options.cache?.ttl ?? e.BYOK_CACHE_TTL ?? 300;
  const auditRetentionDays = options.audit?.retentionDays ?? e.BYOK_AUDIT_RETENTION_DAYS ?? 2555;
  const validationTimeout = options.validation?.timeout ?? e.BYOK_VALIDATION_TIMEOUT;
  const resolvedOptions: BYOKManagerOptions = {
    ...options,
    encryptionKey: keys.encryptionKey,
    decryptionKeys: keys.decryptionKeys,
    allowLegacyCiphertext: options.allowLegacyCiphertext ?? e.BYOK_ALLOW_LEGACY_CIPHERTEXT,
    cache: { ...options.cache, ttl: cacheTtl },
    audit: { ...options.audit, retentionDays: auditRetentionDays },
    validation: {
      ...options.validation,
      // Either switch off turns it off, as before the configuration step existed.
      enabled: options.validation?.enabled !== false && e.BYOK_ENABLE_VALIDATION !== false,
      ...(validationTimeout !== undefined ? { timeout: validationTimeout } : {}),
    },
    fallback: {
      ...options.fallback,
      enabled: options.fallback?.enabled !== false && e.BYOK_ENABLE_FALLBACK !== false,
    },
    providers,
  };
  return {
    options: resolvedOptions,
    encryptionKey: keys.encryptionKey,
    decryptionKeys: keys.decryptionKeys,
    logLevel: (e.BYOK_LOG_LEVEL || undefined) ?? (e.BYOK_DEBUG ? 'debug' : 'info'),
    cacheTtl,
    auditRetentionDays,
    keyRotationDays: e.BYOK_KEY_ROTATION_DAYS ?? 90,
    alerts: {
      webhookUrl: e.BYOK_ALERT_WEBHOOK_URL,
      webhookSecret: e.BYOK_ALERT_WEBHOOK_SECRET,
      smtpUrl: e.BYOK_SMTP_URL,
      emailFrom: e.BYOK_ALERT_EMAIL_FROM ?? 'byok-alerts@localhost',
      emailTo: e.BYOK_ALERT_EMAIL_TO,
    },
    env,
  };
}
