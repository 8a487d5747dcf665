import { describe, expect, it } from 'vitest';
import {
  cleanKeyData,
  credentialProblems,
  DEFAULT_PROVIDERS,
  fieldProblem,
  formFields,
} from './credentials.js';

// byok-core is loaded by a computed name so that this package's type check does not compile the
// server's sources (the UI does not depend on byok-core; only this test compares against it).
interface CoreProviders {
  getProvider(id: string): {
    credentialSchema: { safeParse(value: unknown): { success: boolean }; shape?: Record<string, unknown> };
  };
}
const corePackage = '@stack-2025/byok-core';
const { getProvider } = (await import(/* @vite-ignore */ corePackage)) as CoreProviders;
type ProviderType = 'openai' | 'anthropic' | 'gemini' | 'deepseek' | 'openrouter' | 'deepgram' | 'twilio';
const ProviderType = {
  OPENAI: 'openai',
  ANTHROPIC: 'anthropic',
  GEMINI: 'gemini',
  DEEPSEEK: 'deepseek',
  OPENROUTER: 'openrouter',
  DEEPGRAM: 'deepgram',
  TWILIO: 'twilio',
} as const satisfies Record<string, ProviderType>;

/*
 * The live format check in the form mirrors the server's rules. These cases run through both and
 * must agree: a value the UI flags must be refused by the server, and the other way round.
 */
const HEX32 = '0123456789abcdef0123456789abcdef';
const CASES: [ProviderType, string, string][] = [
  [ProviderType.OPENAI, 'apiKey', 'sk-proj-abcdef123456'],
  [ProviderType.OPENAI, 'apiKey', 'sk-abcdef'],
  [ProviderType.OPENAI, 'apiKey', 'sk-abc'],
  [ProviderType.OPENAI, 'apiKey', 'pk-abcdef123456'],
  [ProviderType.OPENAI, 'apiKey', 'sk-admin-abcdef123456'],
  [ProviderType.OPENAI, 'apiKey', 'sk-proj-abc def123'],
  [ProviderType.ANTHROPIC, 'apiKey', 'sk-ant-api03-abcdefgh'],
  [ProviderType.ANTHROPIC, 'apiKey', 'sk-ant-admin01-abcdefgh'],
  [ProviderType.ANTHROPIC, 'apiKey', 'sk-proj-abcdefgh'],
  [ProviderType.GEMINI, 'apiKey', 'AIzaSyA-1234567890'],
  [ProviderType.GEMINI, 'apiKey', 'AQ.abcdefgh'],
  [ProviderType.GEMINI, 'apiKey', 'short'],
  [ProviderType.GEMINI, 'apiKey', 'abcdefghijklmnopqrstuvwxyz'],
  [ProviderType.DEEPSEEK, 'apiKey', 'sk-abcdef0123'],
  [ProviderType.DEEPSEEK, 'apiKey', 'sk-abc_def0123'],
  [ProviderType.OPENROUTER, 'apiKey', 'sk-or-v1-abcdef'],
  [ProviderType.OPENROUTER, 'apiKey', 'sk-abcdef'],
  [ProviderType.DEEPGRAM, 'apiKey', 'a'.repeat(40)],
  [ProviderType.DEEPGRAM, 'apiKey', 'a'.repeat(10)],
];

const serverAccepts = (provider: ProviderType, keyData: Record<string, string>): boolean =>
  getProvider(provider).credentialSchema.safeParse(keyData).success;

describe('live format checks', () => {
  it.each(CASES)('%s %s %s: the UI and the server agree', (provider, field, value) => {
    const serverOk = serverAccepts(provider, { [field]: value });
    expect(fieldProblem(provider, field, value) === undefined).toBe(serverOk);
  });

  it.each([
    [{ accountSid: `AC${HEX32}`, authToken: 'f'.repeat(32) }],
    [{ accountSid: `AC${HEX32}`, authToken: 'short' }],
    [{ accountSid: `XX${HEX32}`, authToken: 'f'.repeat(32) }],
    [{ accountSid: `AC${HEX32}` }],
    [{ accountSid: `AC${HEX32}`, apiKeySid: `SK${HEX32}`, apiKeySecret: 'a'.repeat(32) }],
    [{ accountSid: `AC${HEX32}`, apiKeySid: `SK${HEX32}` }],
    [
      {
        accountSid: `AC${HEX32}`,
        authToken: 'f'.repeat(32),
        apiKeySid: `SK${HEX32}`,
        apiKeySecret: 'a'.repeat(32),
      },
    ],
    [{ accountSid: `AC${HEX32}`, authToken: 'f'.repeat(32), region: 'ie1', edge: 'dublin' }],
    [{ accountSid: `AC${HEX32}`, authToken: 'f'.repeat(32), region: 'IE 1' }],
  ])('Twilio %j: the UI and the server agree', (keyData: Record<string, string>) => {
    const serverOk = serverAccepts(ProviderType.TWILIO, keyData);
    const twilio = DEFAULT_PROVIDERS.find((p) => p.id === 'twilio');
    const problems = credentialProblems('twilio', formFields(twilio as never), keyData);
    expect(Object.keys(problems).length === 0).toBe(serverOk);
  });

  it('never puts the value in a message', () => {
    const value = 'sk-admin-SECRETVALUE123';
    expect(fieldProblem('openai', 'apiKey', value)).not.toContain('SECRETVALUE');
    expect(fieldProblem('gemini', 'apiKey', 'x SECRET y')).not.toContain('SECRET');
  });

  it('knows every credential field the server defines', () => {
    for (const provider of DEFAULT_PROVIDERS) {
      const shape = (
        getProvider(provider.id).credentialSchema as unknown as { shape?: Record<string, unknown> }
      ).shape;
      const serverFields = Object.keys(shape ?? {}).sort();
      expect(provider.credentialFields.map((f) => f.name).sort(), provider.id).toEqual(serverFields);
    }
  });

  it('trims values and drops empty ones before sending', () => {
    expect(cleanKeyData({ apiKey: '  sk-x ', organization: '  ' })).toEqual({ apiKey: 'sk-x' });
  });
});
