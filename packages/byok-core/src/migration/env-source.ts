import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { type KeyData, listProviders, type ProviderType } from '../providers/index.js';

/** Extra variable names providers' own SDKs read, tried after the canonical one. */
const ALIASES: Partial<Record<ProviderType, Record<string, readonly string[]>>> = {
  // Google's SDK reads both; when both are set GOOGLE_API_KEY wins, so it is tried first.
  gemini: { apiKey: ['GOOGLE_API_KEY'] },
};

export interface EnvCredential {
  provider: ProviderType;
  keyData: KeyData;
  /** The variable names the credential came from (never their values). */
  variables: string[];
  source: 'environment' | 'file';
}

/** Reads a `.env` file with Node's own parser. */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  return parseEnv(await readFile(path, 'utf8')) as Record<string, string>;
}

/**
 * Finds provider credentials by the providers' usual variable names. A provider is found when every
 * required field is set; a `.env` file's values win over the process environment.
 */
export function findEnvCredentials(
  sources: { env: Record<string, string | undefined>; file?: Record<string, string> | undefined },
  providers?: readonly ProviderType[],
): EnvCredential[] {
  const found: EnvCredential[] = [];
  for (const definition of listProviders()) {
    if (providers && !providers.includes(definition.id)) continue;
    const keyData: KeyData = {};
    const variables: string[] = [];
    let fromFile = false;
    for (const [field, canonical] of Object.entries(definition.envVars)) {
      const names = [...(ALIASES[definition.id]?.[field] ?? []), canonical];
      for (const name of names) {
        const fileValue = sources.file?.[name]?.trim();
        const value = fileValue || sources.env[name]?.trim();
        if (!value) continue;
        keyData[field] = value;
        variables.push(name);
        fromFile ||= Boolean(fileValue);
        break;
      }
    }
    const hasSecret = definition.secretFields.some((field) => keyData[field]);
    if (hasSecret)
      found.push({ provider: definition.id, keyData, variables, source: fromFile ? 'file' : 'environment' });
  }
  return found;
}
