import type { HostResolver } from '../outbound/index.js';

/**
 * What the alert service is configured with. Every field is optional; {@link resolveAlertSettings}
 * fills the defaults. Nothing in `alerts/` reads the environment: `config/alerts-env.ts` maps the
 * `BYOK_ALERT_*` and `BYOK_SMTP_URL` variables onto this shape at the wiring step.
 */
export interface AlertSettings {
  webhook?: {
    /**
     * Global signing secret: signs the deliveries of alerts that have no secret of their own
     * (created before per-alert secrets), and the legacy `x-byok-signature` header of every delivery.
     */
    secret?: string | undefined;
    /** Used by alerts that have no `webhookUrl`. Trusted: it may point at a private network. */
    defaultUrl?: string | undefined;
    /** Limit of one attempt, ms. Default 10,000. */
    timeoutMs?: number | undefined;
    /** Deliver to this machine and private networks too. Default false (see `WebhookSenderOptions`). */
    allowPrivateHosts?: boolean | undefined;
    /** Resolves webhook host names; injected in tests. */
    resolve?: HostResolver | undefined;
  };
  email?: {
    /** SMTP connection URL. Without it (and without a `senders.email`), e-mail notifications wait. */
    smtpUrl?: string | undefined;
    /** Sender address. Default `byok-alerts@localhost`. */
    from?: string | undefined;
    /** Used by alerts that have no `email` and owners without an address on record. */
    defaultTo?: string | undefined;
    /** Limit of one attempt, ms. Default 30,000. */
    timeoutMs?: number | undefined;
  };
  /** Delivery retries: `maxAttempts` tries in all, waiting `baseDelayMs · 2^(n-1)` (±20 %, at most `maxDelayMs`) between. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
}

/** {@link AlertSettings} with every default applied. */
export interface ResolvedAlertSettings {
  webhook: {
    secret: string | undefined;
    defaultUrl: string | undefined;
    timeoutMs: number;
    allowPrivateHosts: boolean;
    resolve: HostResolver | undefined;
  };
  email: { smtpUrl: string | undefined; from: string; defaultTo: string | undefined; timeoutMs: number };
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  /** How long a claimed outbox row stays claimed after each attempt starts; after that a sweep may take it over. */
  leaseMs: number;
}

export function resolveAlertSettings(settings: AlertSettings): ResolvedAlertSettings {
  const retry = {
    maxAttempts: Math.max(1, settings.retry?.maxAttempts ?? 5),
    baseDelayMs: Math.max(0, settings.retry?.baseDelayMs ?? 1000),
    maxDelayMs: Math.max(0, settings.retry?.maxDelayMs ?? 30_000),
  };
  const webhook = {
    secret: settings.webhook?.secret || undefined,
    defaultUrl: settings.webhook?.defaultUrl || undefined,
    timeoutMs: settings.webhook?.timeoutMs ?? 10_000,
    allowPrivateHosts: settings.webhook?.allowPrivateHosts ?? false,
    resolve: settings.webhook?.resolve,
  };
  const email = {
    smtpUrl: settings.email?.smtpUrl || undefined,
    from: settings.email?.from || 'byok-alerts@localhost',
    defaultTo: settings.email?.defaultTo || undefined,
    timeoutMs: settings.email?.timeoutMs ?? 30_000,
  };
  return {
    webhook,
    email,
    retry,
    leaseMs: Math.max(webhook.timeoutMs, email.timeoutMs) + retry.maxDelayMs + 30_000,
  };
}
