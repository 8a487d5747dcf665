import { retryAfterMsFromHeaders } from './retry-after.js';
import type { Classification, ProviderOutcome } from './types.js';

const RETRYABLE_OUTCOMES: ReadonlySet<ProviderOutcome> = new Set<ProviderOutcome>([
  'rate_limited',
  'outage',
  'timeout',
  'network_error',
]);

/** True only for answers that say nothing about the key itself: rate limits, outages, timeouts, network errors. */
export function isRetryableOutcome(outcome: ProviderOutcome): boolean {
  return RETRYABLE_OUTCOMES.has(outcome);
}

const OUTCOME_TEXT: Readonly<Record<ProviderOutcome, string>> = {
  valid: 'accepted the key',
  invalid_key: 'rejected the key (invalid, revoked or expired)',
  revoked: 'reports the key or its account as revoked or closed',
  permission_denied: 'refused the request: the key lacks a permission',
  billing: 'refused the request for a billing reason (no credit, spend limit or inactive account)',
  rate_limited: 'is rate limiting this key; try again later',
  outage: 'is unavailable or overloaded; try again later',
  timeout: 'did not answer in time',
  network_error: 'could not be reached',
  unexpected: 'gave an unexpected answer',
};

export interface ClassificationDetails {
  statusCode?: number;
  providerCode?: string;
  /** The provider's own message; key-like tokens are redacted before it is used. */
  providerMessage?: string;
  retryAfterMs?: number;
  balance?: { amount: number; currency: string };
}

/** Builds a Classification with a secret-free message and `isRetryable` derived from the outcome. */
export function classification(
  providerName: string,
  outcome: ProviderOutcome,
  details: ClassificationDetails = {},
): Classification {
  const extra = sanitizeProviderMessage(details.providerMessage);
  const result: Classification = {
    outcome,
    isRetryable: isRetryableOutcome(outcome),
    message: `${providerName} ${OUTCOME_TEXT[outcome]}${extra ? `: ${extra}` : ''}`,
  };
  if (details.statusCode !== undefined) result.statusCode = details.statusCode;
  if (details.providerCode !== undefined) result.providerCode = details.providerCode;
  if (details.retryAfterMs !== undefined) result.retryAfterMs = details.retryAfterMs;
  if (details.balance !== undefined) result.balance = details.balance;
  return result;
}

type AnswerInfo = Pick<
  ClassificationDetails,
  'providerCode' | 'providerMessage' | 'retryAfterMs' | 'balance'
>;

/**
 * Classifies an HTTP answer as `outcome`; for rate limits and outages the wait comes from `info` (a body
 * field) or else from the Retry-After headers.
 */
export function classifyAs(
  providerName: string,
  outcome: ProviderOutcome,
  status: number,
  headers: Headers,
  info: AnswerInfo = {},
): Classification {
  const details: ClassificationDetails = { ...info, statusCode: status };
  if (outcome === 'rate_limited' || outcome === 'outage') {
    const retryAfterMs = info.retryAfterMs ?? retryAfterMsFromHeaders(headers);
    if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  }
  return classification(providerName, outcome, details);
}

/**
 * The status-code fallback every provider shares once it has read its own body fields:
 * 2xx valid, 401 invalid_key, 402 billing, 403 permission_denied, 408/5xx outage, 429 rate_limited.
 */
export function classifyByStatus(
  providerName: string,
  status: number,
  headers: Headers,
  info: AnswerInfo = {},
): Classification {
  return classifyAs(providerName, outcomeForStatus(status), status, headers, info);
}

/** The outcome a bare status code suggests when the body says nothing more specific. */
export function outcomeForStatus(status: number): ProviderOutcome {
  if (status >= 200 && status < 300) return 'valid';
  if (status === 401) return 'invalid_key';
  if (status === 402) return 'billing';
  if (status === 403) return 'permission_denied';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'outage';
  return 'unexpected';
}

// Anything shaped like a credential: prefixed keys (also partially masked echoes such as
// "sk-abc***wxyz"), Google keys, and any long opaque token.
const KEY_LIKE =
  /(?:\b(?:sk|pk|rk)[-_][A-Za-z0-9_*-]{3,})|(?:\bAIza[A-Za-z0-9_*-]{3,})|(?:\bAQ\.[A-Za-z0-9_*.-]{3,})|(?:[A-Za-z0-9_-]{32,})/g;

/** A provider message made safe to show: key-like tokens redacted, whitespace collapsed, length capped. */
export function sanitizeProviderMessage(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(KEY_LIKE, '[redacted]').replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

/** Replaces every occurrence of each secret in `text` (exact match, longest first). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/** The object at `value`, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Walks `path` through nested objects; undefined as soon as a step is not an object. */
export function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    const record = asRecord(current);
    if (!record) return undefined;
    current = record[key];
  }
  return current;
}

/** A string or finite number as a string; anything else undefined. */
export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A number or numeric string as a finite number; anything else undefined. */
export function asNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Reads the OpenAI-style error body `{"error":{"message","type","code"}}` (also used by DeepSeek, OpenRouter). */
export function openAIStyleError(body: unknown): { message?: string; type?: string; code?: string } {
  const error = pick(body, 'error');
  const result: { message?: string; type?: string; code?: string } = {};
  const message = asString(pick(error, 'message')) ?? (typeof error === 'string' ? error : undefined);
  const type = asString(pick(error, 'type'));
  const code = asString(pick(error, 'code'));
  if (message !== undefined) result.message = message;
  if (type !== undefined) result.type = type;
  if (code !== undefined) result.code = code;
  return result;
}

/** A provider's answer body: parsed JSON, the raw text when it is not JSON, undefined when empty. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
