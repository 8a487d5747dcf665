import type { Logger } from '../logging/index.js';
import { EmailSender } from './email-sender.js';
import type { ResolvedAlertSettings } from './settings.js';
import type { NotificationChannel, NotificationSender } from './types.js';
import { WebhookSender } from './webhook-sender.js';

/** Where an alert says its notifications go. */
export interface AlertDestinations {
  notificationChannels: readonly NotificationChannel[];
  webhookUrl: string | null;
  email: string | null;
}

/**
 * The senders this service has (webhook always; e-mail with an SMTP URL or an injected sender) and
 * where each channel of an alert delivers: the alert's own destination, the user's address
 * (e-mail), then the configured default.
 */
export class Channels {
  readonly #senders = new Map<NotificationChannel, NotificationSender>();
  readonly #defaults: Record<NotificationChannel, string | undefined>;

  constructor(
    settings: ResolvedAlertSettings,
    logger: Logger,
    extra: Partial<Record<NotificationChannel, NotificationSender>> = {},
  ) {
    this.#defaults = { webhook: settings.webhook.defaultUrl, email: settings.email.defaultTo };
    this.#senders.set(
      'webhook',
      new WebhookSender({
        secret: settings.webhook.secret,
        allowPrivateHosts: settings.webhook.allowPrivateHosts,
        trustedDestinations: settings.webhook.defaultUrl ? [settings.webhook.defaultUrl] : [],
        resolve: settings.webhook.resolve,
        onUnsigned: () =>
          logger.warn(
            'an alert without a signing secret of its own and no BYOK_ALERT_WEBHOOK_SECRET: its webhooks are sent without a signature',
          ),
      }),
    );
    if (settings.email.smtpUrl) {
      this.#senders.set(
        'email',
        new EmailSender({ smtpUrl: settings.email.smtpUrl, from: settings.email.from }),
      );
    }
    for (const [channel, sender] of Object.entries(extra)) {
      if (sender) this.#senders.set(channel as NotificationChannel, sender);
    }
  }

  sender(channel: NotificationChannel): NotificationSender | undefined {
    return this.#senders.get(channel);
  }

  /** The channels that have a sender. */
  available(): NotificationChannel[] {
    return [...this.#senders.keys()];
  }

  /** The configured default destination of a channel. */
  fallback(channel: NotificationChannel): string | undefined {
    return this.#defaults[channel];
  }

  /** Where a channel's notification goes: the alert's own, the user's address (e-mail), the default. */
  destination(
    channel: NotificationChannel,
    alert: AlertDestinations,
    userEmail: string | null,
  ): string | undefined {
    if (channel === 'webhook') return alert.webhookUrl ?? this.#defaults.webhook;
    return alert.email ?? userEmail ?? this.#defaults.email;
  }

  /** What keeps each channel of an alert from delivering now, worded for people; empty when nothing does. */
  problems(alert: AlertDestinations, userEmail: string | null): string[] {
    const problems: string[] = [];
    for (const channel of alert.notificationChannels) {
      if (!this.#senders.has(channel)) {
        problems.push(`${channel}: no SMTP server is configured (BYOK_SMTP_URL)`);
      } else if (!this.destination(channel, alert, userEmail)) {
        problems.push(
          channel === 'webhook'
            ? 'webhook: no URL (the alert has no webhookUrl and BYOK_ALERT_WEBHOOK_URL is not set)'
            : 'email: no address (not on the alert, the user record or BYOK_ALERT_EMAIL_TO)',
        );
      }
    }
    return problems;
  }

  /** Why a notification of this channel must wait, as recorded on the outbox row; null when it can go now. */
  waitReason(channel: NotificationChannel, destination: string | undefined): string | null {
    if (!this.#senders.has(channel)) return `no ${channel} sender is configured`;
    if (!destination) return `no ${channel} destination is configured`;
    return null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#senders.values()].map((sender) => sender.close?.()));
  }
}
