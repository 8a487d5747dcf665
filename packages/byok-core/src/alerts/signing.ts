import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header every webhook delivery carries: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'byok-signature';
/** Prefix of per-alert signing secrets. */
const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 300;

/** A fresh per-alert signing secret: `whsec_` and 32 random bytes (base64url). */
export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

const hmacHex = (secret: string, timestamp: string, body: string | Uint8Array): string =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

/** The `byok-signature` header value for `body` sent at `timestamp` (unix seconds). */
export function alertSignatureHeader(secret: string, timestamp: number, body: string | Uint8Array): string {
  const t = String(Math.floor(timestamp));
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

type HeaderBag =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null };

function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

export interface VerifyAlertWebhookOptions {
  /** How far the `t=` timestamp may be from now, seconds (either way). Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock; default now. */
  now?: Date;
}

/**
 * Checks an alert webhook on the receiving side: the `byok-signature` header must carry a `v1`
 * HMAC-SHA256 of `"<t>.<raw body>"` under the alert's signing secret, and its `t` must be within
 * `toleranceSeconds` of now, so that a captured delivery cannot be replayed later. Compares in
 * constant time. Pass the raw body exactly as received (not re-serialised JSON).
 *
 * @example
 * import { verifyAlertWebhook } from '@stack-2025/byok-core';
 *
 * app.post('/byok-alerts', express.raw({ type: 'application/json' }), (req, res) => {
 *   if (!verifyAlertWebhook(alertSigningSecret, req.headers, req.body)) {
 *     return res.status(400).end();
 *   }
 *   const event = JSON.parse(req.body.toString('utf8'));
 *   res.status(204).end();
 * });
 */
export function verifyAlertWebhook(
  secret: string,
  headers: HeaderBag,
  body: string | Uint8Array,
  options: VerifyAlertWebhookOptions = {},
): boolean {
  if (!secret) return false;
  const header = headerValue(headers, SIGNATURE_HEADER);
  if (!header || header.length > 1024) return false;
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined) timestamp = value;
    else if (key === 'v1' && value !== undefined) signatures.push(value);
  }
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'utf8');
  let ok = false;
  for (const signature of signatures) {
    const given = Buffer.from(signature, 'utf8');
    // Every candidate is compared, so the time taken does not tell which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the legacy `x-byok-signature` header, made
 * with the global `BYOK_ALERT_WEBHOOK_SECRET`. Kept for receivers set up before per-alert secrets.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks the legacy `x-byok-timestamp` / `x-byok-signature` pair (global secret). New receivers
 * use {@link verifyAlertWebhook} with the alert's own secret.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string | undefined | null;
  signature: string | undefined | null;
  body: string;
  toleranceSeconds?: number;
  now?: Date;
}): boolean {
  const { secret, timestamp, signature, body } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
