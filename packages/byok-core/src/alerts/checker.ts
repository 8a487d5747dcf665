import type { Owner } from '../crypto/index.js';
import type { Logger } from '../logging/index.js';
import type { AlertsStore, PeriodTotals } from '../store/alerts-store.js';
import type { SqlClient } from '../store/types.js';
import type { Outbox } from './outbox.js';
import { type AlertPeriod, alertPeriod } from './periods.js';
import type { AlertNotificationPayload, AlertType, NotificationPayload, ThresholdPeriod } from './types.js';

const UNIT: Record<AlertType, AlertNotificationPayload['unit']> = {
  cost: 'USD',
  requests: 'requests',
  tokens: 'tokens',
  errors: 'errors',
};

/**
 * Checks an owner's alerts inside the transaction that records their usage, and enqueues the
 * notifications of those that crossed their threshold.
 *
 * Exactly once per period: the owner's not-yet-fired alert rows are locked (`FOR UPDATE`, in id
 * order) after the usage row is written, so the last of any set of racing writers sees all of their
 * usage, and the first one over the threshold marks `last_fired_period` and writes the outbox rows
 * in the same transaction; the others then find the alert already fired. A unique (alert, period,
 * channel) key on the outbox backs this up.
 */
export class ThresholdChecker {
  readonly #store: AlertsStore;
  readonly #outbox: Outbox;
  readonly #logger: Logger;

  constructor(options: { store: AlertsStore; outbox: Outbox; logger: Logger }) {
    this.#store = options.store;
    this.#outbox = options.outbox;
    this.#logger = options.logger;
  }

  /** See `AlertService.checkAlerts`. */
  async check(tx: SqlClient, owner: Owner, at: Date): Promise<string[]> {
    const periods: Record<ThresholdPeriod, AlertPeriod> = {
      daily: alertPeriod('daily', at),
      weekly: alertPeriod('weekly', at),
      monthly: alertPeriod('monthly', at),
    };
    const alerts = await this.#store.lockUnfired(tx, owner, {
      daily: periods.daily.label,
      weekly: periods.weekly.label,
      monthly: periods.monthly.label,
    });
    if (alerts.length === 0) return [];

    // Read after the locks are held, each in a statement of its own (see AlertsStore.periodTotals).
    const totals = new Map<ThresholdPeriod, PeriodTotals>();
    for (const kind of new Set(alerts.map((a) => a.thresholdPeriod))) {
      const period = periods[kind];
      totals.set(kind, await this.#store.periodTotals(tx, owner, period.startDay, period.endDay));
    }

    const ids: string[] = [];
    const firedAt = new Date();
    const userEmail = alerts.some((alert) => alert.notificationChannels.includes('email'))
      ? await this.#store.userEmail(tx, owner)
      : null;
    for (const alert of alerts) {
      const period = periods[alert.thresholdPeriod];
      const total = totals.get(alert.thresholdPeriod) as PeriodTotals;
      const value = total[alert.alertType];
      if (value < alert.thresholdValue) continue;

      await this.#store.markFired(tx, alert.id, owner, period.label, firedAt);
      const payload: AlertNotificationPayload = {
        type: 'usage_alert.fired',
        id: `${alert.id}:${period.label}`,
        alert: {
          id: alert.id,
          alertType: alert.alertType,
          thresholdValue: alert.thresholdValue,
          thresholdPeriod: alert.thresholdPeriod,
        },
        owner,
        period: {
          label: period.label,
          start: `${period.startDay}T00:00:00.000Z`,
          end: `${period.endDay}T00:00:00.000Z`,
        },
        value,
        unit: UNIT[alert.alertType],
        unpricedRequests: total.unpriced,
        firedAt: firedAt.toISOString(),
      };
      ids.push(...(await this.#outbox.enqueue(tx, { ...alert, owner }, period.label, payload, userEmail)));
      this.#logger.info(
        { alertId: alert.id, alertType: alert.alertType, period: period.label, value },
        'usage alert fired',
      );
    }
    return ids;
  }

  /** See `AlertService.enqueueNotice`. */
  async notice(tx: SqlClient, owner: Owner, payload: NotificationPayload): Promise<string[]> {
    const alerts = await this.#store.listByOwnerIn(tx, owner);
    const userEmail = alerts.length > 0 ? await this.#store.userEmail(tx, owner) : null;
    const ids: string[] = [];
    for (const alert of alerts) {
      ids.push(...(await this.#outbox.enqueue(tx, alert, payload.id, payload, userEmail)));
    }
    return ids;
  }
}
