import { describe, expect, it } from 'vitest';
import { resolveAlertSettings } from '../alerts/settings.js';
import { alertSettingsFromEnv } from './alerts-env.js';

describe('alertSettingsFromEnv', () => {
  it('maps the alert variables onto the settings', () => {
    expect(
      alertSettingsFromEnv({
        BYOK_ALERT_WEBHOOK_SECRET: 'global',
        BYOK_ALERT_WEBHOOK_URL: 'https://hooks.example.test/ops',
        BYOK_SMTP_URL: 'smtp://127.0.0.1:2525',
        BYOK_ALERT_EMAIL_FROM: 'alerts@example.test',
        BYOK_ALERT_EMAIL_TO: 'ops@example.test',
      }),
    ).toEqual({
      webhook: { secret: 'global', defaultUrl: 'https://hooks.example.test/ops' },
      email: { smtpUrl: 'smtp://127.0.0.1:2525', from: 'alerts@example.test', defaultTo: 'ops@example.test' },
    });
  });

  it('treats empty and missing variables as unset, so the defaults apply', () => {
    const resolved = resolveAlertSettings(
      alertSettingsFromEnv({ BYOK_ALERT_WEBHOOK_SECRET: '', BYOK_SMTP_URL: '' }),
    );
    expect(resolved.webhook).toMatchObject({ secret: undefined, defaultUrl: undefined, timeoutMs: 10_000 });
    expect(resolved.email).toEqual({
      smtpUrl: undefined,
      from: 'byok-alerts@localhost',
      defaultTo: undefined,
      timeoutMs: 30_000,
    });
    expect(resolved.retry).toEqual({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 });
    expect(resolved.leaseMs).toBe(30_000 + 30_000 + 30_000);
  });
});
