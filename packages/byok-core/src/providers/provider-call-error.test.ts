import { describe, expect, it } from 'vitest';
import { BYOKError, isBYOKError } from '../errors/index.js';
import { classifyProviderFailure, ProviderCallError } from './provider-call-error.js';

describe('ProviderCallError', () => {
  it('derives outcome and retryability from the status when not given', () => {
    expect(new ProviderCallError('x', { statusCode: 429, retryAfterMs: 3000 })).toMatchObject({
      outcome: 'rate_limited',
      isRetryable: true,
      retryAfterMs: 3000,
    });
    expect(new ProviderCallError('x', { statusCode: 402 })).toMatchObject({
      outcome: 'billing',
      isRetryable: false,
    });
    expect(new ProviderCallError('x', { statusCode: 400 })).toMatchObject({
      outcome: 'unexpected',
      isRetryable: false,
    });
    expect(new ProviderCallError('x')).toMatchObject({ outcome: 'unexpected' });
  });

  it('is a BYOKError with a code from the table: unavailable for outages, upstream error otherwise', () => {
    const refused = new ProviderCallError('OpenAI rejected the key', {
      provider: 'openai',
      statusCode: 401,
      providerCode: 'invalid_api_key',
    });
    expect(refused).toBeInstanceOf(BYOKError);
    expect(isBYOKError(refused)).toBe(true);
    expect(refused).toMatchObject({ name: 'ProviderCallError', code: 'UPSTREAM_ERROR', status: 502 });
    expect(refused.toJSON()).toEqual({
      code: 'UPSTREAM_ERROR',
      message: 'OpenAI rejected the key',
      details: {
        outcome: 'invalid_key',
        provider: 'openai',
        statusCode: 401,
        providerCode: 'invalid_api_key',
      },
    });
    for (const outcome of ['outage', 'timeout', 'network_error'] as const) {
      expect(new ProviderCallError('down', { outcome })).toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        status: 503,
        isRetryable: true,
      });
    }
    expect(new ProviderCallError('slow down', { statusCode: 429 })).toMatchObject({
      code: 'UPSTREAM_ERROR',
      outcome: 'rate_limited',
    });
    // Still told apart from the library's own errors by the fallback.
    expect(classifyProviderFailure(refused, 'openai')).toEqual({
      outcome: 'invalid_key',
      statusCode: 401,
      isRetryable: false,
    });
    expect(classifyProviderFailure(new BYOKError('NO_KEY_AVAILABLE', 'none'), 'openai')).toBeUndefined();
  });

  it('classifies an answer by the provider’s own rules, and scrubs the key from the message', () => {
    const apiKey = 'sk-proj-verysecretvalue0123456789';
    const quota = ProviderCallError.fromResponse(
      'openai',
      429,
      {},
      {
        error: { type: 'insufficient_quota', code: 'insufficient_quota', message: `no credit for ${apiKey}` },
      },
      { secrets: [apiKey] },
    );
    expect(quota).toMatchObject({
      outcome: 'billing',
      isRetryable: false,
      statusCode: 429,
      provider: 'openai',
    });
    expect(quota.message).not.toContain(apiKey);
    const gemini = ProviderCallError.fromResponse('gemini', 400, undefined, {
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    });
    expect(gemini.outcome).toBe('invalid_key');
    const limited = ProviderCallError.fromResponse('anthropic', 429, { 'retry-after': '12' }, undefined);
    expect(limited).toMatchObject({ outcome: 'rate_limited', retryAfterMs: 12_000 });
  });

  it('is recognised across package copies by its marker', () => {
    const error = new ProviderCallError('x', { statusCode: 500 });
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(ProviderCallError.isInstance(new Error('x'))).toBe(false);
    expect(ProviderCallError.isInstance({ ...error })).toBe(true);
  });
});

describe('classifyProviderFailure', () => {
  it('reads provider SDK and vercel/ai error shapes', () => {
    // OpenAI SDK APIError: status, headers, error = body.error
    expect(
      classifyProviderFailure(
        Object.assign(new Error('429'), {
          status: 429,
          headers: { 'retry-after': '3' },
          error: { type: 'requests', code: 'rate_limit_exceeded' },
        }),
        'openai',
      ),
    ).toEqual({ outcome: 'rate_limited', statusCode: 429, isRetryable: true, retryAfterMs: 3000 });
    // vercel/ai APICallError: statusCode, responseHeaders, responseBody (text)
    expect(
      classifyProviderFailure(
        Object.assign(new Error('quota'), {
          statusCode: 429,
          responseHeaders: {},
          responseBody: JSON.stringify({ error: { type: 'insufficient_quota', code: 'insufficient_quota' } }),
        }),
        'openai',
      ),
    ).toMatchObject({ outcome: 'billing', isRetryable: false });
    // Anthropic SDK: error is the whole body
    expect(
      classifyProviderFailure(
        Object.assign(new Error('401'), {
          status: 401,
          error: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
        }),
        'anthropic',
      ),
    ).toMatchObject({ outcome: 'invalid_key', statusCode: 401 });
    expect(
      classifyProviderFailure(Object.assign(new Error('down'), { status: 503 }), 'deepgram'),
    ).toMatchObject({
      outcome: 'outage',
      isRetryable: true,
    });
  });

  it('recognises timeouts and network errors, and leaves everything else to the caller', () => {
    expect(
      classifyProviderFailure(new DOMException('The operation timed out.', 'TimeoutError'), 'openai'),
    ).toEqual({
      outcome: 'timeout',
      isRetryable: true,
    });
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyProviderFailure(refused, 'openai')).toEqual({
      outcome: 'network_error',
      isRetryable: true,
    });
    expect(classifyProviderFailure(new TypeError('x is undefined'), 'openai')).toBeUndefined();
    expect(classifyProviderFailure(new BYOKError('NO_KEY_AVAILABLE', 'none'), 'openai')).toBeUndefined();
    expect(classifyProviderFailure('a string', 'openai')).toBeUndefined();
    expect(classifyProviderFailure(new DOMException('aborted', 'AbortError'), 'openai')).toBeUndefined();
  });
});
