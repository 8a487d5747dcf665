import type { BYOKManagerOptions } from '../manager/options.js';
import { type KeyData, listProviders, type ProviderType, parseKeyData } from '../providers/index.js';

/** The environment variables a system (application-owned) credential is read from, field → variable. */
export const SYSTEM_KEY_ENV: Readonly<Record<ProviderType, Readonly<Record<string, string>>>> =
  Object.fromEntries(listProviders().map((provider) => [provider.id, provider.systemKeyEnv])) as Record<
    ProviderType,
    Readonly<Record<string, string>>
  >;

const present = (entries: [string, unknown][]): KeyData =>
  Object.fromEntries(
    entries.filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '',
    ),
  );

export type SystemKeyLookup =
  | { kind: 'none' }
  | { kind: 'ok'; keyData: KeyData; source: 'options' | 'env' }
  | { kind: 'malformed'; source: 'options' | 'env'; code: string };

/**
 * The application's own credential for a provider: `fallback.systemKeys[provider]` when it has a
 * value (the spec writes `{ apiKey: SYSTEM_OPENAI_KEY }` from the environment, which may be undefined), else
 * the one from the deployment's settings (the `SYSTEM_*` variables, see
 * `validationAndFallbackSettingsFromEnv`). A credential that cannot be this provider's is reported
 * as malformed (by error code only) and never used.
 */
export function systemKeyFor(
  provider: ProviderType,
  options: Pick<BYOKManagerOptions, 'fallback'> | undefined,
  fromSettings: Partial<Record<ProviderType, Partial<KeyData>>> | undefined,
): SystemKeyLookup {
  const configured: Partial<Record<string, Partial<KeyData> | undefined>> =
    options?.fallback?.systemKeys ?? {};
  const fromOptions = present(Object.entries(configured[provider] ?? {}));
  const fromEnv = present(Object.entries(fromSettings?.[provider] ?? {}));
  const source = Object.keys(fromOptions).length > 0 ? 'options' : 'env';
  const candidate = source === 'options' ? fromOptions : fromEnv;
  if (Object.keys(candidate).length === 0) return { kind: 'none' };
  try {
    return { kind: 'ok', keyData: parseKeyData(provider, candidate), source };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { kind: 'malformed', source, code: typeof code === 'string' ? code : 'INVALID_INPUT' };
  }
}
