import { describe, expect, it } from 'vitest';
import { isBYOKError } from '../errors/index.js';
import { defaultPriceTable, findModelPrice, normalizeModelId, priceUsage } from './pricing.js';

const tokens = { inputTokens: 1_000_000, cachedTokens: 0, outputTokens: 1_000_000 };

describe('price table', () => {
  it('is the dated snapshot of provider-facts §9, with no OpenRouter rows', () => {
    const table = defaultPriceTable();
    expect(table.asOf).toBe('2026-11-21');
    expect(Object.keys(table.providers).sort()).toEqual([
      'anthropic',
      'deepgram',
      'deepseek',
      'gemini',
      'groq',
      'mistral',
      'openai',
      'openrouter',
      'xai',
    ]);
    expect(table.providers.openrouter?.costFromResponse).toBe(true);
    expect(table.providers.openrouter?.models).toEqual({});
  });

  it('prices input, cached input and output per 1M tokens', () => {
    expect(
      priceUsage({
        provider: 'openai',
        model: 'gpt-6.1-sol',
        inputTokens: 1200,
        cachedTokens: 200,
        outputTokens: 300,
      }),
    ).toEqual({ costUsd: 0.00502, priced: true, model: 'gpt-6.1-sol' });
    expect(priceUsage({ provider: 'openai', model: 'gpt-6-astra', ...tokens }).costUsd).toBe(60);
    expect(priceUsage({ provider: 'openai', model: 'gpt-6-luna', ...tokens }).costUsd).toBe(0.6);
    expect(priceUsage({ provider: 'anthropic', model: 'claude-opus-5-5', ...tokens }).costUsd).toBe(24);
    expect(
      priceUsage({
        provider: 'anthropic',
        model: 'claude-haiku-5.5',
        inputTokens: 100_000,
        cachedTokens: 100_000,
        outputTokens: 0,
      }).costUsd,
    ).toBe(0.001);
  });

  it('matches model ids leniently but never across models', () => {
    expect(normalizeModelId('openai', ' GPT-6.1-Sol-2026-09-29 ')).toBe('gpt-6.1-sol');
    expect(normalizeModelId('gemini', 'models/gemini-3.8-flash')).toBe('gemini-3.8-flash');
    expect(findModelPrice('openai', 'openai/gpt-6.1-sol-2026-09-29')?.id).toBe('gpt-6.1-sol');
    expect(findModelPrice('anthropic', 'claude-sonnet-5-5-20261007')?.id).toBe('claude-sonnet-5.5');
    expect(findModelPrice('anthropic', 'claude-sonnet-5-5-latest')?.id).toBe('claude-sonnet-5.5');
    for (const model of [
      'gpt-6',
      'gpt-6-luna-mini',
      'gpt-6.1',
      'claude-sonnet-5',
      'gemini-3.8-flash-lite',
      'deepseek-chat',
    ]) {
      const provider = model.startsWith('gpt')
        ? 'openai'
        : model.startsWith('claude')
          ? 'anthropic'
          : model.startsWith('gemini')
            ? 'gemini'
            : 'deepseek';
      expect(priceUsage({ provider, model, ...tokens }), model).toEqual({ costUsd: null, priced: false });
    }
    // A model of one provider is not priced under another.
    expect(priceUsage({ provider: 'anthropic', model: 'gpt-6.1-sol', ...tokens }).priced).toBe(false);
  });

  it('leaves unknown models, OpenRouter and non-token providers unpriced, never $0', () => {
    expect(priceUsage({ provider: 'openrouter', model: 'openai/gpt-6.1-sol', ...tokens })).toEqual({
      costUsd: null,
      priced: false,
    });
    expect(priceUsage({ provider: 'deepgram', model: 'nova-3', ...tokens }).priced).toBe(false);
    expect(priceUsage({ provider: 'openai', model: undefined, ...tokens }).priced).toBe(false);
  });

  it('prices Deepgram audio per minute from the dated table, and unknown voice models not at all', () => {
    const nova3 = defaultPriceTable().providers.deepgram?.audioModels?.['nova-3'];
    expect(nova3?.perMinute).toBeGreaterThan(0);
    const perMinute = nova3?.perMinute as number;
    const priced = priceUsage({
      provider: 'deepgram',
      model: 'nova-3',
      inputTokens: 0,
      outputTokens: 0,
      audioSeconds: 90,
    });
    expect(priced).toEqual({
      costUsd: Math.round(1.5 * perMinute * 1e8) / 1e8,
      priced: true,
      model: 'nova-3',
    });
    expect(
      priceUsage({
        provider: 'deepgram',
        model: 'nova-2-phonecall',
        inputTokens: 0,
        outputTokens: 0,
        audioSeconds: 60,
      }),
    ).toMatchObject({ priced: true, model: 'nova-2' });
    expect(
      priceUsage({
        provider: 'deepgram',
        model: 'nova-9',
        inputTokens: 0,
        outputTokens: 0,
        audioSeconds: 60,
      }),
    ).toEqual({ costUsd: null, priced: false });
    expect(
      priceUsage({
        provider: 'deepgram',
        model: undefined,
        inputTokens: 0,
        outputTokens: 0,
        audioSeconds: 60,
      }),
    ).toEqual({ costUsd: null, priced: false });
    expect(() =>
      priceUsage({
        provider: 'deepgram',
        model: 'nova-3',
        inputTokens: 0,
        outputTokens: 0,
        audioSeconds: -1,
      }),
    ).toThrow(/audioSeconds/);
  });

  it('applies DeepSeek peak hours (Beijing weekdays) and half price off-peak', () => {
    const flash = (at: string) =>
      priceUsage({ provider: 'deepseek', model: 'deepseek-flash', ...tokens, at: new Date(at) });
    expect(flash('2026-11-18T02:00:00Z').costUsd).toBe(1.5); // Wednesday 10:00 Beijing: peak 0.30 + 1.20
    expect(flash('2026-11-18T07:59:00Z').costUsd).toBe(1.5); // 15:59 Beijing: peak
    expect(flash('2026-11-18T05:00:00Z').costUsd).toBe(0.75); // 13:00 Beijing: lunch, off-peak
    expect(flash('2026-11-18T04:00:00Z').costUsd).toBe(0.75); // 12:00 Beijing: window end excluded
    expect(flash('2026-11-21T02:00:00Z').costUsd).toBe(0.75); // Saturday
    expect(flash('2026-11-16T00:30:00Z').costUsd).toBe(0.75); // Monday 08:30 Beijing
    expect(
      priceUsage({
        provider: 'deepseek',
        model: 'deepseek-v4-pro',
        ...tokens,
        at: new Date('2026-11-18T09:00:00Z'),
      }).costUsd,
    ).toBe(5.28);
  });

  it('applies dated promotions, long-context rates and the input rate for unpublished cache prices', () => {
    const gemini = (at: string) =>
      priceUsage({ provider: 'gemini', model: 'gemini-3.8-flash', ...tokens, at: new Date(at) });
    expect(gemini('2026-12-31T23:59:59Z').costUsd).toBe(4.5);
    expect(gemini('2027-01-01T00:00:00Z').costUsd).toBe(9);
    expect(
      priceUsage({
        provider: 'gemini',
        model: 'gemini-3.5-flash',
        inputTokens: 1_000_000,
        cachedTokens: 500_000,
        outputTokens: 0,
      }).costUsd,
    ).toBe(1.5);
    const sol = (inputTokens: number, requests: number) =>
      priceUsage({ provider: 'openai', model: 'gpt-6.1-sol', inputTokens, outputTokens: 0, requests })
        .costUsd;
    expect(sol(272_000, 1)).toBe(0.544);
    expect(sol(300_000, 1)).toBe(1.2);
    expect(sol(300_000, 2)).toBe(0.6); // 150K per request: standard rate
  });

  it('refuses cached tokens that are not part of the input', () => {
    try {
      priceUsage({
        provider: 'openai',
        model: 'gpt-6-luna',
        inputTokens: 10,
        cachedTokens: 11,
        outputTokens: 0,
      });
      expect.unreachable();
    } catch (error) {
      expect(isBYOKError(error) && error.code).toBe('INVALID_INPUT');
    }
  });
});
