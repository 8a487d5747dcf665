import { hasBom, rootTail } from './root-tail.js';

/**
 * Reads the usage a provider reports while the answer streams past, without holding the answer:
 * OpenAI-shaped `usage` (chat completions, embeddings; the final chunk of a stream when
 * `stream_options.include_usage` is set), Responses API `response.usage` (`response.completed`),
 * and Anthropic `message_start` / `message_delta` (cumulative counts).
 */
export interface ReportedUsage {
  /** Every input token, cached ones included (our convention). */
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** What the provider charged, when it says (OpenRouter `usage.cost`). */
  costUsd?: number;
  /** The model the provider says answered. */
  model?: string;
  /** Whether any usage was seen at all. */
  seen: boolean;
}

type Json = Record<string, unknown>;
const rec = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;

/** Largest JSON answer (not streamed) read for its usage; bigger ones pass through unread. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** Smallest JSON answer whose usage is read from its tail (a smaller one is parsed as fast as searched). */
const TAIL_READ_MIN_BYTES = 1024;
/** Longest SSE line kept while looking for usage (a line with usage is short). */
const MAX_LINE_BYTES = 1024 * 1024;

/** A stream may start with a byte order mark, which neither SSE nor JSON counts as content. */
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

const NEWLINE = 0x0a;
const DATA = Buffer.from('data:');
const USAGE = Buffer.from('usage');

export class UsageTap {
  readonly usage: ReportedUsage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, seen: false };
  readonly #sse: boolean;
  /** The stream's unterminated last line so far (bytes: only lines that mention usage are decoded). */
  #rest: Buffer | undefined;
  #started = false;
  #jsonParts: Uint8Array[] = [];
  #jsonBytes = 0;
  // Anthropic reports input on message_start and output (cumulative) on message_delta.
  #anthropicInput = 0;
  #anthropicCached = 0;

  constructor(contentType: string | undefined) {
    this.#sse = (contentType ?? '').includes('text/event-stream');
  }

  write(chunk: Uint8Array): void {
    if (!this.#sse) {
      this.#jsonBytes += chunk.byteLength;
      if (this.#jsonBytes <= MAX_JSON_BYTES) this.#jsonParts.push(chunk);
      return;
    }
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#rest) {
      data = Buffer.concat([this.#rest, data]);
      this.#rest = undefined;
    }
    if (!this.#started) {
      // The first bytes could be part of a byte order mark: decided once three are in.
      if (data.length < 3 && data[0] === 0xef) {
        this.#rest = Buffer.from(data);
        return;
      }
      this.#started = true;
      if (hasBom(data)) data = data.subarray(3);
    }
    // Only the lines that mention usage are found (from each mention to the newlines around it),
    // read in place; the unterminated rest is kept for the next chunk.
    let rest = -1;
    let usage = data.indexOf(USAGE);
    while (usage !== -1) {
      const start = data.lastIndexOf(NEWLINE, usage) + 1;
      const end = data.indexOf(NEWLINE, usage + USAGE.length);
      if (end === -1) {
        rest = start;
        break;
      }
      this.#line(data, start, end);
      usage = data.indexOf(USAGE, end + 1);
    }
    if (rest === -1) rest = data.lastIndexOf(NEWLINE) + 1;
    if (rest < data.length && data.length - rest <= MAX_LINE_BYTES) this.#rest = data.subarray(rest);
  }

  /** Call once the answer ended (or was cut): reads a JSON answer, or the last unterminated line. */
  end(): ReportedUsage {
    if (this.#sse) {
      const rest = this.#rest;
      this.#rest = undefined;
      if (rest?.includes(USAGE)) this.#line(rest, hasBom(rest) ? 3 : 0, rest.length);
    } else if (this.#jsonBytes > 0 && this.#jsonBytes <= MAX_JSON_BYTES) {
      const parts = this.#jsonParts;
      const whole = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
      const data = Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength);
      this.#jsonParts = [];
      try {
        const tail = data.length >= TAIL_READ_MIN_BYTES ? rootTail(data) : undefined;
        this.#object(tail ?? JSON.parse(withoutBom(data.toString('utf8'))));
      } catch {
        // not JSON: no usage to read
      }
    }
    return this.usage;
  }

  /** The line `data[start, end)`, which mentions usage: a `data:` line is decoded and parsed. */
  #line(data: Buffer, start: number, end: number): void {
    if (end - start < 10 || data.compare(DATA, 0, 5, start, start + 5) !== 0) return;
    try {
      this.#object(JSON.parse(data.toString('utf8', start + 5, end)));
    } catch {
      // a data line that is not JSON carries no usage
    }
  }

  #object(value: unknown): void {
    const root = rec(value);
    if (!root) return;
    if (typeof root.model === 'string') this.usage.model = root.model;
    const type = root.type;
    if (type === 'message_start') {
      const message = rec(root.message);
      if (typeof message?.model === 'string') this.usage.model = message.model;
      this.#anthropic(rec(message?.usage));
      return;
    }
    if (type === 'message_delta') {
      this.#anthropic(rec(root.usage));
      return;
    }
    if (type === 'message') {
      this.#anthropic(rec(root.usage));
      return;
    }
    const response = rec(root.response);
    if (
      response &&
      (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed')
    ) {
      if (typeof response.model === 'string') this.usage.model = response.model;
      this.#openAI(rec(response.usage));
      return;
    }
    if (root.object === 'response') {
      this.#openAI(rec(root.usage));
      return;
    }
    this.#openAI(rec(root.usage));
  }

  #openAI(u: Json | undefined): void {
    if (!u) return;
    const responsesShape = 'input_tokens' in u;
    const input = responsesShape ? num(u.input_tokens) : num(u.prompt_tokens);
    const output = responsesShape ? num(u.output_tokens) : num(u.completion_tokens);
    const details = rec(responsesShape ? u.input_tokens_details : u.prompt_tokens_details);
    // DeepSeek reports its cache hits on their own.
    const cached =
      typeof u.prompt_cache_hit_tokens === 'number'
        ? num(u.prompt_cache_hit_tokens)
        : num(details?.cached_tokens);
    this.usage.inputTokens = input;
    this.usage.outputTokens = output;
    this.usage.cachedTokens = Math.min(cached, input);
    if (typeof u.cost === 'number' && Number.isFinite(u.cost) && u.cost >= 0) this.usage.costUsd = u.cost;
    this.usage.seen = true;
  }

  #anthropic(u: Json | undefined): void {
    if (!u) return;
    if ('input_tokens' in u || 'cache_read_input_tokens' in u) {
      const read = num(u.cache_read_input_tokens);
      const created = num(u.cache_creation_input_tokens);
      const base = num(u.input_tokens);
      // message_delta repeats input counts in newer API versions; the largest one seen is the total.
      this.#anthropicInput = Math.max(this.#anthropicInput, base + read + created);
      this.#anthropicCached = Math.max(this.#anthropicCached, read);
    }
    if ('output_tokens' in u)
      this.usage.outputTokens = Math.max(this.usage.outputTokens, num(u.output_tokens));
    this.usage.inputTokens = this.#anthropicInput;
    this.usage.cachedTokens = Math.min(this.#anthropicCached, this.#anthropicInput);
    this.usage.seen = true;
  }
}
