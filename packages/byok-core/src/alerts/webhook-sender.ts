import {
  DestinationRefusedError,
  type HostResolver,
  pinnedPost,
  type ResolvedAddress,
  resolveDestination,
} from '../outbound/index.js';
import { alertSignatureHeader, SIGNATURE_HEADER, signWebhook } from './signing.js';
import type { NotificationSender, OutboundNotification, SendResult } from './types.js';

export interface WebhookSenderOptions {
  /**
   * Global signing key (`BYOK_ALERT_WEBHOOK_SECRET`): signs `byok-signature` when a notification
   * carries no secret of its own, and the legacy `x-byok-signature` header whenever it is set.
   */
  secret?: string | undefined;
  /**
   * Deliver to this machine and private networks too (development, or where every user is trusted).
   * Default false: a destination is resolved and refused when any of its addresses is not public.
   */
  allowPrivateHosts?: boolean | undefined;
  /**
   * Destinations the operator configured (`BYOK_ALERT_WEBHOOK_URL`): trusted, so they may be
   * internal. Compared as exact strings; every other destination is checked.
   */
  trustedDestinations?: readonly string[];
  /** Resolves destination host names; injected in tests. Default `dns.lookup` (all addresses). */
  resolve?: HostResolver | undefined;
  /**
   * Replaces the transport (tests). The address check still runs first; the default transport
   * also connects only to the checked addresses.
   */
  fetch?: typeof fetch;
  /** Called once, the first time a webhook goes out unsigned (no own secret and no global one). */
  onUnsigned?: () => void;
}

/** A short reason for a failed request: error name, message and network code, never the URL's path or query. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return `${error.name}: ${error.message}${code}`;
}

/**
 * POSTs the notification as JSON, signed in `byok-signature` (`t=<unix>,v1=<hex>`) with the
 * notification's own secret, or the global one for alerts that have none. With a global secret the
 * legacy `x-byok-timestamp` / `x-byok-signature` pair is sent too. One attempt per call.
 */
export class WebhookSender implements NotificationSender {
  readonly channel = 'webhook' as const;
  readonly #secret: string | undefined;
  readonly #fetch: typeof fetch | undefined;
  readonly #allowPrivate: boolean;
  readonly #resolve: HostResolver | undefined;
  readonly #trusted: ReadonlySet<string>;
  #onUnsigned: (() => void) | undefined;

  constructor(options: WebhookSenderOptions = {}) {
    this.#secret = options.secret || undefined;
    this.#fetch = options.fetch;
    this.#allowPrivate = options.allowPrivateHosts ?? false;
    this.#resolve = options.resolve;
    this.#trusted = new Set(options.trustedDestinations ?? []);
    this.#onUnsigned = options.onUnsigned;
  }

  async send(notification: OutboundNotification, signal: AbortSignal): Promise<SendResult> {
    const url = URL.canParse(notification.destination) ? new URL(notification.destination) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      return { ok: false, retryable: false, error: 'destination is not an http(s) URL' };
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolveDestination(url.hostname, {
        allowPrivate: this.#allowPrivate || this.#trusted.has(notification.destination),
        ...(this.#resolve ? { resolve: this.#resolve } : {}),
      });
    } catch (error) {
      // A refused address stays refused; a failed lookup may work on the next attempt.
      const refused = error instanceof DestinationRefusedError;
      return { ok: false, retryable: !refused, error: describeFetchError(error) };
    }
    const body = JSON.stringify(notification.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'byok-alerts/1',
      'x-byok-event': notification.payload.type,
      'x-byok-delivery': notification.id,
      'x-byok-timestamp': timestamp,
    };
    const signingSecret = notification.signingSecret || this.#secret;
    if (signingSecret)
      headers[SIGNATURE_HEADER] = alertSignatureHeader(signingSecret, Number(timestamp), body);
    else {
      this.#onUnsigned?.();
      this.#onUnsigned = undefined;
    }
    if (this.#secret) headers['x-byok-signature'] = signWebhook(this.#secret, timestamp, body);
    let statusCode: number;
    try {
      // Redirects are not followed: a signed alert goes only where it was configured to go.
      if (this.#fetch) {
        const response = await this.#fetch(url, {
          method: 'POST',
          headers,
          body,
          signal,
          redirect: 'manual',
        });
        await response.body?.cancel().catch(() => undefined);
        statusCode = response.status;
      } else {
        statusCode = (await pinnedPost({ url, addresses, headers, body, signal })).status;
      }
    } catch (error) {
      return { ok: false, retryable: true, error: describeFetchError(error) };
    }
    if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode };
    const retryable = statusCode === 408 || statusCode === 429 || statusCode >= 500;
    return { ok: false, retryable, statusCode, error: `HTTP ${statusCode}` };
  }
}
