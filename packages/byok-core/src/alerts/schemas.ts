import { z } from 'zod';

// The one definition of a usage alert's input and its limits, for the library and the REST API.

export const ALERT_TYPES = ['cost', 'requests', 'tokens', 'errors'] as const;
export const ALERT_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export const ALERT_CHANNELS = ['webhook', 'email'] as const;

const idField = z.string().min(1).max(255);

/** What an alert watches and where it says so, whoever owns it. */
export const alertFieldsSchema = z.strictObject({
  alertType: z.enum(ALERT_TYPES),
  thresholdValue: z.number().positive().max(1e12),
  thresholdPeriod: z.enum(ALERT_PERIODS),
  notificationChannels: z
    .array(z.enum(ALERT_CHANNELS))
    .min(1)
    .max(ALERT_CHANNELS.length)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a channel'),
  webhookUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
  email: z.email().max(320).optional(),
});

/** `createAlert`: the alert's fields and its owner (a user or a workspace). */
export const createAlertSchema = alertFieldsSchema.extend({
  userId: idField.optional(),
  workspaceId: idField.optional(),
});
