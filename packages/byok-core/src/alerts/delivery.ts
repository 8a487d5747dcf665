import { setTimeout as sleep } from 'node:timers/promises';
import { isBYOKError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { AlertsStore, StoredNotification } from '../store/alerts-store.js';
import type { Channels } from './channels.js';
import type { ResolvedAlertSettings } from './settings.js';
import type { SigningSecrets } from './signing-secrets.js';
import type {
  DeliveryAttempt,
  NotificationChannel,
  NotificationPayload,
  NotificationStatus,
  SendResult,
} from './types.js';

/** Where logs may say a notification went: a webhook's origin, an address's domain. Never paths or queries. */
function redactDestination(channel: NotificationChannel, destination: string | null): string | undefined {
  if (!destination) return undefined;
  if (channel === 'email') return `…@${destination.split('@').pop()}`;
  try {
    const url = new URL(destination);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '[invalid url]';
  }
}

export interface DeliveryOptions {
  store: Pick<AlertsStore, 'recordAttempt' | 'signingSecretOf'>;
  channels: Channels;
  /** Absent: alerts have no secret of their own and the global one signs. */
  secrets: SigningSecrets | undefined;
  settings: ResolvedAlertSettings;
  logger: Logger;
}

/**
 * Sends one claimed outbox row: attempt after attempt with exponential backoff until it is
 * delivered, fails for good, or runs out of attempts. Every attempt is recorded on the row and logged
 * (destinations redacted; no secret is ever in a log line, a record or an error).
 */
export class Delivery {
  readonly #options: DeliveryOptions;
  readonly #timeouts: Record<NotificationChannel, number>;

  constructor(options: DeliveryOptions) {
    this.#options = options;
    this.#timeouts = {
      webhook: options.settings.webhook.timeoutMs,
      email: options.settings.email.timeoutMs,
    };
  }

  #backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.#options.settings.retry;
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  }

  /**
   * The alert's own signing secret, read at each attempt so that a rotation applies to retries too.
   * Undefined: the alert has none (or is gone) and the global secret signs.
   */
  async #signingSecret(row: StoredNotification): Promise<string | undefined> {
    const secrets = this.#options.secrets;
    if (row.channel !== 'webhook' || !secrets) return undefined;
    const sealed = await this.#options.store.signingSecretOf(row.alertId, row.owner);
    return sealed ? secrets.open(row.alertId, row.owner, sealed) : undefined;
  }

  async #attempt(row: StoredNotification, attempt: number): Promise<SendResult> {
    const sender = this.#options.channels.sender(row.channel);
    if (!sender || !row.destination) {
      return { ok: false, retryable: false, error: `no ${row.channel} ${sender ? 'destination' : 'sender'}` };
    }
    let signingSecret: string | undefined;
    try {
      signingSecret = await this.#signingSecret(row);
    } catch (error) {
      // Never unsigned instead: a receiver that checks signatures would take it for a forgery.
      const code = isBYOKError(error) ? error.code : 'ERROR';
      return { ok: false, retryable: true, error: `signing secret unavailable (${code})` };
    }
    try {
      return await sender.send(
        {
          id: row.id,
          channel: row.channel,
          destination: row.destination,
          payload: row.payload as NotificationPayload,
          attempt,
          ...(signingSecret ? { signingSecret } : {}),
        },
        AbortSignal.timeout(this.#timeouts[row.channel]),
      );
    } catch (error) {
      return {
        ok: false,
        retryable: true,
        error: `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message}`,
      };
    }
  }

  async send(row: StoredNotification): Promise<void> {
    const { maxAttempts } = this.#options.settings.retry;
    const log = this.#options.logger.child({
      notificationId: row.id,
      alertId: row.alertId,
      channel: row.channel,
      destination: redactDestination(row.channel, row.destination),
    });
    for (let attempt = row.attempts + 1; ; attempt++) {
      const started = Date.now();
      const result = await this.#attempt(row, attempt);
      const record: DeliveryAttempt = {
        attempt,
        at: new Date(started).toISOString(),
        ok: result.ok,
        durationMs: Date.now() - started,
        ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
        ...(!result.ok ? { error: result.error } : {}),
      };
      const final = result.ok || !result.retryable || attempt >= maxAttempts;
      const status: Exclude<NotificationStatus, 'pending' | 'waiting'> = result.ok
        ? 'delivered'
        : final
          ? 'failed'
          : 'sending';
      await this.#options.store.recordAttempt(row, {
        attempt: record,
        status,
        error: result.ok ? null : result.error,
        leaseMs: this.#options.settings.leaseMs,
      });
      if (result.ok) {
        log.info(
          { attempt, statusCode: result.statusCode, durationMs: record.durationMs },
          'alert notification delivered',
        );
        return;
      }
      const fields = {
        attempt,
        statusCode: result.statusCode,
        durationMs: record.durationMs,
        error: result.error,
      };
      if (final) {
        log.error({ ...fields, maxAttempts }, 'alert notification failed; giving up');
        return;
      }
      const delayMs = this.#backoff(attempt);
      log.warn({ ...fields, retryInMs: delayMs }, 'alert notification attempt failed; will retry');
      await sleep(delayMs);
    }
  }
}
