import type { z } from 'zod';
import { BYOKError, invalidInput } from '../errors/index.js';
import { KEY_FORMAT_ISSUE } from './key-format.js';
import { PROVIDERS } from './registry.js';
import type { KeyData, ProviderDefinition } from './types.js';
import { ProviderType } from './types.js';

export type {
  Classification,
  KeyData,
  OpenAICompatibleApi,
  ProviderCategory,
  ProviderDefinition,
  ProviderOutcome,
  ProviderRequest,
} from './types.js';
export { Environment, ProviderType } from './types.js';

const PROVIDER_IDS: ReadonlySet<string> = new Set(Object.values(ProviderType));

/** True when `value` is one of the supported provider wire names (`'openai'`, `'twilio'`, …). */
export function isProviderType(value: unknown): value is ProviderType {
  return typeof value === 'string' && PROVIDER_IDS.has(value);
}

/**
 * The definition of one provider.
 * @throws BYOKError `UNKNOWN_PROVIDER` for an id that is not a supported provider.
 * @example getProvider('openai').defaultBaseUrl // 'https://api.openai.com/v1'
 */
export function getProvider(id: string): ProviderDefinition {
  if (!isProviderType(id)) throw new BYOKError('UNKNOWN_PROVIDER', `Unknown provider "${id}"`);
  return PROVIDERS[id];
}

/** Every supported provider, in `ProviderType` order. */
export function listProviders(): ProviderDefinition[] {
  return Object.values(ProviderType).map((id) => PROVIDERS[id]);
}

// Field names come from the caller and could be a pasted key; only names that look like identifiers
// (letters and `_`, short) are shown. Credentials are long and nearly always contain digits.
const SAFE_FIELD_NAME = /^[A-Za-z_]{1,24}$/;

function fieldLabel(path: readonly PropertyKey[]): string {
  const name = path.map(String).join('.');
  return name === '' ? 'keyData' : `"${name}"`;
}

/** A message for one zod issue that names the field and never the value. */
function issueMessage(issue: z.core.$ZodIssue): string {
  const label = fieldLabel(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.path.length === 0) return 'keyData must be an object';
      return issue.input === undefined ? `${label} is required` : `${label} must be a string`;
    case 'too_small':
      return `${label} must not be empty`;
    case 'unrecognized_keys': {
      const names = issue.keys.filter((key) => SAFE_FIELD_NAME.test(key));
      const hidden = issue.keys.length - names.length;
      const listed = names.map((key) => `"${key}"`);
      if (hidden > 0) listed.push(hidden === 1 ? 'one more' : `${hidden} more`);
      return `Unknown field${issue.keys.length === 1 ? '' : 's'} in keyData: ${listed.join(', ')}`;
    }
    default:
      // Our own messages (refinements, regex messages) never contain the value.
      return issue.path.length === 0 ? issue.message : `${label}: ${issue.message}`;
  }
}

/**
 * Checks a credential against the provider's schema and returns it normalized (strings trimmed).
 * Format checks are lenient: they refuse only values that cannot be a key of that provider.
 * @throws BYOKError `INVALID_INPUT` for a wrong shape (missing, unknown or non-string fields),
 *   `INVALID_KEY_FORMAT` for a value that cannot be this provider's key, `UNKNOWN_PROVIDER`.
 *   Messages and details name fields, never values.
 * @example parseKeyData(ProviderType.OPENAI, { apiKey: ' sk-test123 ' }) // { apiKey: 'sk-test123' }
 */
export function parseKeyData(provider: ProviderType, keyData: unknown): KeyData {
  const definition = getProvider(provider);
  const result = definition.credentialSchema.safeParse(keyData);
  // Optional fields given as `undefined` are dropped: KeyData holds strings only.
  if (result.success)
    return Object.fromEntries(Object.entries(result.data).filter(([, value]) => value !== undefined));
  const issues = result.error.issues;
  const isFormat = (issue: z.core.$ZodIssue): boolean =>
    issue.code === 'custom' && issue.params?.kind === KEY_FORMAT_ISSUE;
  const shapeIssues = issues.filter((issue) => !isFormat(issue));
  const fields = [...new Set(issues.map((issue) => issue.path.map(String).join('.')).filter(Boolean))].filter(
    (name) => SAFE_FIELD_NAME.test(name),
  );
  if (shapeIssues.length > 0) {
    const message = `Invalid ${definition.displayName} credential: ${shapeIssues.map(issueMessage).join('; ')}`;
    throw invalidInput(message, { provider, fields });
  }
  const first = issues[0];
  throw new BYOKError(
    'INVALID_KEY_FORMAT',
    first?.message ?? `Invalid ${definition.displayName} key format`,
    {
      details: { provider, fields },
    },
  );
}

/**
 * A display hint for a credential: the known prefix and the last 4 characters of the provider's
 * display field (`sk-…abcd`, `sk-ant-…wxyz`, Twilio `AC…1234` from the Account SID, never the token).
 * Values shorter than 12 characters show only the prefix and `…`.
 */
export function maskKeyData(provider: ProviderType, keyData: KeyData): string {
  const definition = getProvider(provider);
  const value = (keyData[definition.maskField] ?? '').trim();
  const prefix = definition.keyPrefixes.find((candidate) => value.startsWith(candidate)) ?? '';
  if (value.length < 12) return `${prefix}…`;
  return `${prefix}…${value.slice(-4)}`;
}

/** The secret values of a credential (non-empty), for redaction of logs and messages. */
export function secretValues(provider: ProviderType, keyData: KeyData): string[] {
  const definition = getProvider(provider);
  return definition.secretFields
    .map((name) => keyData[name])
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/** Per-provider base URL overrides, as passed in library options. */
export type BaseUrlOverrides = Partial<Record<ProviderType, { baseUrl?: string }>>;

/**
 * The base URL to call a provider at: option override, else `BYOK_<PROVIDER>_BASE_URL` of the
 * given environment map (the configuration step folds the process's into the options), else the
 * provider's default. Never ends with a slash.
 * @throws BYOKError `INVALID_INPUT` when the chosen value is not an http(s) URL.
 * @example resolveBaseUrl(ProviderType.OPENAI, { openai: { baseUrl: fake.baseUrls.openai } })
 */
export function resolveBaseUrl(
  provider: ProviderType,
  overrides?: BaseUrlOverrides,
  env: Readonly<Record<string, string | undefined>> = {},
): string {
  const definition = getProvider(provider);
  const envName = baseUrlEnvVar(provider);
  const chosen = [overrides?.[provider]?.baseUrl, env[envName], definition.defaultBaseUrl]
    .map((value) => value?.trim())
    .find((value): value is string => value !== undefined && value !== '');
  const url = (chosen ?? definition.defaultBaseUrl).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/i.test(url) || !URL.canParse(url)) {
    throw invalidInput(`The ${definition.displayName} base URL must be an http(s) URL`, {
      provider,
      envVar: envName,
    });
  }
  return url;
}

/** The environment variable that overrides a provider's base URL, e.g. `BYOK_OPENAI_BASE_URL`. */
export function baseUrlEnvVar(provider: ProviderType): string {
  return `BYOK_${provider.toUpperCase()}_BASE_URL`;
}
