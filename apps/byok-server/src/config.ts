import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BYOKError, EncryptionService, type Logger, ProviderType } from '@stack-2025/byok-core';
import { z } from 'zod';
import { resolveDataDir } from './data-dir.js';
import { resolveKeySources } from './master-key/resolve.js';
import {
  KEY_SOURCE_ENV_VARS,
  type KeySourceSettings,
  parseKeySourceSettings,
} from './master-key/settings.js';

/**
 * Every environment variable the server and the CLI read. Tests and the deployment manifests are
 * checked against this list, so a variable is added here or nowhere.
 */
export const ENV_VARS = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'DATABASE_URL',
  'BYOK_DATA_DIR',
  'BYOK_CONNECTION_POOL_SIZE',
  'BYOK_MAX_CONNECTIONS',
  'REDIS_URL',
  'BYOK_ENCRYPTION_KEY',
  'ENCRYPTION_MASTER_KEY',
  'BYOK_DECRYPTION_KEYS',
  'NEW_ENCRYPTION_MASTER_KEY',
  'BYOK_JWT_SECRET',
  'BYOK_JWKS_URL',
  'BYOK_ADMIN_TOKEN',
  'BYOK_CACHE_TTL',
  'BYOK_VALIDATION_TIMEOUT',
  'BYOK_KEY_ROTATION_DAYS',
  'BYOK_AUDIT_RETENTION_DAYS',
  'BYOK_ENABLE_AUDIT',
  'BYOK_ENABLE_VALIDATION',
  'BYOK_ENABLE_FALLBACK',
  'BYOK_ENABLE_ANALYTICS',
  'BYOK_LOG_LEVEL',
  'BYOK_DEBUG',
  'BYOK_BASE_PATH',
  'BYOK_RATE_LIMIT_WRITES_PER_MINUTE',
  'BYOK_TRUST_PROXY',
  'BYOK_RATE_LIMIT_READS_PER_MINUTE',
  'BYOK_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE',
  'BYOK_RATE_LIMIT_AUTH_FAILURES_PER_TOKEN',
  'BYOK_MAX_KEYS_PER_OWNER',
  'BYOK_MAX_WORKSPACES_PER_USER',
  'BYOK_MAX_MEMBERS_PER_WORKSPACE',
  'BYOK_MAX_KEYS_PER_VALIDATE_ALL',
  'BYOK_ALLOW_LEGACY_CIPHERTEXT',
  'BYOK_ENABLED_PROVIDERS',
  'BYOK_DASHBOARD_DIR',
  ...Object.values(ProviderType).map((p) => `BYOK_${p.toUpperCase()}_BASE_URL`),
  ...KEY_SOURCE_ENV_VARS,
] as const;

export type EnvVar = (typeof ENV_VARS)[number];

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value))
    .default(fallback);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .optional();
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  BYOK_DATA_DIR: z.string().optional(),
  BYOK_CONNECTION_POOL_SIZE: int(1, 1000).default(20),
  BYOK_MAX_CONNECTIONS: int(1, 1_000_000).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).optional(),
  BYOK_ENCRYPTION_KEY: z.string().optional(),
  ENCRYPTION_MASTER_KEY: z.string().optional(),
  BYOK_DECRYPTION_KEYS: list,
  NEW_ENCRYPTION_MASTER_KEY: z.string().optional(),
  BYOK_JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  BYOK_JWKS_URL: httpUrl.optional(),
  BYOK_ADMIN_TOKEN: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  BYOK_CACHE_TTL: int(0, 86_400).default(300),
  BYOK_VALIDATION_TIMEOUT: int(100, 600_000).default(10_000),
  BYOK_KEY_ROTATION_DAYS: int(1, 36_500).default(90),
  BYOK_AUDIT_RETENTION_DAYS: int(1, 36_500).default(2555),
  BYOK_ENABLE_AUDIT: bool(true),
  BYOK_ENABLE_VALIDATION: bool(true),
  BYOK_ENABLE_FALLBACK: bool(true),
  BYOK_ENABLE_ANALYTICS: bool(true),
  BYOK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  BYOK_DEBUG: bool(false),
  BYOK_BASE_PATH: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/, { error: 'must look like /api' })
    .default('/api'),
  BYOK_RATE_LIMIT_WRITES_PER_MINUTE: int(0, 1_000_000).default(60),
  BYOK_TRUST_PROXY: bool(false),
  BYOK_RATE_LIMIT_READS_PER_MINUTE: int(0, 1_000_000).default(600),
  BYOK_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: int(0, 1_000_000).default(30),
  BYOK_RATE_LIMIT_AUTH_FAILURES_PER_TOKEN: int(0, 1_000_000).default(10),
  BYOK_MAX_KEYS_PER_OWNER: int(1, 1_000_000).default(100),
  BYOK_MAX_WORKSPACES_PER_USER: int(1, 1_000_000).default(50),
  BYOK_MAX_MEMBERS_PER_WORKSPACE: int(1, 1_000_000).default(200),
  BYOK_MAX_KEYS_PER_VALIDATE_ALL: int(1, 1_000_000).default(100),
  BYOK_ALLOW_LEGACY_CIPHERTEXT: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value))
    .optional(),
  BYOK_ENABLED_PROVIDERS: list,
  BYOK_DASHBOARD_DIR: z.string().optional(),
  ...Object.fromEntries(
    Object.values(ProviderType).map((p) => [`BYOK_${p.toUpperCase()}_BASE_URL`, httpUrl.optional()]),
  ),
});

export interface ServerConfig {
  nodeEnv: string;
  production: boolean;
  port: number;
  /** Interface to listen on: `HOST`, else 0.0.0.0 inside a container, else 127.0.0.1. */
  host: string;
  /** PostgreSQL; absent means embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  /** Cap on concurrent HTTP connections (`server.maxConnections`). */
  maxConnections: number | undefined;
  redisUrl: string | undefined;
  /** The master key that encrypts (`BYOK_ENCRYPTION_KEY`, else `ENCRYPTION_MASTER_KEY`). */
  encryptionKey: string | undefined;
  /**
   * Where the master key came from: `env`, a configured source (`file`, `aws-secrets-manager`,
   * `aws-kms`, `vault-transit`), `generated` (the development key in the data folder) or `none`.
   */
  encryptionKeySource: 'env' | 'generated' | 'none' | Exclude<KeySourceSettings['kind'], 'env'>;
  /** `BYOK_MASTER_KEY_SOURCE` and its settings; `env` by default. */
  keySource: KeySourceSettings;
  /** `BYOK_NEW_MASTER_KEY_SOURCE`: where the rotation target comes from, if not from the environment. */
  newKeySource: KeySourceSettings | undefined;
  decryptionKeys: string[];
  /** The runbook's rotation target (`NEW_ENCRYPTION_MASTER_KEY`); only the CLI reads it. */
  newEncryptionKey: string | undefined;
  /** The spec's `ENCRYPTION_MASTER_KEY` as given, for the runbook's rotation form. */
  legacyMasterKey: string | undefined;
  auth: { jwtSecret: string | undefined; jwksUrl: string | undefined; adminToken: string | undefined };
  /** Where the JWT secret came from. `file` = generated into the data folder (development only). */
  jwtSecretSource: 'env' | 'file' | 'none';
  /** The built dashboard (`packages/byok-ui/dist-app`), served at `/`. */
  dashboardDir: string;
  cacheTtl: number;
  validationTimeout: number;
  keyRotationDays: number;
  auditRetentionDays: number;
  enableAudit: boolean;
  enableValidation: boolean;
  enableFallback: boolean;
  enableAnalytics: boolean;
  logLevel: string;
  basePath: string;
  rateLimitWritesPerMinute: number;
  /** Reads per user per minute (`BYOK_RATE_LIMIT_READS_PER_MINUTE`, 0 = off). */
  rateLimitReadsPerMinute: number;
  /** Failed sign-ins per client address per minute (`BYOK_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE`, 0 = off). */
  rateLimitAuthFailuresPerMinute: number;
  /** Failed sign-ins per presented token per minute (`BYOK_RATE_LIMIT_AUTH_FAILURES_PER_TOKEN`, 0 = off). */
  rateLimitAuthFailuresPerToken: number;
  /**
   * `BYOK_ALLOW_LEGACY_CIPHERTEXT`: true reads legacy `iv:authTag:ciphertext` values always, false
   * never; unset (default) only while some are left (see `byok migrate status`).
   */
  allowLegacyCiphertext: boolean | undefined;
  /** Per-owner quotas (`BYOK_MAX_*`): a write past one answers 403 `QUOTA_EXCEEDED`. */
  quotas: {
    maxKeysPerOwner: number;
    maxWorkspacesPerUser: number;
    maxMembersPerWorkspace: number;
    maxKeysPerValidateAll: number;
  };
  trustProxy: boolean;
  enabledProviders: ProviderType[] | undefined;
  providerBaseUrls: Partial<Record<ProviderType, { baseUrl: string }>>;
}

/** The environment does not make a valid configuration: `problems` names each variable (never its value). */
export class ConfigError extends BYOKError {
  constructor(readonly problems: string[]) {
    super('INVALID_CONFIGURATION', `Invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems },
    });
    this.name = 'ConfigError';
  }
}

/**
 * True where listening on 127.0.0.1 would make the service unreachable: Kubernetes
 * (`KUBERNETES_SERVICE_HOST`) and OCI runtimes that set `container` (podman, systemd-nspawn).
 * A plain Docker container is not detected on purpose (a dev container must not expose the
 * service by accident); the image sets `HOST=0.0.0.0` itself.
 */
export function inContainer(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST) || Boolean(env.container);
}

/**
 * Reads the environment into a typed config. Empty values count as unset. Problems name the
 * variable, never its value (several are secrets).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: { container?: boolean } = {},
): ServerConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) => (ENV_VARS as readonly string[]).includes(name) && value !== '',
    ),
  );
  const parsed = envSchema.safeParse(present);
  const active = parseKeySourceSettings(present, 'active');
  const next = parseKeySourceSettings(present, 'new');
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
    ...active.errors,
    ...next.errors,
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data as z.infer<typeof envSchema> & Record<string, string | undefined>;
  const enabled = e.BYOK_ENABLED_PROVIDERS;
  const known = new Set<string>(Object.values(ProviderType));
  const unknown = enabled?.filter((p) => !known.has(p)) ?? [];
  if (unknown.length > 0)
    throw new ConfigError([`BYOK_ENABLED_PROVIDERS: unknown provider(s) ${unknown.join(', ')}`]);
  const encryptionKey = e.BYOK_ENCRYPTION_KEY ?? e.ENCRYPTION_MASTER_KEY;
  const providerBaseUrls: ServerConfig['providerBaseUrls'] = {};
  for (const provider of Object.values(ProviderType)) {
    const url = e[`BYOK_${provider.toUpperCase()}_BASE_URL`];
    if (url) providerBaseUrls[provider] = { baseUrl: url };
  }
  const container = options.container ?? inContainer(env);
  return {
    nodeEnv: e.NODE_ENV,
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST ?? (container ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: e.DATABASE_URL,
    dataDir: resolveDataDir(e.BYOK_DATA_DIR),
    poolSize: e.BYOK_CONNECTION_POOL_SIZE,
    maxConnections: e.BYOK_MAX_CONNECTIONS,
    redisUrl: e.REDIS_URL,
    encryptionKey,
    encryptionKeySource: encryptionKey ? 'env' : 'none',
    keySource: active.settings ?? { kind: 'env' },
    newKeySource: next.settings,
    decryptionKeys: e.BYOK_DECRYPTION_KEYS ?? [],
    newEncryptionKey: e.NEW_ENCRYPTION_MASTER_KEY,
    legacyMasterKey: e.ENCRYPTION_MASTER_KEY,
    auth: { jwtSecret: e.BYOK_JWT_SECRET, jwksUrl: e.BYOK_JWKS_URL, adminToken: e.BYOK_ADMIN_TOKEN },
    jwtSecretSource: e.BYOK_JWT_SECRET ? 'env' : 'none',
    dashboardDir: e.BYOK_DASHBOARD_DIR ? resolve(e.BYOK_DASHBOARD_DIR) : DEFAULT_DASHBOARD_DIR,
    cacheTtl: e.BYOK_CACHE_TTL,
    validationTimeout: e.BYOK_VALIDATION_TIMEOUT,
    keyRotationDays: e.BYOK_KEY_ROTATION_DAYS,
    auditRetentionDays: e.BYOK_AUDIT_RETENTION_DAYS,
    enableAudit: e.BYOK_ENABLE_AUDIT,
    enableValidation: e.BYOK_ENABLE_VALIDATION,
    enableFallback: e.BYOK_ENABLE_FALLBACK,
    enableAnalytics: e.BYOK_ENABLE_ANALYTICS,
    logLevel: e.BYOK_LOG_LEVEL ?? (e.BYOK_DEBUG ? 'debug' : 'info'),
    basePath: e.BYOK_BASE_PATH,
    rateLimitWritesPerMinute: e.BYOK_RATE_LIMIT_WRITES_PER_MINUTE,
    rateLimitReadsPerMinute: e.BYOK_RATE_LIMIT_READS_PER_MINUTE,
    rateLimitAuthFailuresPerMinute: e.BYOK_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    rateLimitAuthFailuresPerToken: e.BYOK_RATE_LIMIT_AUTH_FAILURES_PER_TOKEN,
    allowLegacyCiphertext: e.BYOK_ALLOW_LEGACY_CIPHERTEXT,
    quotas: {
      maxKeysPerOwner: e.BYOK_MAX_KEYS_PER_OWNER,
      maxWorkspacesPerUser: e.BYOK_MAX_WORKSPACES_PER_USER,
      maxMembersPerWorkspace: e.BYOK_MAX_MEMBERS_PER_WORKSPACE,
      maxKeysPerValidateAll: e.BYOK_MAX_KEYS_PER_VALIDATE_ALL,
    },
    trustProxy: e.BYOK_TRUST_PROXY,
    enabledProviders: enabled as ProviderType[] | undefined,
    providerBaseUrls,
  };
}

/**
 * `packages/byok-ui/dist-app`, found from this file: `apps/byok-server/{src,dist}/config.*` sits
 * three levels below the repository root, in the source tree, a build and the Docker image alike.
 */
export const DEFAULT_DASHBOARD_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../packages/byok-ui/dist-app',
);

/** Path of the development master key inside the data folder. */
export const devMasterKeyPath = (dataDir: string): string => join(dataDir, 'master.key');

/** Path of the development JWT secret inside the data folder. */
export const devJwtSecretPath = (dataDir: string): string => join(dataDir, 'jwt.secret');

/**
 * Reads a secret from a file in the data folder, or creates it there (mode 0600, exclusively, so
 * that two processes starting at once agree on one value). A looser mode is tightened.
 */
async function readOrCreateSecret(
  dataDir: string,
  path: string,
  generate: () => string,
): Promise<{ value: string; created: boolean }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    const value = (await readFile(path, 'utf8')).trim();
    if ((await stat(path)).mode & 0o077) await chmod(path, 0o600);
    return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = generate();
  try {
    await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  } catch (writeError) {
    // Another process created it first: use theirs.
    if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
    return { value: (await readFile(path, 'utf8')).trim(), created: false };
  }
}

/**
 * Outside production with no `BYOK_JWT_SECRET`: reads `<dataDir>/jwt.secret`, or generates one
 * there (mode 0600), so that the dashboard's demo sign-in has something to sign with. Production
 * never generates one: there the host app's secret (or JWKS) is configured, or nothing is.
 */
export async function ensureJwtSecret(config: ServerConfig, logger: Logger): Promise<ServerConfig> {
  if (config.auth.jwtSecret !== undefined || config.production) return config;
  const path = devJwtSecretPath(config.dataDir);
  const { value, created } = await readOrCreateSecret(config.dataDir, path, () =>
    randomBytes(32).toString('base64url'),
  );
  logger.info(
    { path },
    `Development JWT secret ${created ? 'generated' : 'in use'} (${path}): tokens signed with it (the dashboard's demo sign-in) are accepted. Set BYOK_JWT_SECRET to your app's secret instead.`,
  );
  return { ...config, auth: { ...config.auth, jwtSecret: value }, jwtSecretSource: 'file' };
}

/**
 * Outside production with no master key: reads `<dataDir>/master.key`, or generates one there
 * (mode 0600) and says so loudly. In production with no key: starts anyway, loudly, and credential
 * routes answer 503 until a key is configured. A key that is set but too short is never replaced.
 */
export async function ensureMasterKey(given: ServerConfig, logger: Logger): Promise<ServerConfig> {
  const config = await resolveKeySources(given);
  if (config.encryptionKey !== undefined) {
    if (config.encryptionKey.length < 32) {
      logger.warn(
        'ENCRYPTION_MASTER_KEY not configured: the key given is shorter than 32 characters; credential operations will fail',
      );
    }
    return config;
  }
  if (config.production) {
    logger.warn(
      '!!! ENCRYPTION_MASTER_KEY not configured: set BYOK_ENCRYPTION_KEY (or ENCRYPTION_MASTER_KEY). The server runs, but /health/byok answers 503 and every credential operation fails until it is set !!!',
    );
    return config;
  }
  const path = devMasterKeyPath(config.dataDir);
  const { value: key, created } = await readOrCreateSecret(config.dataDir, path, () =>
    EncryptionService.generateMasterKey(),
  );
  logger.warn(
    { path },
    `!!! DEVELOPMENT MASTER KEY ${created ? 'GENERATED' : 'IN USE'}: no BYOK_ENCRYPTION_KEY is set, so credentials are encrypted with the key in ${path}. Losing that file loses every stored key. Never use this in production: set BYOK_ENCRYPTION_KEY (NODE_ENV=production never generates one) !!!`,
  );
  return { ...config, encryptionKey: key, encryptionKeySource: 'generated' };
}
