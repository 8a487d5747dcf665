import type { CredentialField, EnvironmentName, KeyData, ProviderId, ProviderInfo } from './api/types.js';

/*
 * Format checks shown while the user types. They mirror the server's lenient rules
 * (packages/byok-core/src/providers/*.ts): they refuse only what cannot be a key of that provider
 * (wrong prefix, spaces inside, far too short, admin keys). The server checks again and the
 * provider's own answer is the authority; this only saves a round trip. Messages never echo the value.
 */

interface KeyShape {
  label: string;
  prefixes: readonly string[];
  pattern: RegExp;
  expected: string;
  refused?: readonly { prefix: string; reason: string }[];
}

const sk = (label: string, prefix: string, body = '[A-Za-z0-9_-]'): KeyShape => ({
  label,
  prefixes: [prefix],
  pattern: new RegExp(`^${prefix}${body}{6,}$`),
  expected: `${prefix} followed by at least 6 ${body === '[A-Za-z0-9]' ? 'letters or digits' : 'letters, digits, _ or -'}, without spaces`,
});

const token = (label: string): KeyShape => ({
  label,
  prefixes: [],
  pattern: /^[A-Za-z0-9]{16,}$/,
  expected: 'at least 16 letters or digits, without spaces',
});

const SHAPES: Partial<Record<ProviderId, Record<string, KeyShape>>> = {
  openai: {
    apiKey: {
      ...sk('an OpenAI API key', 'sk-'),
      refused: [
        {
          prefix: 'sk-admin-',
          reason:
            'This is an OpenAI admin key (sk-admin-…), which cannot call models; use a project or user API key',
        },
      ],
    },
  },
  anthropic: {
    apiKey: {
      ...sk('an Anthropic API key', 'sk-ant-'),
      refused: [
        {
          prefix: 'sk-ant-admin',
          reason:
            'This is an Anthropic Admin API key (sk-ant-admin…), which cannot call models; use an API key',
        },
      ],
    },
  },
  gemini: {
    apiKey: {
      label: 'a Google Gemini API key',
      prefixes: [],
      pattern: /^(?:AIza[A-Za-z0-9_-]{6,}|AQ\.[A-Za-z0-9._-]{6,}|[A-Za-z0-9._-]{20,})$/,
      expected: 'AIza…, AQ.… or a token of at least 20 letters, digits, ".", "_" or "-", without spaces',
    },
  },
  deepseek: { apiKey: sk('a DeepSeek API key', 'sk-', '[A-Za-z0-9]') },
  openrouter: { apiKey: sk('an OpenRouter API key', 'sk-or-') },
  deepgram: {
    apiKey: {
      label: 'a Deepgram API key',
      prefixes: [],
      pattern: /^[A-Za-z0-9_.-]{20,}$/,
      expected: 'at least 20 letters, digits, ".", "_" or "-", without spaces',
    },
  },
  twilio: {
    accountSid: {
      label: 'a Twilio Account SID',
      prefixes: ['AC'],
      pattern: /^AC[0-9a-fA-F]{32}$/,
      expected: 'AC followed by 32 hexadecimal characters',
    },
    authToken: token('a Twilio Auth Token'),
    apiKeySid: {
      label: 'a Twilio API Key SID',
      prefixes: ['SK'],
      pattern: /^SK[0-9a-fA-F]{32}$/,
      expected: 'SK followed by 32 hexadecimal characters',
    },
    apiKeySecret: token('a Twilio API key secret'),
  },
};

/** Non-secret settings: one word, or a Twilio region/edge name. */
const SETTING_RULES: Record<string, { pattern: RegExp; message: string }> = {
  organization: { pattern: /^\S{1,200}$/, message: 'Organization must be a single word without spaces' },
  project: { pattern: /^\S{1,200}$/, message: 'Project must be a single word without spaces' },
  region: {
    pattern: /^[a-z0-9-]{2,32}$/,
    message: 'Must be a Twilio region or edge name such as us1, ie1 or dublin',
  },
  edge: {
    pattern: /^[a-z0-9-]{2,32}$/,
    message: 'Must be a Twilio region or edge name such as us1, ie1 or dublin',
  },
};

/** Hints under the fields, so that the user knows what to paste. */
const PLACEHOLDERS: Record<string, string> = {
  'openai.apiKey': 'sk-proj-…',
  'anthropic.apiKey': 'sk-ant-…',
  'gemini.apiKey': 'AIza…',
  'deepseek.apiKey': 'sk-…',
  'openrouter.apiKey': 'sk-or-…',
  'twilio.accountSid': 'AC…',
  'twilio.apiKeySid': 'SK…',
  'openai.organization': 'org-…',
  'openai.project': 'proj_…',
};

/** Fields kept behind "More options" because most people never need them. */
const ADVANCED: Record<string, readonly string[]> = {
  openai: ['organization', 'project'],
  twilio: ['apiKeySid', 'apiKeySecret', 'region', 'edge'],
};

const FIELD_LABELS: Record<string, string> = {
  apiKey: 'API key',
  organization: 'Organization ID',
  project: 'Project ID',
  accountSid: 'Account SID',
  authToken: 'Auth Token',
  apiKeySid: 'API key SID',
  apiKeySecret: 'API key secret',
  region: 'Region',
  edge: 'Edge location',
};

/** Used when the server's provider list cannot be had (and in tests): the providers byok-core ships. */
export const DEFAULT_PROVIDERS: readonly ProviderInfo[] = [
  ai('openai', 'OpenAI', [
    f('apiKey', true, true),
    f('organization', false, false),
    f('project', false, false),
  ]),
  ai('anthropic', 'Anthropic (Claude)', [f('apiKey', true, true)]),
  ai('gemini', 'Google Gemini', [f('apiKey', true, true)]),
  ai('deepseek', 'DeepSeek', [f('apiKey', true, true)]),
  ai('openrouter', 'OpenRouter', [f('apiKey', true, true)]),
  { id: 'deepgram', displayName: 'Deepgram', category: 'voice', credentialFields: [f('apiKey', true, true)] },
  {
    id: 'twilio',
    displayName: 'Twilio',
    category: 'telephony',
    credentialFields: [
      f('accountSid', false, true),
      f('authToken', true, false),
      f('apiKeySid', false, false),
      f('apiKeySecret', true, false),
      f('region', false, false),
      f('edge', false, false),
    ],
  },
];

function f(name: string, secret: boolean, required: boolean): CredentialField {
  return { name, label: FIELD_LABELS[name] ?? name, secret, required };
}

function ai(id: ProviderId, displayName: string, fields: CredentialField[]): ProviderInfo {
  return { id, displayName, category: 'ai', credentialFields: fields };
}

export const ENVIRONMENTS: readonly { id: EnvironmentName; label: string }[] = [
  { id: 'production', label: 'Production' },
  { id: 'staging', label: 'Staging' },
  { id: 'development', label: 'Development' },
];

export function environmentLabel(environment: string): string {
  return ENVIRONMENTS.find((env) => env.id === environment)?.label ?? environment;
}

/** A credential field as the form shows it. */
export interface FormField extends CredentialField {
  placeholder?: string;
  advanced: boolean;
}

/** The fields of a provider for a form: the server's list, with placeholders and grouping added. */
export function formFields(provider: ProviderInfo): FormField[] {
  const advanced = ADVANCED[provider.id] ?? [];
  return provider.credentialFields.map((field) => {
    const placeholder = PLACEHOLDERS[`${provider.id}.${field.name}`];
    return {
      ...field,
      // The server labels `authToken` "Auth token"; Twilio's console says "Auth Token".
      label: field.name === 'authToken' ? 'Auth Token' : field.label,
      advanced: advanced.includes(field.name),
      ...(placeholder ? { placeholder } : {}),
    };
  });
}

/** The problem with one field's value as typed, or undefined when it could be right. Never echoes it. */
export function fieldProblem(provider: string, field: string, raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  const shape = SHAPES[provider as ProviderId]?.[field];
  if (shape) {
    for (const refused of shape.refused ?? []) {
      if (value.startsWith(refused.prefix)) return refused.reason;
    }
    if (shape.prefixes.length > 0 && !shape.prefixes.some((prefix) => value.startsWith(prefix))) {
      return `This does not look like ${shape.label} (expected it to start with ${shape.prefixes.join(' or ')})`;
    }
    if (!shape.pattern.test(value))
      return `This does not look like ${shape.label} (expected ${shape.expected})`;
    return undefined;
  }
  const setting = SETTING_RULES[field];
  if (setting && !setting.pattern.test(value)) return setting.message;
  return undefined;
}

/**
 * Whether a field must be filled given the others. Twilio takes an Auth Token, or an API key SID
 * and secret instead (the server's rule).
 */
export function isFieldRequired(provider: string, field: FormField, values: KeyData): boolean {
  if (provider === 'twilio') {
    const usesApiKey = Boolean(values.apiKeySid?.trim() || values.apiKeySecret?.trim());
    if (field.name === 'authToken') return !usesApiKey;
    if (field.name === 'apiKeySid' || field.name === 'apiKeySecret') return usesApiKey;
  }
  return field.required;
}

/** Problems of a whole credential (required fields, formats, combinations): field → message. */
export function credentialProblems(
  provider: string,
  fields: FormField[],
  values: KeyData,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name] ?? '';
    if (value.trim() === '') {
      if (isFieldRequired(provider, field, values)) problems[field.name] = `${field.label} is required`;
      continue;
    }
    const problem = fieldProblem(provider, field.name, value);
    if (problem) problems[field.name] = problem;
  }
  if (
    provider === 'twilio' &&
    values.authToken?.trim() &&
    (values.apiKeySid?.trim() || values.apiKeySecret?.trim())
  ) {
    problems.authToken = 'Give either an Auth Token or an API key SID and secret, not both';
  }
  return problems;
}

/** The credential to send: trimmed, empty fields left out. */
export function cleanKeyData(values: KeyData): KeyData {
  const out: KeyData = {};
  for (const [name, value] of Object.entries(values)) {
    const trimmed = value.trim();
    if (trimmed !== '') out[name] = trimmed;
  }
  return out;
}

export function providerName(providers: readonly ProviderInfo[] | undefined, id: string): string {
  return (providers ?? DEFAULT_PROVIDERS).find((p) => p.id === id)?.displayName ?? id;
}
