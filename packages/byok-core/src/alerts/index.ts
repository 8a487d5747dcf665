export { AlertService, type AlertServiceOptions, MAX_ALERTS_PER_OWNER } from './alert-service.js';
export { alertEmail, EmailSender, type EmailSenderOptions, type MailTransport } from './email-sender.js';
export { type AlertPeriod, alertPeriod, isoWeek } from './periods.js';
export { type AlertSettings, type ResolvedAlertSettings, resolveAlertSettings } from './settings.js';
export {
  alertSignatureHeader,
  generateSigningSecret,
  SIGNATURE_HEADER,
  signWebhook,
  type VerifyAlertWebhookOptions,
  verifyAlertWebhook,
  verifyWebhookSignature,
} from './signing.js';
export type { OwnerDataKeys } from './signing-secrets.js';
export type {
  AlertDelivery,
  AlertNotificationPayload,
  AlertNotificationRecord,
  AlertType,
  CreatedUsageAlert,
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
export { WebhookSender, type WebhookSenderOptions } from './webhook-sender.js';
