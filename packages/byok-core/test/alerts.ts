import type { CreateUsageAlertInput } from '../src/alerts/index.js';

/**
 * Creates the user's webhook alert at `webhookUrl` through `alerts` (an `AlertService` or a system's
 * `database`): a daily count of one request unless `fields` say otherwise.
 */
export function webhookAlert<T>(
  alerts: { createUsageAlert(input: CreateUsageAlertInput): Promise<T> },
  userId: string,
  webhookUrl: string,
  fields: Partial<CreateUsageAlertInput> = {},
): Promise<T> {
  return alerts.createUsageAlert({
    userId,
    alertType: 'requests',
    thresholdValue: 1,
    thresholdPeriod: 'daily',
    notificationChannels: ['webhook'],
    webhookUrl,
    ...fields,
  });
}
