export { AlertService, type AlertServiceOptions, MAX_ALERTS_PER_OWNER } from './alert-service.js';
export { alertEmail, EmailSender, type EmailSenderOptions, type MailTransport } from './email-sender.js';
export { type AlertPeriod, alertPeriod, isoWeek } from './periods.js';
export type {
  AlertNotificationPayload,
  AlertNotificationRecord,
  AlertType,
  CreateUsageAlertInput,
  DeliveryAttempt,
  KeyCompromisePayload,
  NotificationChannel,
  NotificationPayload,
  NotificationSender,
  NotificationStatus,
  OutboundNotification,
  SendResult,
  ThresholdPeriod,
  UsageAlert,
} from './types.js';
export {
  signWebhook,
  verifyWebhookSignature,
  WebhookSender,
  type WebhookSenderOptions,
} from './webhook-sender.js';
