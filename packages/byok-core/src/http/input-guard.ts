import type { MiddlewareHandler } from 'hono';
import { isIllFormedText } from '../text/well-formed.js';
import { invalid } from './problem.js';
import type { HttpEnv } from './types.js';

/** Keys that name an object's prototype machinery; no input of ours has them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest JSON nesting accepted; the API's bodies are three levels deep at most. */
export const MAX_JSON_DEPTH = 32;

/**
 * Why a parsed JSON value is refused, or null: an ill-formed string or key at any depth, a reserved
 * key, nesting past `MAX_JSON_DEPTH`. Iterative, so a deep document cannot exhaust the stack.
 */
export function jsonInputProblem(root: unknown): string | null {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value === 'string') {
      if (isIllFormedText(value)) return 'a string holds a NUL byte or a lone UTF-16 surrogate';
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `nesting is deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) return `the key "${key}" is not allowed`;
      if (isIllFormedText(key)) return 'a key holds a NUL byte or a lone UTF-16 surrogate';
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return null;
}

/** Percent-decodes one URL component; null when the bytes are not UTF-8 (e.g. `%ED%A0%80`, a surrogate). */
function decodeComponent(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Why the raw path or query of a URL is refused, or null. */
export function urlInputProblem(url: string): string | null {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const hash = url.indexOf('#');
  const rest = start === -1 ? '' : url.slice(start, hash === -1 ? undefined : hash);
  const queryAt = rest.indexOf('?');
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rest.slice(queryAt + 1);
  const decodedPath = decodeComponent(path);
  if (decodedPath === null || isIllFormedText(decodedPath)) {
    return 'Invalid path: malformed percent-encoding, invalid UTF-8 or a NUL byte';
  }
  if (query === '') return null;
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    const key = decodeComponent((equals === -1 ? pair : pair.slice(0, equals)).replaceAll('+', ' '));
    const value = equals === -1 ? '' : decodeComponent(pair.slice(equals + 1).replaceAll('+', ' '));
    if (key === null || value === null || isIllFormedText(key) || isIllFormedText(value)) {
      return 'Invalid query: malformed percent-encoding, invalid UTF-8 or a NUL byte';
    }
    if (RESERVED_KEYS.has(key)) return `Invalid query: the parameter "${key}" is not allowed`;
  }
  return null;
}

/** Headers the API reads; each is refused when it holds a NUL byte or a lone surrogate. */
const READ_HEADERS = [
  'authorization',
  'x-byok-user-id',
  'x-request-id',
  'user-agent',
  'content-type',
  'x-forwarded-for',
];

/**
 * Refuses, with 400 INVALID_INPUT and before authentication, a request whose path, query or read
 * headers are not well-formed text. Bodies are checked where they are parsed (`jsonBody`).
 */
export function wellFormedInput(): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const problem = urlInputProblem(c.req.url);
    if (problem) throw invalid(problem);
    for (const name of READ_HEADERS) {
      const value = c.req.header(name);
      if (value !== undefined && isIllFormedText(value)) throw invalid(`Invalid header: ${name}`);
    }
    return next();
  };
}
