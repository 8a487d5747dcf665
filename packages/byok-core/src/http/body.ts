import type { MiddlewareHandler } from 'hono';
import { jsonInputProblem } from './input-guard.js';
import { invalid, payloadTooLarge, unsupportedMediaType } from './problem.js';
import type { HttpEnv } from './types.js';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;.*)?$/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Reads a stream to its end, refusing it as soon as it grows past `maxBytes` (whatever Content-Length said). */
async function readLimited(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not cancelled: cancelling would destroy the socket before the 413 is written. The server
      // drains what is left and closes the connection (the answer says `Connection: close`).
      reader.releaseLock();
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads and parses a JSON body once, before validation: 415 for another content type, 413 past
 * `maxBytes` (counted while reading), 400 for malformed JSON, invalid UTF-8, a NUL byte or lone
 * surrogate in any string or key, a `__proto__`/`constructor` key, or nesting past 32 levels. An
 * empty body is treated as no body at all, so that `POST …/revoke` works with or without `{}`.
 * The text read is handed on as a new request body, so the validators read it again from memory.
 */
export function jsonBody(maxBytes: number): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    if (!BODY_METHODS.has(c.req.method)) return next();
    const contentType = c.req.header('content-type');
    if (contentType && !JSON_TYPE.test(contentType)) throw unsupportedMediaType();
    const declared = Number(c.req.header('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge(maxBytes);
    const raw = c.req.raw;
    const bytes = raw.body ? await readLimited(raw.body, maxBytes) : new Uint8Array(0);
    const text = decodeUtf8(bytes);
    if (text.trim() === '') {
      const headers = new Headers(raw.headers);
      headers.delete('content-type');
      headers.delete('content-length');
      c.req.raw = new Request(raw.url, { method: raw.method, headers });
      return next();
    }
    if (!contentType) throw unsupportedMediaType();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalid('Request body is not valid JSON');
    }
    const problem = jsonInputProblem(parsed);
    if (problem) throw invalid(`Invalid request body: ${problem}`);
    c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, body: text });
    return next();
  };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid('Request body is not valid UTF-8');
  }
}
