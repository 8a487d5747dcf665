import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BYOKError, invalidInput } from '../errors/index.js';
import { getProvider, isProviderType } from '../providers/index.js';

const rate = z.number().nonnegative();
const rateSet = z.strictObject({ input: rate, cachedInput: rate.nullable(), output: rate });
const modelPrice = z.strictObject({
  ...rateSet.shape,
  aliases: z.array(z.string()).optional(),
  longContext: z.strictObject({ aboveInputTokens: z.number().int().positive(), ...rateSet.shape }).optional(),
  peak: rateSet.optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  after: rateSet.optional(),
  source: z.string().optional(),
});
const audioModelPrice = z.strictObject({
  /** USD per minute of audio. */
  perMinute: rate,
  aliases: z.array(z.string()).optional(),
  source: z.string().optional(),
});
const priceTableSchema = z.strictObject({
  asOf: z.iso.date(),
  currency: z.literal('USD'),
  unit: z.literal('per 1M tokens'),
  source: z.string(),
  conventions: z.string(),
  providers: z.record(
    z.string(),
    z.strictObject({
      costFromResponse: z.boolean().optional(),
      note: z.string().optional(),
      peak: z
        .strictObject({
          utcOffsetMinutes: z.number().int(),
          weekdays: z.array(z.number().int().min(0).max(6)),
          windows: z.array(z.tuple([z.string().regex(/^\d\d:\d\d$/), z.string().regex(/^\d\d:\d\d$/)])),
          note: z.string().optional(),
        })
        .optional(),
      models: z.record(z.string(), modelPrice),
      /** Models billed by audio time (USD per minute), e.g. Deepgram speech-to-text. */
      audioModels: z.record(z.string(), audioModelPrice).optional(),
    }),
  ),
});

/** The price snapshot: USD per 1M tokens per provider and model (see `price-table.json`). */
export type PriceTable = z.infer<typeof priceTableSchema>;
/** One model's prices in a {@link PriceTable}. */
export type ModelPrice = z.infer<typeof modelPrice>;
/** One audio model's per-minute price in a {@link PriceTable}. */
export type AudioModelPrice = z.infer<typeof audioModelPrice>;

let defaultTable: PriceTable | undefined;

/**
 * The bundled price snapshot (`usage/price-table.json`), read and checked once.
 * Its `asOf` says when the prices were read; they go stale.
 */
export function defaultPriceTable(): PriceTable {
  if (!defaultTable) {
    const url = new URL('./price-table.json', import.meta.url);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(url, 'utf8'));
    } catch (cause) {
      throw new BYOKError('INTERNAL_ERROR', `Cannot read the price table at ${url.pathname}`, { cause });
    }
    defaultTable = parsePriceTable(raw);
  }
  return defaultTable;
}

/** Checks a price table's shape (the bundled one, or one the application brings). */
export function parsePriceTable(value: unknown): PriceTable {
  const result = priceTableSchema.safeParse(value);
  if (!result.success) {
    throw new BYOKError('INTERNAL_ERROR', `Invalid price table: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Snapshot markers that do not change a model's price: `-2026-09-29`, `-20261007`, `@20261007`, `-latest`. */
const SNAPSHOT_SUFFIX = /[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/**
 * The id a model is listed under: lower case, provider prefix and dated snapshot suffix removed.
 * It never maps one model onto another (`gpt-6-luna-mini` stays `gpt-6-luna-mini`).
 */
export function normalizeModelId(provider: string, model: string): string {
  let id = model.trim().toLowerCase();
  // Prefixes other tools put in front of a model id (`models/…` from Gemini, `openai/…` from routers).
  const prefixes = isProviderType(provider) ? getProvider(provider).modelPrefixes : [];
  for (const prefix of prefixes) {
    if (id.startsWith(prefix)) id = id.slice(prefix.length);
  }
  while (SNAPSHOT_SUFFIX.test(id)) id = id.replace(SNAPSHOT_SUFFIX, '');
  return id;
}

type Found<P> = { id: string; price: P } | undefined;

/** Recent lookups per entries object (tables are read-only once parsed), bounded: model names come from callers. */
const lookups = new WeakMap<object, Map<string, Found<unknown> | null>>();
const MAX_REMEMBERED_LOOKUPS = 1000;

/** The entry of `entries` whose name or an alias is the normalised `model`, or undefined. */
function findEntry<P extends { aliases?: readonly string[] | undefined }>(
  provider: string,
  model: string,
  entries: Record<string, P> | undefined,
): Found<P> {
  if (!entries) return undefined;
  let remembered = lookups.get(entries);
  if (remembered === undefined) {
    remembered = new Map();
    lookups.set(entries, remembered);
  }
  const key = `${provider}\n${model}`;
  const known = remembered.get(key);
  if (known !== undefined) return (known ?? undefined) as Found<P>;
  const found = searchEntry(provider, model, entries);
  if (remembered.size >= MAX_REMEMBERED_LOOKUPS) remembered.clear();
  remembered.set(key, found ?? null);
  return found;
}

function searchEntry<P extends { aliases?: readonly string[] | undefined }>(
  provider: string,
  model: string,
  entries: Record<string, P>,
): Found<P> {
  const id = normalizeModelId(provider, model);
  for (const [name, price] of Object.entries(entries)) {
    if (name.toLowerCase() === id || price.aliases?.some((alias) => alias.toLowerCase() === id)) {
      return { id: name, price };
    }
  }
  return undefined;
}

/** The table entry for a model, matched leniently (see {@link normalizeModelId}), or undefined. */
export function findModelPrice(
  provider: string,
  model: string,
  table: PriceTable = defaultPriceTable(),
): { id: string; price: ModelPrice } | undefined {
  return findEntry(provider, model, table.providers[provider]?.models);
}

/** The per-minute entry for an audio model, matched like {@link findModelPrice}, or undefined. */
export function findAudioModelPrice(
  provider: string,
  model: string,
  table: PriceTable = defaultPriceTable(),
): { id: string; price: AudioModelPrice } | undefined {
  return findEntry(provider, model, table.providers[provider]?.audioModels);
}

export interface PriceUsageInput {
  provider: string;
  model?: string | null | undefined;
  /** Every input token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** The part of `inputTokens` read from the provider's cache. */
  cachedTokens?: number | undefined;
  /** Number of requests these tokens came from (decides long-context rates); default 1. */
  requests?: number | undefined;
  /** When the usage happened (DeepSeek peak hours, dated promotions); default now. */
  at?: Date | undefined;
  /** Seconds of audio: priced per minute for models in the table's `audioModels` (Deepgram). */
  audioSeconds?: number | undefined;
}

export interface PriceResult {
  /** USD, rounded to 8 decimals; null when the model is not in the table (never a made-up $0). */
  costUsd: number | null;
  priced: boolean;
  /** The table entry used. */
  model?: string;
}

const UNPRICED: PriceResult = { costUsd: null, priced: false };

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function isPeak(peak: NonNullable<PriceTable['providers'][string]['peak']>, at: Date): boolean {
  const local = new Date(at.getTime() + peak.utcOffsetMinutes * 60_000);
  if (!peak.weekdays.includes(local.getUTCDay())) return false;
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return peak.windows.some(([start, end]) => minutes >= minutesOf(start) && minutes < minutesOf(end));
}

/** Throws `INVALID_INPUT` unless `value` is a finite, non-negative number. */
function checkCount(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw invalidInput(`${field} must be a non-negative number`);
}

/**
 * What a call cost, from the price table.
 *
 * A provider or model the table does not know is unpriced (`{ costUsd: null, priced: false }`), and
 * so is OpenRouter, whose cost comes with each response (`usage.cost`): record that as `costUsd`.
 *
 * @example
 * priceUsage({ provider: 'openai', model: 'gpt-6.1-sol-2026-09-29', inputTokens: 1200, cachedTokens: 200, outputTokens: 300 });
 * // → { costUsd: 0.00502, priced: true, model: 'gpt-6.1-sol' }
 */
export function priceUsage(input: PriceUsageInput, table: PriceTable = defaultPriceTable()): PriceResult {
  const { inputTokens, outputTokens } = input;
  const cachedTokens = input.cachedTokens ?? 0;
  const requests = input.requests ?? 1;
  checkCount('inputTokens', inputTokens);
  checkCount('outputTokens', outputTokens);
  checkCount('cachedTokens', cachedTokens);
  checkCount('requests', requests);
  if (cachedTokens > inputTokens) {
    throw invalidInput('cachedTokens is part of inputTokens and cannot be larger', { field: 'cachedTokens' });
  }
  const audioSeconds = input.audioSeconds ?? 0;
  checkCount('audioSeconds', audioSeconds);
  const providerTable = table.providers[input.provider];
  if (!providerTable || providerTable.costFromResponse || !input.model) return UNPRICED;
  // Audio billed by the minute: the audio time is the whole bill (tokens are not billed on top).
  if (input.audioSeconds !== undefined) {
    const audio = findAudioModelPrice(input.provider, input.model, table);
    if (audio) {
      const micros = (audioSeconds / 60) * audio.price.perMinute * 1e6;
      return { costUsd: Math.round(micros * 100) / 1e8, priced: true, model: audio.id };
    }
  }
  const found = findModelPrice(input.provider, input.model, table);
  if (!found) return UNPRICED;
  const { price } = found;
  const at = input.at ?? new Date();

  let rates: z.infer<typeof rateSet> = price;
  if (price.until && price.after && at.getTime() >= Date.parse(price.until)) rates = price.after;
  if (price.peak && providerTable.peak && isPeak(providerTable.peak, at)) rates = price.peak;
  if (price.longContext && requests > 0 && inputTokens / requests > price.longContext.aboveInputTokens) {
    rates = price.longContext;
  }

  const cachedRate = rates.cachedInput ?? rates.input;
  const micros =
    (inputTokens - cachedTokens) * rates.input + cachedTokens * cachedRate + outputTokens * rates.output;
  return { costUsd: Math.round(micros * 100) / 1e8, priced: true, model: found.id };
}
