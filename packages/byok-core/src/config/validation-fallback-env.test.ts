import { describe, expect, it } from 'vitest';
import { validationAndFallbackSettingsFromEnv } from './validation-fallback-env.js';

describe('validationAndFallbackSettingsFromEnv', () => {
  it('gives no setting for variables that are not set (or blank)', () => {
    expect(validationAndFallbackSettingsFromEnv({})).toEqual({ validation: {}, fallback: {} });
    expect(
      validationAndFallbackSettingsFromEnv({
        BYOK_VALIDATION_TIMEOUT: ' ',
        SYSTEM_OPENAI_KEY: '',
        BYOK_OPENAI_BASE_URL: '',
      }),
    ).toEqual({ validation: {}, fallback: {} });
  });

  it('maps the validation variables', () => {
    expect(
      validationAndFallbackSettingsFromEnv({
        BYOK_VALIDATION_TIMEOUT: '1500',
        BYOK_ENABLE_VALIDATION: 'false',
        BYOK_OPENAI_BASE_URL: 'http://127.0.0.1:9/openai',
        BYOK_DEEPGRAM_BASE_URL: 'http://127.0.0.1:9/deepgram',
      }).validation,
    ).toEqual({
      timeoutMs: 1500,
      enabled: false,
      baseUrls: { openai: 'http://127.0.0.1:9/openai', deepgram: 'http://127.0.0.1:9/deepgram' },
    });
    expect(validationAndFallbackSettingsFromEnv({ BYOK_ENABLE_VALIDATION: 'true' }).validation).toEqual({});
  });

  it('refuses a timeout that is not a positive number, naming the variable', () => {
    for (const value of ['soon', '0', '-5', 'Infinity']) {
      expect(() => validationAndFallbackSettingsFromEnv({ BYOK_VALIDATION_TIMEOUT: value })).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: expect.stringMatching(/BYOK_VALIDATION_TIMEOUT/),
        }),
      );
    }
  });

  it('maps the fallback variables, Twilio from its two', () => {
    expect(
      validationAndFallbackSettingsFromEnv({
        BYOK_ENABLE_FALLBACK: 'false',
        SYSTEM_OPENAI_KEY: 'sk-system',
        SYSTEM_TWILIO_ACCOUNT_SID: 'AC123',
        SYSTEM_TWILIO_AUTH_TOKEN: 'token',
      }).fallback,
    ).toEqual({
      systemFallbackAllowed: false,
      systemKeys: { openai: { apiKey: 'sk-system' }, twilio: { accountSid: 'AC123', authToken: 'token' } },
    });
    expect(validationAndFallbackSettingsFromEnv({ BYOK_ENABLE_FALLBACK: 'true' }).fallback).toEqual({});
  });
});
