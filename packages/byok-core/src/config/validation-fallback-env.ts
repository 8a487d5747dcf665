import { invalidInput } from '../errors/index.js';
import { SYSTEM_KEY_ENV } from '../fallback/system-keys.js';
import type { FallbackSettings } from '../fallback/types.js';
import { baseUrlEnvVar, type KeyData, ProviderType } from '../providers/index.js';
import type { ValidationSettings } from '../validation/types.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What the environment says about validation and fallback, as the two services' typed settings. */
export interface ValidationAndFallbackSettings {
  validation: ValidationSettings;
  fallback: FallbackSettings;
}

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * Reads the validation and fallback variables once, at the edge:
 * - `BYOK_VALIDATION_TIMEOUT` (ms) → `validation.timeoutMs`;
 * - `BYOK_ENABLE_VALIDATION=false` → `validation.enabled: false`;
 * - `BYOK_<PROVIDER>_BASE_URL` → `validation.baseUrls` (under the `providers` option overrides);
 * - `BYOK_ENABLE_FALLBACK=false` → `fallback.systemFallbackAllowed: false`;
 * - `SYSTEM_<PROVIDER>_KEY` (Twilio: `SYSTEM_TWILIO_ACCOUNT_SID` + `_AUTH_TOKEN`) → `fallback.systemKeys`
 *   (under the `fallback.systemKeys` option).
 * Variables that are not set give no setting, so the services keep their defaults.
 * @throws BYOKError `INVALID_INPUT` when `BYOK_VALIDATION_TIMEOUT` is not a positive number.
 * @example
 * const settings = validationAndFallbackSettingsFromEnv(process.env);
 */
export function validationAndFallbackSettingsFromEnv(env: Env): ValidationAndFallbackSettings {
  const validation: ValidationSettings = {};
  const timeout = env.BYOK_VALIDATION_TIMEOUT;
  if (set(timeout)) {
    const ms = Number(timeout);
    if (!Number.isFinite(ms) || ms <= 0) {
      throw invalidInput('BYOK_VALIDATION_TIMEOUT must be a positive number of milliseconds', {
        field: 'BYOK_VALIDATION_TIMEOUT',
      });
    }
    validation.timeoutMs = ms;
  }
  if (env.BYOK_ENABLE_VALIDATION === 'false') validation.enabled = false;
  const baseUrls: Partial<Record<ProviderType, string>> = {};
  for (const provider of Object.values(ProviderType)) {
    const url = env[baseUrlEnvVar(provider)];
    if (set(url)) baseUrls[provider] = url;
  }
  if (Object.keys(baseUrls).length > 0) validation.baseUrls = baseUrls;

  const fallback: FallbackSettings = {};
  if (env.BYOK_ENABLE_FALLBACK === 'false') fallback.systemFallbackAllowed = false;
  const systemKeys: Partial<Record<ProviderType, Partial<KeyData>>> = {};
  for (const provider of Object.values(ProviderType)) {
    const fields: Partial<KeyData> = {};
    for (const [field, name] of Object.entries(SYSTEM_KEY_ENV[provider])) {
      const value = env[name];
      if (set(value)) fields[field] = value;
    }
    if (Object.keys(fields).length > 0) systemKeys[provider] = fields;
  }
  if (Object.keys(systemKeys).length > 0) fallback.systemKeys = systemKeys;
  return { validation, fallback };
}
