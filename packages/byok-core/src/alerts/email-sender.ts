import { createTransport, type SendMailOptions } from 'nodemailer';
import { BYOKError } from '../errors/index.js';
import type {
  AlertNotificationPayload,
  KeyCompromisePayload,
  NotificationPayload,
  NotificationSender,
  OutboundNotification,
  SendResult,
} from './types.js';

/** The part of a nodemailer transporter this sender uses. */
export interface MailTransport {
  sendMail(options: SendMailOptions): Promise<unknown>;
  close(): void;
}

export interface EmailSenderOptions {
  /** SMTP connection URL (`BYOK_SMTP_URL`), e.g. `smtps://user:pass@smtp.example.com`. */
  smtpUrl?: string | undefined;
  /** A ready transporter instead of `smtpUrl`. */
  transport?: MailTransport;
  /** Sender address (`BYOK_ALERT_EMAIL_FROM`). */
  from: string;
}

const UNIT_TEXT: Record<AlertNotificationPayload['unit'], (value: number) => string> = {
  USD: (value) => `$${value.toFixed(2)}`,
  requests: (value) => `${value} requests`,
  tokens: (value) => `${value} tokens`,
  errors: (value) => `${value} failed requests`,
};

const PERIOD_TEXT = { daily: 'today', weekly: 'this week', monthly: 'this month' } as const;

function compromiseEmail(payload: KeyCompromisePayload): { subject: string; text: string } {
  const lines = [
    `A security incident (${payload.incident.id}, ${payload.incident.startedAt}) may have exposed stored API keys of ${payload.owner.type} ${payload.owner.id}.`,
    `Reason: ${payload.incident.reason}`,
    '',
    'These keys are no longer used. Revoke each one at its provider, create a new one, and enter it again:',
    ...payload.keys.map((key) => `- ${key.provider} ${key.alias ?? key.id} (${key.hint})`),
  ];
  return { subject: '[BYOK] Action needed: re-enter your API keys', text: lines.join('\n') };
}

/** Subject and plain-text body of a notification e-mail: a fired alert or a key-compromise notice. */
export function alertEmail(payload: NotificationPayload): { subject: string; text: string } {
  if (payload.type === 'key_compromise.notice') return compromiseEmail(payload);
  const format = UNIT_TEXT[payload.unit];
  const subject = `[BYOK] Usage alert: ${payload.alert.alertType} reached ${format(payload.value)} ${
    PERIOD_TEXT[payload.alert.thresholdPeriod]
  } (${payload.period.label})`;
  const lines = [
    `Usage of ${payload.owner.type} ${payload.owner.id} crossed an alert threshold.`,
    '',
    `Alert:      ${payload.alert.id} (${payload.alert.alertType}, ${payload.alert.thresholdPeriod})`,
    `Threshold:  ${format(payload.alert.thresholdValue)}`,
    `Now:        ${format(payload.value)}`,
    `Period:     ${payload.period.label} (${payload.period.start} to ${payload.period.end}, UTC)`,
    `Fired at:   ${payload.firedAt}`,
  ];
  if (payload.unit === 'USD' && payload.unpricedRequests > 0) {
    lines.push(
      `Note:       ${payload.unpricedRequests} requests in this period have no known price and are not counted.`,
    );
  }
  lines.push('', 'This alert fires once per period.');
  return { subject, text: lines.join('\n') };
}

/** Sends alert e-mails through SMTP with nodemailer. One attempt per call. */
export class EmailSender implements NotificationSender {
  readonly channel = 'email' as const;
  readonly #options: EmailSenderOptions;
  #transport: MailTransport | undefined;

  constructor(options: EmailSenderOptions) {
    if (!options.transport && !options.smtpUrl)
      throw new BYOKError('INVALID_CONFIG', 'EmailSender needs smtpUrl or transport');
    this.#options = options;
    this.#transport = options.transport;
  }

  #mailer(): MailTransport {
    this.#transport ??= createTransport(this.#options.smtpUrl as string);
    return this.#transport;
  }

  async send(notification: OutboundNotification, signal: AbortSignal): Promise<SendResult> {
    const { subject, text } = alertEmail(notification.payload);
    try {
      await this.#mailer().sendMail({
        from: this.#options.from,
        to: notification.destination,
        subject,
        text,
        headers: { 'X-BYOK-Delivery': notification.id, 'X-BYOK-Event-Id': notification.payload.id },
        signal,
      });
      return { ok: true };
    } catch (error) {
      const e = error as { code?: string; responseCode?: number; permanent?: boolean; message?: string };
      // nodemailer marks 5xx replies (except 503) permanent; connection problems and 4xx are worth a retry.
      return {
        ok: false,
        retryable: e.permanent !== true,
        ...(e.responseCode ? { statusCode: e.responseCode } : {}),
        error: `${e.code ?? 'EMAIL'}: ${String(e.message ?? error).slice(0, 300)}`,
      };
    }
  }

  async close(): Promise<void> {
    this.#transport?.close();
  }
}
