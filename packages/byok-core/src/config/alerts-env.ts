import type { AlertSettings } from '../alerts/settings.js';

/**
 * The alert settings the environment gives: `BYOK_ALERT_WEBHOOK_SECRET`, `BYOK_ALERT_WEBHOOK_URL`,
 * `BYOK_SMTP_URL`, `BYOK_ALERT_EMAIL_FROM`, `BYOK_ALERT_EMAIL_TO`. Empty values count as unset.
 * The one place these variables are read; the wiring passes the result to `AlertService`.
 */
export function alertSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): AlertSettings {
  const value = (name: string): string | undefined => env[name] || undefined;
  return {
    webhook: { secret: value('BYOK_ALERT_WEBHOOK_SECRET'), defaultUrl: value('BYOK_ALERT_WEBHOOK_URL') },
    email: {
      smtpUrl: value('BYOK_SMTP_URL'),
      from: value('BYOK_ALERT_EMAIL_FROM'),
      defaultTo: value('BYOK_ALERT_EMAIL_TO'),
    },
  };
}
