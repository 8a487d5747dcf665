import type { Owner } from '../crypto/index.js';
import type { Logger } from '../logging/index.js';
import type { AlertsStore, StoredAlert, StoredNotification } from '../store/alerts-store.js';
import type { SqlClient } from '../store/types.js';
import type { Channels } from './channels.js';
import type { Delivery } from './delivery.js';
import type { AlertNotificationRecord, NotificationPayload } from './types.js';

function toRecord(row: StoredNotification): AlertNotificationRecord {
  return {
    id: row.id,
    alertId: row.alertId,
    channel: row.channel,
    period: row.period,
    status: row.status,
    attempts: row.attempts,
    attemptLog: row.attemptLog,
    lastError: row.lastError,
    payload: row.payload as NotificationPayload,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
  };
}

export interface OutboxOptions {
  store: AlertsStore;
  channels: Channels;
  delivery: Delivery;
  leaseMs: number;
  logger: Logger;
}

/**
 * The outbox of alert notifications: rows written inside the transaction that fires an alert, sent
 * after it commits. Delivery is at least once per row (a receiver drops repeats by the payload's
 * `id`); a row whose deliverer died is taken over by {@link processOutbox} once its claim expires.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #inflight = new Set<Promise<void>>();

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Writes one row per channel of `alert` for `period` (inside `tx`); returns the ids that can go out now. */
  async enqueue(
    tx: SqlClient,
    alert: StoredAlert,
    period: string,
    payload: NotificationPayload,
    userEmail: string | null,
  ): Promise<string[]> {
    const { store, channels, logger } = this.#options;
    const ids: string[] = [];
    for (const channel of alert.notificationChannels) {
      const destination = channels.destination(channel, alert, userEmail);
      const problem = channels.waitReason(channel, destination);
      const id = await store.enqueue(tx, {
        alertId: alert.id,
        owner: alert.owner,
        channel,
        destination: destination ?? null,
        period,
        payload,
        // Not configured yet: kept, and sent by processOutbox once the channel is configured.
        status: problem ? 'waiting' : 'pending',
        lastError: problem,
      });
      if (id && !problem) ids.push(id);
      if (problem) logger.warn({ alertId: alert.id, channel }, `notification ${problem}: kept waiting`);
    }
    return ids;
  }

  /** How many notifications wait for a channel to be configured (for the health report). */
  waiting(): Promise<number> {
    return this.#options.store.countWaiting();
  }

  /** Delivers the given rows in the background (after their transaction committed). */
  deliver(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.#track(this.#claimAndSend(ids));
  }

  /**
   * Claims and delivers rows that nobody is delivering: pending ones, waiting ones whose channel is
   * configured by now, and ones whose deliverer stopped before finishing. Resolves when those are
   * done; returns how many were claimed.
   */
  async process(limit = 100): Promise<number> {
    const { store, channels } = this.#options;
    for (const channel of channels.available()) {
      await store.releaseWaiting(channel, channels.fallback(channel) ?? null);
    }
    const rows = await store.claimDue(limit, this.#options.leaseMs);
    await Promise.all(rows.map((row) => this.#options.delivery.send(row)));
    return rows.length;
  }

  /** The owner's notifications, newest first, with their delivery attempts. */
  async list(owner: Owner, limit = 100): Promise<AlertNotificationRecord[]> {
    const rows = await this.#options.store.listNotifications(owner, Math.min(Math.max(limit, 1), 1000));
    return rows.map(toRecord);
  }

  /** Resolves when every delivery started so far has finished (delivered or given up). */
  async drain(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  #track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) =>
        this.#options.logger.error(
          { err: { message: (error as Error)?.message } },
          'alert delivery failed unexpectedly',
        ),
      )
      .finally(() => this.#inflight.delete(tracked));
    this.#inflight.add(tracked);
  }

  async #claimAndSend(ids: readonly string[]): Promise<void> {
    const rows = await this.#options.store.claimByIds(ids, this.#options.leaseMs);
    await Promise.all(rows.map((row) => this.#options.delivery.send(row)));
  }
}
