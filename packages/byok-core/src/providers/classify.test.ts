import { describe, expect, it } from 'vitest';
import { sanitizeProviderMessage } from './classify-common.js';
import { getProvider, type ProviderOutcome, ProviderType } from './index.js';
import { durationToMs, retryAfterMsFromHeaders } from './retry-after.js';

interface Row {
  name: string;
  provider: ProviderType;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  outcome: ProviderOutcome;
  retryAfterMs?: number;
  providerCode?: string;
}

/** Anthropic's error envelope: `{ type: 'error', error: { type, message, ...more } }`. */
const anthropicError = (type: string, message: string, more: Record<string, unknown> = {}) => ({
  type: 'error',
  error: { type, message, ...more },
});

const rows: Row[] = [
  {
    name: 'OpenAI 429 insufficient_quota with the cause in error.code',
    provider: ProviderType.OPENAI,
    status: 429,
    body: {
      error: { message: 'quota', type: 'insufficient_quota', param: null, code: 'credit_balance_exhausted' },
    },
    outcome: 'billing',
    providerCode: 'credit_balance_exhausted',
  },
  {
    name: 'OpenAI 429 rate_limit_exceeded with retry-after-ms',
    provider: ProviderType.OPENAI,
    status: 429,
    headers: { 'retry-after-ms': '1500', 'retry-after': '9' },
    body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    outcome: 'rate_limited',
    retryAfterMs: 1500,
  },
  {
    name: 'OpenAI 500',
    provider: ProviderType.OPENAI,
    status: 500,
    body: { error: { message: 'boom', type: 'server_error', param: null, code: null } },
    outcome: 'outage',
  },
  {
    name: 'Anthropic 400 "credit balance is too low"',
    provider: ProviderType.ANTHROPIC,
    status: 400,
    body: anthropicError(
      'invalid_request_error',
      'Your credit balance is too low to access the Anthropic API.',
    ),
    outcome: 'billing',
  },
  {
    name: 'Anthropic 400 spend limit reached',
    provider: ProviderType.ANTHROPIC,
    status: 400,
    body: anthropicError(
      'invalid_request_error',
      'You have reached your specified workspace API usage limits.',
    ),
    outcome: 'billing',
  },
  {
    name: 'Anthropic 400 other invalid request',
    provider: ProviderType.ANTHROPIC,
    status: 400,
    body: anthropicError('invalid_request_error', 'max_tokens: Field required'),
    outcome: 'unexpected',
  },
  {
    name: 'Anthropic 429 enforced_spend_limit_reached',
    provider: ProviderType.ANTHROPIC,
    status: 429,
    body: anthropicError('rate_limit_error', 'cap', {
      details: { error_code: 'enforced_spend_limit_reached' },
    }),
    outcome: 'billing',
    providerCode: 'enforced_spend_limit_reached',
  },
  {
    name: 'Anthropic 529 overloaded with retry-after',
    provider: ProviderType.ANTHROPIC,
    status: 529,
    headers: { 'retry-after': '3' },
    body: anthropicError('overloaded_error', 'Overloaded'),
    outcome: 'outage',
    retryAfterMs: 3000,
  },
  {
    name: 'Anthropic 504 timeout_error',
    provider: ProviderType.ANTHROPIC,
    status: 504,
    body: anthropicError('timeout_error', 'timeout'),
    outcome: 'outage',
  },
  {
    name: 'Gemini 400 FAILED_PRECONDITION (enable billing)',
    provider: ProviderType.GEMINI,
    status: 400,
    body: { error: { code: 400, status: 'FAILED_PRECONDITION', message: 'User location is not supported' } },
    outcome: 'billing',
  },
  {
    name: 'Gemini 401 ACCESS_TOKEN_TYPE_UNSUPPORTED',
    provider: ProviderType.GEMINI,
    status: 401,
    body: { error: { code: 401, status: 'UNAUTHENTICATED', message: 'x' } },
    outcome: 'invalid_key',
  },
  {
    name: 'Gemini 400 other INVALID_ARGUMENT',
    provider: ProviderType.GEMINI,
    status: 400,
    body: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'bad field' } },
    outcome: 'unexpected',
  },
  {
    name: 'Gemini 429 RetryInfo 1.5s',
    provider: ProviderType.GEMINI,
    status: 429,
    body: {
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
      },
    },
    outcome: 'rate_limited',
    retryAfterMs: 1500,
  },
  {
    name: 'DeepSeek 200 with balance available',
    provider: ProviderType.DEEPSEEK,
    status: 200,
    body: { is_available: true, balance_infos: [{ currency: 'CNY', total_balance: '7.50' }] },
    outcome: 'valid',
  },
  {
    name: 'OpenRouter 200 without a credit cap',
    provider: ProviderType.OPENROUTER,
    status: 200,
    body: { data: { limit: null, limit_remaining: null, usage: 3 } },
    outcome: 'valid',
  },
  {
    name: 'OpenRouter 502 bad upstream',
    provider: ProviderType.OPENROUTER,
    status: 502,
    body: { error: { code: 502, message: 'upstream' } },
    outcome: 'outage',
  },
  {
    name: 'OpenRouter 408 timeout',
    provider: ProviderType.OPENROUTER,
    status: 408,
    body: { error: { code: 408, message: 'timeout' } },
    outcome: 'outage',
  },
  {
    name: 'Deepgram 401 insufficient permissions',
    provider: ProviderType.DEEPGRAM,
    status: 401,
    body: { err_code: 'INSUFFICIENT_PERMISSIONS', err_msg: 'Insufficient permissions.' },
    outcome: 'permission_denied',
  },
  {
    name: 'Twilio 200 suspended account',
    provider: ProviderType.TWILIO,
    status: 200,
    body: { sid: 'AC…', status: 'suspended' },
    outcome: 'billing',
  },
  {
    name: 'Twilio 200 closed account',
    provider: ProviderType.TWILIO,
    status: 200,
    body: { sid: 'AC…', status: 'closed' },
    outcome: 'revoked',
  },
  {
    name: 'Twilio 10001 account not active',
    provider: ProviderType.TWILIO,
    status: 400,
    body: { code: 10001, message: 'Account is not active', status: 400 },
    outcome: 'billing',
    providerCode: '10001',
  },
  {
    name: 'Twilio 500',
    provider: ProviderType.TWILIO,
    status: 500,
    body: { code: 20500, message: 'Internal Server Error', status: 500 },
    outcome: 'outage',
  },
];

describe('classifyResponse', () => {
  it.each(rows)('$name → $outcome', (row) => {
    const result = getProvider(row.provider).classifyResponse(row.status, new Headers(row.headers), row.body);
    expect(result.outcome).toBe(row.outcome);
    expect(result.statusCode).toBe(row.status);
    expect(result.isRetryable).toBe(
      ['rate_limited', 'outage', 'timeout', 'network_error'].includes(row.outcome),
    );
    if (row.retryAfterMs !== undefined) expect(result.retryAfterMs).toBe(row.retryAfterMs);
    if (row.providerCode !== undefined) expect(result.providerCode).toBe(row.providerCode);
    expect(result.message.length).toBeGreaterThan(0);
  });

  it('copes with bodies that are not JSON objects', () => {
    for (const provider of Object.values(ProviderType)) {
      for (const body of [undefined, 'Bad Gateway', 42, null, []]) {
        const result = getProvider(provider).classifyResponse(502, new Headers(), body);
        expect(result.outcome).toBe('outage');
      }
    }
  });
});

describe('retry hints', () => {
  it('reads Retry-After as seconds or an HTTP date, preferring retry-after-ms', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': '30' }), now)).toBe(30_000);
    expect(
      retryAfterMsFromHeaders(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 12:00:05 GMT' }), now),
    ).toBe(5000);
    expect(
      retryAfterMsFromHeaders(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 11:00:00 GMT' }), now),
    ).toBe(0);
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after-ms': '250', 'retry-after': '30' }), now)).toBe(
      250,
    );
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMsFromHeaders(new Headers(), now)).toBeUndefined();
  });

  it('parses protobuf durations', () => {
    expect(durationToMs('58s')).toBe(58_000);
    expect(durationToMs('0.25s')).toBe(250);
    expect(durationToMs('1m')).toBeUndefined();
    expect(durationToMs(58)).toBeUndefined();
  });
});

describe('sanitizeProviderMessage', () => {
  it('redacts key-like tokens, including partly masked echoes', () => {
    const text = sanitizeProviderMessage(
      `Incorrect API key provided: sk-proj-abc***wxyz. Key AIzaSy${'a'.repeat(33)} and ${'f'.repeat(40)} bad`,
    );
    expect(text).toBe('Incorrect API key provided: [redacted]. Key [redacted] and [redacted] bad');
  });

  it('caps the length and ignores non-strings', () => {
    expect(sanitizeProviderMessage('word '.repeat(100))?.length).toBeLessThanOrEqual(240);
    expect(sanitizeProviderMessage(42)).toBeUndefined();
    expect(sanitizeProviderMessage('   ')).toBeUndefined();
  });
});
