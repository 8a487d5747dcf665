/**
 * The root `model` and `usage` of a JSON answer read from its bytes, without parsing all of it —
 * for the usage tap, whose big answers (embeddings: megabytes of numbers) would otherwise block the
 * event loop for tens of milliseconds.
 */

/** Whether `data` starts with a UTF-8 byte order mark. */
export const hasBom = (data: Buffer): boolean => data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const USAGE_KEY = Buffer.from('"usage"');
const MODEL_KEY = Buffer.from('"model"');
const TYPE_KEY = Buffer.from('"type"');
const UNICODE_ESCAPE = Buffer.from('\\u');
const isSpace = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** The first byte at or after `at` that is not JSON whitespace. */
function skipSpace(data: Buffer, at: number): number {
  let i = at;
  while (isSpace(data[i])) i++;
  return i;
}

/** Whether the key whose opening quote is at `at` starts an object member (`{` or `,` before it). */
function startsMember(data: Buffer, at: number): boolean {
  let i = at - 1;
  while (isSpace(data[i])) i--;
  return data[i] === COMMA || data[i] === OPEN_BRACE;
}

/** Where the JSON string that opens at `at` closes (its unescaped quote), or -1. */
function stringEnd(data: Buffer, at: number): number {
  let close = data.indexOf(QUOTE, at + 1);
  while (close !== -1) {
    let backslashes = 0;
    while (data[close - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close;
    close = data.indexOf(QUOTE, close + 1);
  }
  return -1;
}

const UNPROVEN = Symbol('unproven');

/**
 * The root's `model` when its bytes prove it (the key written once in the whole answer, a member of
 * the root: no `{` or `[` before it, or the member just before the root's `usage`); undefined when
 * the root has no string `model`; UNPROVEN otherwise.
 */
function rootModel(data: Buffer, root: number, usageKey: number): string | undefined | typeof UNPROVEN {
  const key = data.indexOf(MODEL_KEY, root);
  if (key === -1) return undefined;
  if (data.indexOf(MODEL_KEY, key + 1) !== -1 || !startsMember(data, key)) return UNPROVEN;
  const colon = skipSpace(data, key + MODEL_KEY.length);
  if (data[colon] !== COLON) return UNPROVEN;
  const value = skipSpace(data, colon + 1);
  if (data[value] !== QUOTE) return undefined; // written once and not a string: no root string either
  const close = stringEnd(data, value);
  if (close === -1) return UNPROVEN;
  const opened = (byte: number) => {
    const at = data.indexOf(byte, root + 1);
    return at !== -1 && at < key;
  };
  const next = skipSpace(data, close + 1);
  const beforeUsage = data[next] === COMMA && skipSpace(data, next + 1) === usageKey;
  if (!beforeUsage && (opened(OPEN_BRACE) || opened(OPEN_BRACKET))) return UNPROVEN;
  return JSON.parse(data.toString('utf8', value, close + 1)) as string;
}

/**
 * The root members a JSON answer's usage is read from (`model`, `usage`), without parsing the whole
 * answer (an embeddings answer can be megabytes of numbers) — only when the bytes prove that
 * `JSON.parse` would give the same: no `type` key anywhere (it selects another reading), no `\u`
 * escape (a key spelt with one could be any of these), and the last `"usage"` a key whose value
 * runs to the root's closing brace (so it is the root's last member, the one `JSON.parse` keeps). Undefined when not proven: the caller parses the whole answer. An
 * answer that is not valid JSON elsewhere still has its trailing usage read.
 */
export function rootTail(data: Buffer): { model?: string; usage: unknown } | undefined {
  const root = skipSpace(data, hasBom(data) ? 3 : 0);
  let end = data.length - 1;
  while (end > root && isSpace(data[end])) end--;
  if (data[root] !== OPEN_BRACE || data[end] !== CLOSE_BRACE) return undefined;
  if (data.includes(TYPE_KEY, root) || data.includes(UNICODE_ESCAPE, root)) return undefined;
  const usageKey = data.lastIndexOf(USAGE_KEY, end);
  if (usageKey <= root || !startsMember(data, usageKey)) return undefined;
  const colon = skipSpace(data, usageKey + USAGE_KEY.length);
  if (data[colon] !== COLON) return undefined;
  let usage: unknown;
  let model: string | undefined | typeof UNPROVEN;
  try {
    usage = JSON.parse(data.toString('utf8', colon + 1, end));
    model = rootModel(data, root, usageKey);
  } catch {
    return undefined;
  }
  if (model === UNPROVEN) return undefined;
  return model === undefined ? { usage } : { model, usage };
}
