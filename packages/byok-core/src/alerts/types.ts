import type { Owner } from '../crypto/index.js';
import type { StoredAttempt } from '../store/alerts-store.js';

/** What an alert watches: USD spent (priced usage only), requests, tokens (input + output) or failed requests. */
export type AlertType = 'cost' | 'requests' | 'tokens' | 'errors';
/** The window an alert adds usage over, in UTC: a day, an ISO week (Monday to Sunday) or a month. */
export type ThresholdPeriod = 'daily' | 'weekly' | 'monthly';
export type NotificationChannel = 'webhook' | 'email';

/** Input of `createUsageAlert`; the spec's shape. */
export interface CreateUsageAlertInput {
  userId?: string;
  workspaceId?: string;
  alertType: AlertType;
  /** Fires when the period's total reaches this value (USD for `cost`). */
  thresholdValue: number;
  thresholdPeriod: ThresholdPeriod;
  notificationChannels: NotificationChannel[];
  /** Where the webhook goes; default `BYOK_ALERT_WEBHOOK_URL`. */
  webhookUrl?: string;
  /** Who gets the e-mail; default the user's address (user record), then `BYOK_ALERT_EMAIL_TO`. */
  email?: string;
}

export interface UsageAlert {
  id: string;
  owner: Owner;
  userId: string | null;
  workspaceId: string | null;
  alertType: AlertType;
  thresholdValue: number;
  thresholdPeriod: ThresholdPeriod;
  notificationChannels: NotificationChannel[];
  /** The alert's own webhook URL; null means the default (`BYOK_ALERT_WEBHOOK_URL`) is used. */
  webhookUrl: string | null;
  /** The alert's own address; null means the default (`BYOK_ALERT_EMAIL_TO`) is used. */
  email: string | null;
  /**
   * Why a channel cannot deliver right now (`email: no SMTP server is configured (BYOK_SMTP_URL)`);
   * empty when every channel can. Notifications of such a channel wait and go out once it is configured.
   */
  channelProblems: string[];
  /** Notifications of this alert not delivered yet (waiting for configuration, queued or being sent). */
  undeliveredNotifications: number;
  /** Its latest delivery attempt (any channel), or null when none was made yet. */
  lastDelivery: AlertDelivery | null;
  /** Whether it signs its webhooks with a secret of its own (false: the global secret, if any). */
  hasSigningSecret: boolean;
  /** When its signing secret was last rotated; null if never. */
  signingSecretRotatedAt: Date | null;
  /** The last period it fired in (`2026-11-21`, `2026-W47`, `2026-11`), or null. */
  lastFiredPeriod: string | null;
  lastFiredAt: Date | null;
  createdAt: Date;
}

/** The latest delivery attempt of an alert's notifications. */
export interface AlertDelivery {
  at: Date;
  channel: NotificationChannel;
  /** `retrying`: this attempt failed and another one is due. */
  status: 'delivered' | 'failed' | 'retrying';
  /** The receiver's HTTP status (or SMTP reply code), when there was an answer. */
  statusCode: number | null;
  /** A stable short code of the failure (`HTTP_503`, `ECONNREFUSED`, `TIMEOUT`, `NO_DESTINATION`…); null when delivered. */
  errorCode: string | null;
}

/** What `createUsageAlert` returns: the alert and, this once, its webhook signing secret. */
export interface CreatedUsageAlert extends UsageAlert {
  /**
   * The secret its webhooks are signed with (`whsec_…`); shown only here and on rotation. Null
   * when the service was built without a data-key service (the global secret signs then).
   */
  signingSecret: string | null;
}

/** What a fired alert says. The webhook body is this object as JSON; the e-mail is written from it. */
export interface AlertNotificationPayload {
  type: 'usage_alert.fired';
  /** Stable per alert and period (`alert_…:2026-11`): receivers can drop repeats with it. */
  id: string;
  alert: {
    id: string;
    alertType: AlertType;
    thresholdValue: number;
    thresholdPeriod: ThresholdPeriod;
  };
  owner: Owner;
  period: { label: string; start: string; end: string };
  /** The period's total when the threshold was crossed. */
  value: number;
  unit: 'USD' | 'requests' | 'tokens' | 'errors';
  /** Requests in the period that had no price: a cost total leaves them out. */
  unpricedRequests: number;
  firedAt: string;
}

/** What an owner is told when a security incident marks their keys compromised. */
export interface KeyCompromisePayload {
  type: 'key_compromise.notice';
  /** Stable per incident and owner (`inc_…`): receivers can drop repeats with it. */
  id: string;
  incident: { id: string; startedAt: string; reason: string };
  owner: Owner;
  /** The keys that are no longer served until their secret is entered again. */
  keys: { id: string; provider: string; alias: string | null; hint: string }[];
}

/** Anything the outbox delivers: a fired usage alert or a key-compromise notice. */
export type NotificationPayload = AlertNotificationPayload | KeyCompromisePayload;

/** One notification on its way to one destination. */
export interface OutboundNotification {
  /** Outbox row id; sent as `x-byok-delivery` so that a receiver can tell retries apart from repeats. */
  id: string;
  channel: NotificationChannel;
  /** Webhook URL or e-mail address. */
  destination: string;
  payload: NotificationPayload;
  /** 1 for the first try. */
  attempt: number;
  /** The alert's own webhook signing secret (plaintext, in memory only); absent for alerts made before per-alert secrets. */
  signingSecret?: string | undefined;
}

export type SendResult =
  | { ok: true; statusCode?: number; detail?: string }
  | { ok: false; retryable: boolean; statusCode?: number; error: string };

/**
 * A way to deliver alert notifications (webhook, e-mail).
 *
 * `send` makes exactly one attempt and never throws for a delivery failure: it resolves with
 * `ok: false` and says whether trying again can help. The alert service retries with exponential
 * backoff, records every attempt in the outbox row and logs it. Nothing a sender returns may hold
 * a secret (signing key, SMTP password).
 */
export interface NotificationSender {
  readonly channel: NotificationChannel;
  send(notification: OutboundNotification, signal: AbortSignal): Promise<SendResult>;
  /** Releases connections (an SMTP pool). */
  close?(): Promise<void>;
}

/** One delivery attempt as the outbox row records it. */
export type DeliveryAttempt = StoredAttempt;

/** `waiting`: the channel is not configured yet (no SMTP server, URL or address); sent once it is. */
export type NotificationStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'waiting';

/** An outbox row: one notification of one fired alert to one channel. */
export interface AlertNotificationRecord {
  id: string;
  alertId: string;
  channel: NotificationChannel;
  period: string;
  status: NotificationStatus;
  attempts: number;
  attemptLog: DeliveryAttempt[];
  lastError: string | null;
  payload: NotificationPayload;
  createdAt: Date;
  deliveredAt: Date | null;
}
