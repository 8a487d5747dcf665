import { describe, expect, it } from 'vitest';
import { isBYOKError } from '../errors/index.js';
import {
  getProvider,
  isProviderType,
  listProviders,
  maskKeyData,
  ProviderType,
  parseKeyData,
  resolveBaseUrl,
  secretValues,
} from './index.js';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const KEY_SID = `SK${'fedcba9876543210'.repeat(2)}`;
const TOKEN = `${'f'.repeat(28)}9a8b`;

/** Runs `fn`, expecting a BYOKError; returns it. */
function caught(fn: () => unknown): { code: string; message: string; details: unknown } {
  try {
    fn();
  } catch (error) {
    if (isBYOKError(error)) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected a BYOKError');
}

interface Case {
  provider: ProviderType;
  accepted: Record<string, string>[];
  /** Values that cannot be keys of this provider → INVALID_KEY_FORMAT. */
  refused: Record<string, string>[];
  mask: [Record<string, string>, string][];
}

const cases: Case[] = [
  {
    provider: ProviderType.OPENAI,
    accepted: [
      { apiKey: 'sk-test123' },
      { apiKey: `sk-proj-${'A1b2_C3-d4'.repeat(15)}T3BlbkFJ${'x'.repeat(20)}` },
      { apiKey: `sk-svcacct-${'a'.repeat(40)}`, organization: 'org-abc', project: 'proj_123' },
    ],
    refused: [
      { apiKey: 'hello world' },
      { apiKey: 'sk-abc' },
      { apiKey: 'sk-test 123456' },
      { apiKey: `sk-admin-${'a'.repeat(40)}` },
      { apiKey: `AIza${'a'.repeat(35)}` },
    ],
    mask: [
      [{ apiKey: `sk-${'q'.repeat(40)}abcd` }, 'sk-…abcd'],
      [{ apiKey: `sk-proj-${'q'.repeat(40)}wxyz` }, 'sk-proj-…wxyz'],
      [{ apiKey: 'sk-test123' }, 'sk-…'],
    ],
  },
  {
    provider: ProviderType.ANTHROPIC,
    accepted: [{ apiKey: 'sk-ant-test123' }, { apiKey: `sk-ant-api03-${'Ab_-'.repeat(23)}AA` }],
    refused: [
      { apiKey: 'sk-test123456789' },
      { apiKey: `sk-ant-admin01-${'a'.repeat(80)}` },
      { apiKey: 'sk-ant-x y z 123' },
    ],
    mask: [
      [{ apiKey: `sk-ant-api03-${'q'.repeat(80)}wxyz` }, 'sk-ant-…wxyz'],
      [{ apiKey: 'sk-ant-abc' }, 'sk-ant-…'],
    ],
  },
  {
    provider: ProviderType.GEMINI,
    accepted: [
      { apiKey: `AIzaSy${'a'.repeat(33)}` },
      { apiKey: 'AIzaTest123' },
      { apiKey: `AQ.Ab8RN6${'x_.-'.repeat(10)}` },
      { apiKey: `${'z'.repeat(30)}.opaque-future_format` },
    ],
    refused: [{ apiKey: 'AIza 123456789' }, { apiKey: 'short' }, { apiKey: 'not a key at all, clearly' }],
    mask: [
      [{ apiKey: `AIzaSy${'a'.repeat(29)}1234` }, 'AIza…1234'],
      [{ apiKey: `AQ.${'b'.repeat(30)}9876` }, 'AQ.…9876'],
      [{ apiKey: `${'c'.repeat(30)}5555` }, '…5555'],
    ],
  },
  {
    provider: ProviderType.DEEPSEEK,
    accepted: [{ apiKey: 'sk-test123' }, { apiKey: `sk-${'0123456789abcdef'.repeat(2)}` }],
    refused: [{ apiKey: 'sk-te-st-123' }, { apiKey: 'ds-123456789' }, { apiKey: 'sk-12' }],
    mask: [[{ apiKey: `sk-${'0123456789abcdef'.repeat(2)}` }, 'sk-…cdef']],
  },
  {
    provider: ProviderType.OPENROUTER,
    accepted: [{ apiKey: 'sk-or-test123' }, { apiKey: `sk-or-v1-${'0123456789abcdef'.repeat(4)}` }],
    refused: [{ apiKey: 'sk-test123456' }, { apiKey: 'sk-or-v1 abcdefgh' }],
    mask: [[{ apiKey: `sk-or-v1-${'0123456789abcdef'.repeat(4)}` }, 'sk-or-v1-…cdef']],
  },
  {
    provider: ProviderType.DEEPGRAM,
    accepted: [{ apiKey: 'a'.repeat(40) }, { apiKey: `dg_${'b'.repeat(30)}` }],
    refused: [{ apiKey: 'tooshort' }, { apiKey: `${'a'.repeat(20)} ${'b'.repeat(20)}` }],
    mask: [[{ apiKey: `${'e'.repeat(36)}4321` }, '…4321']],
  },
  {
    provider: ProviderType.TWILIO,
    accepted: [
      { accountSid: SID, authToken: TOKEN },
      { accountSid: SID, apiKeySid: KEY_SID, apiKeySecret: 'S'.repeat(32), region: 'ie1', edge: 'dublin' },
    ],
    refused: [
      { accountSid: 'AC123', authToken: TOKEN },
      { accountSid: KEY_SID, authToken: TOKEN },
      { accountSid: SID, authToken: 'short' },
      { accountSid: SID, apiKeySid: SID, apiKeySecret: 'S'.repeat(32) },
    ],
    mask: [[{ accountSid: SID, authToken: TOKEN }, 'AC…cdef']],
  },
];

function secretsOf(provider: ProviderType, keyData: Record<string, string>): string[] {
  return getProvider(provider).secretFields.flatMap((name) => (keyData[name] ? [keyData[name]] : []));
}

describe.each(cases)('$provider credentials', ({ provider, accepted, refused, mask }) => {
  it.each(accepted)('accepts %o', (keyData) => {
    expect(parseKeyData(provider, keyData)).toEqual(keyData);
  });

  it('trims whitespace around values', () => {
    const first = accepted[0]!;
    const padded = Object.fromEntries(Object.entries(first).map(([k, v]) => [k, `  ${v}\n`]));
    expect(parseKeyData(provider, padded)).toEqual(first);
  });

  it.each(refused)('refuses %o as INVALID_KEY_FORMAT without echoing it', (keyData) => {
    const error = caught(() => parseKeyData(provider, keyData));
    expect(error.code).toBe('INVALID_KEY_FORMAT');
    expect(error.message).toMatch(/does not look like|This is an/);
    for (const value of Object.values(keyData)) {
      expect(error.message).not.toContain(value);
      expect(JSON.stringify(error.details)).not.toContain(value);
    }
  });

  it('refuses unknown fields, missing fields and wrong types as INVALID_INPUT', () => {
    const first = accepted[0]!;
    const unknown = caught(() => parseKeyData(provider, { ...first, extra: 'x' }));
    expect(unknown.code).toBe('INVALID_INPUT');
    expect(unknown.message).toContain('"extra"');

    const mainField = getProvider(provider).secretFields[0]!;
    const missing = caught(() => parseKeyData(provider, { ...first, [mainField]: undefined }));
    expect(missing.code).toBe('INVALID_INPUT');

    const wrongType = caught(() => parseKeyData(provider, { ...first, [mainField]: 42 }));
    expect(wrongType.code).toBe('INVALID_INPUT');
    expect(wrongType.message).toContain(`"${mainField}"`);

    expect(caught(() => parseKeyData(provider, 'sk-raw-string')).code).toBe('INVALID_INPUT');
    expect(caught(() => parseKeyData(provider, null)).code).toBe('INVALID_INPUT');
  });

  it('never puts a secret in an INVALID_INPUT message', () => {
    const first = accepted[0]!;
    const secrets = secretsOf(provider, first);
    const error = caught(() => parseKeyData(provider, { ...first, [secrets[0] ?? 'x']: 'oops' }));
    expect(error.code).toBe('INVALID_INPUT');
    for (const secret of secrets) expect(error.message).not.toContain(secret);
  });

  it.each(mask)('masks %o as %s', (keyData, expected) => {
    expect(maskKeyData(provider, keyData)).toBe(expected);
  });

  it('never shows more than 4 trailing characters of a secret', () => {
    for (const keyData of accepted) {
      const hint = maskKeyData(provider, keyData);
      const tail = hint.split('…')[1] ?? '';
      expect(tail.length).toBeLessThanOrEqual(4);
      for (const secret of secretsOf(provider, keyData)) {
        if (provider === ProviderType.TWILIO) expect(hint).not.toContain(secret.slice(-4));
        expect(hint).not.toContain(secret);
      }
    }
  });

  it('lists the secret values', () => {
    const first = accepted[0]!;
    expect(secretValues(provider, first)).toEqual(secretsOf(provider, first));
  });
});

describe('Twilio credential combinations', () => {
  it.each([
    [{ accountSid: SID }, 'authToken'],
    [{ accountSid: SID, apiKeySid: KEY_SID }, 'apiKeySecret'],
    [{ accountSid: SID, apiKeySecret: 'S'.repeat(32) }, 'apiKeySid'],
    [{ accountSid: SID, authToken: TOKEN, apiKeySid: KEY_SID, apiKeySecret: 'S'.repeat(32) }, 'not both'],
  ])('refuses %o as INVALID_INPUT naming %s', (keyData, named) => {
    const error = caught(() => parseKeyData(ProviderType.TWILIO, keyData));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(named);
  });

  it('lists token and API key secret as secrets, never the SIDs', () => {
    const keyData = { accountSid: SID, apiKeySid: KEY_SID, apiKeySecret: 'S'.repeat(32) };
    expect(secretValues(ProviderType.TWILIO, keyData)).toEqual(['S'.repeat(32)]);
  });
});

describe('registry', () => {
  it('lists every ProviderType once, each with a default base URL without trailing slash', () => {
    const ids = listProviders().map((provider) => provider.id);
    expect(ids).toEqual(Object.values(ProviderType));
    for (const provider of listProviders()) expect(provider.defaultBaseUrl).not.toMatch(/\/$/);
  });

  it('finds providers by wire name and refuses unknown ones', () => {
    expect(getProvider('anthropic').displayName).toBe('Anthropic');
    const error = caught(() => getProvider('acme'));
    expect(error.code).toBe('UNKNOWN_PROVIDER');
    expect(error.message).toBe('Unknown provider "acme"');
    expect(caught(() => parseKeyData('nope' as ProviderType, {})).code).toBe('UNKNOWN_PROVIDER');
  });

  it('recognizes provider types', () => {
    expect(isProviderType('twilio')).toBe(true);
    expect(isProviderType('OPENAI')).toBe(false);
    expect(isProviderType(undefined)).toBe(false);
  });
});

describe('resolveBaseUrl', () => {
  it('prefers the option override, then BYOK_<PROVIDER>_BASE_URL, then the default; strips trailing slashes', () => {
    const env = { BYOK_OPENAI_BASE_URL: 'http://env.test/v1/', BYOK_DEEPGRAM_BASE_URL: 'http://dg.test' };
    expect(resolveBaseUrl(ProviderType.OPENAI, { openai: { baseUrl: 'http://opt.test/x//' } }, env)).toBe(
      'http://opt.test/x',
    );
    expect(resolveBaseUrl(ProviderType.OPENAI, {}, env)).toBe('http://env.test/v1');
    expect(resolveBaseUrl(ProviderType.OPENAI, { openai: {} }, env)).toBe('http://env.test/v1');
    expect(resolveBaseUrl(ProviderType.DEEPGRAM, undefined, env)).toBe('http://dg.test');
    expect(resolveBaseUrl(ProviderType.ANTHROPIC, undefined, env)).toBe('https://api.anthropic.com');
    expect(resolveBaseUrl(ProviderType.TWILIO, undefined, {})).toBe('https://api.twilio.com/2010-04-01');
    expect(resolveBaseUrl(ProviderType.OPENROUTER, undefined, { BYOK_OPENROUTER_BASE_URL: '' })).toBe(
      'https://openrouter.ai/api/v1',
    );
  });

  it('refuses a value that is not an http(s) URL', () => {
    const error = caught(() => resolveBaseUrl(ProviderType.GEMINI, { gemini: { baseUrl: 'ftp://x' } }, {}));
    expect(error.code).toBe('INVALID_INPUT');
  });
});
