import { expect } from 'vitest';
import { type KeyData, ProviderType, secretValues } from '../src/providers/index.js';
import type { FakeProviders, RecordedRequest } from '../src/testing/fake-providers.js';

export const TWILIO_SID = `AC${'0a1b2c3d4e5f6789'.repeat(2)}`;

let counter = 0;
/** A unique suffix so no two tests share a key (behaviours are per key), also across runs on one database. */
export const unique = (): string => {
  counter += 1;
  return `n${counter}${Math.random().toString(36).slice(2, 7)}`;
};

export interface ProviderCase {
  provider: ProviderType;
  /** A well-formed credential whose main secret contains `marker`. */
  keyData(marker: string): KeyData;
  /** Recorded path of the validation request. */
  path(keyData: KeyData): string;
  /** Asserts the auth headers the real provider requires. */
  auth(headers: Record<string, string>, keyData: KeyData): void;
  invalidStatus: number;
  billingStatus: number;
  outageStatus: number;
  /** The wait a plain `ratelimit` key reports (providers without a hint: undefined). */
  defaultRetryAfterMs: number | undefined;
  balance?: { amount: number; currency: string };
}

const bearerAuth = (headers: Record<string, string>, keyData: KeyData): void => {
  expect(headers.authorization).toBe(`Bearer ${keyData.apiKey}`);
};

/** A case with the common answers: a bearer key, 401 for a wrong key, 402 for billing, 503 for an outage, a 2 s rate-limit hint. */
const caseOf = (
  c: Pick<ProviderCase, 'provider' | 'keyData' | 'path'> & Partial<ProviderCase>,
): ProviderCase => ({
  auth: bearerAuth,
  invalidStatus: 401,
  billingStatus: 402,
  outageStatus: 503,
  defaultRetryAfterMs: 2000,
  ...c,
});

/** One case per provider: how its fake is reached and how it answers; used by the probe and validator suites. */
export const providerCases: ProviderCase[] = [
  caseOf({
    provider: ProviderType.OPENAI,
    keyData: (marker) => ({ apiKey: `sk-test-${marker}-${unique()}-${'a1'.repeat(12)}` }),
    path: () => '/openai/models',
    billingStatus: 429,
  }),
  caseOf({
    provider: ProviderType.ANTHROPIC,
    keyData: (marker) => ({ apiKey: `sk-ant-api03-${marker}-${unique()}-${'b2'.repeat(20)}` }),
    path: () => '/anthropic/v1/models',
    auth: (headers, keyData) => {
      expect(headers['x-api-key']).toBe(keyData.apiKey);
      expect(headers['anthropic-version']).toBe('2023-06-01');
      expect(headers.authorization).toBeUndefined();
    },
    outageStatus: 529,
  }),
  caseOf({
    provider: ProviderType.GEMINI,
    keyData: (marker) => ({ apiKey: `AIzaSy${marker}${unique()}${'c3'.repeat(16)}` }),
    path: () => '/gemini/v1beta/models?pageSize=1',
    auth: (headers, keyData) => {
      expect(headers['x-goog-api-key']).toBe(keyData.apiKey);
      expect(headers.authorization).toBeUndefined();
    },
    invalidStatus: 400,
  }),
  caseOf({
    provider: ProviderType.DEEPSEEK,
    keyData: (marker) => ({ apiKey: `sk-${marker}${unique()}${'d4'.repeat(16)}` }),
    path: () => '/deepseek/user/balance',
    // The balance call answers 200 with is_available: false.
    billingStatus: 200,
    defaultRetryAfterMs: undefined,
    balance: { amount: 110, currency: 'USD' },
  }),
  caseOf({
    provider: ProviderType.OPENROUTER,
    keyData: (marker) => ({ apiKey: `sk-or-v1-${marker}${unique()}${'e5'.repeat(32)}` }),
    path: () => '/openrouter/key',
    // The key call answers 200 with limit_remaining: 0.
    billingStatus: 200,
    balance: { amount: 74.5, currency: 'USD' },
  }),
  caseOf({
    provider: ProviderType.DEEPGRAM,
    keyData: (marker) => ({ apiKey: `${marker}${unique()}${'f6'.repeat(20)}` }),
    path: () => '/deepgram/projects',
    auth: (headers, keyData) => expect(headers.authorization).toBe(`Token ${keyData.apiKey}`),
    defaultRetryAfterMs: undefined,
  }),
  caseOf({
    provider: ProviderType.TWILIO,
    keyData: (marker) => ({ accountSid: TWILIO_SID, authToken: `${marker}${unique()}${'9a'.repeat(14)}` }),
    path: (keyData) => `/twilio/Accounts/${keyData.accountSid}.json`,
    auth: (headers, keyData) => {
      const basic = Buffer.from(`${keyData.accountSid}:${keyData.authToken}`).toString('base64');
      expect(headers.authorization).toBe(`Basic ${basic}`);
    },
    billingStatus: 401,
    defaultRetryAfterMs: undefined,
  }),
  caseOf({
    provider: ProviderType.MISTRAL,
    keyData: (marker) => ({ apiKey: `${marker}${unique()}${'a7'.repeat(14)}` }),
    path: () => '/mistral/models',
  }),
  caseOf({
    provider: ProviderType.GROQ,
    keyData: (marker) => ({ apiKey: `gsk_${marker}${unique()}${'b8'.repeat(24)}` }),
    path: () => '/groq/models',
  }),
  caseOf({
    provider: ProviderType.XAI,
    keyData: (marker) => ({ apiKey: `xai-${marker}${unique()}${'c9'.repeat(36)}` }),
    path: () => '/xai/models',
    // xAI answers a wrong key with 400 and an account without credits with 403.
    invalidStatus: 400,
    billingStatus: 403,
  }),
];

/** The single request `fake` recorded for case `c`: a GET to its path with its auth, the key never in the URL. */
export function expectOneRequest(fake: FakeProviders, c: ProviderCase, keyData: KeyData): RecordedRequest {
  expect(fake.requests).toHaveLength(1);
  const request = fake.requests[0]!;
  expect(request.method).toBe('GET');
  expect(request.path).toBe(c.path(keyData));
  c.auth(request.headers, keyData);
  for (const secret of secretValues(c.provider, keyData)) expect(request.path).not.toContain(secret);
  return request;
}
