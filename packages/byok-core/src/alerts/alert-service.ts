import type { AuditLog, RequestContext } from '../audit/index.js';
import type { Owner } from '../crypto/index.js';
import { toOwner } from '../keys/owner.js';
import type { Logger } from '../logging/index.js';
import { type AlertsStore, createAlertsStore } from '../store/alerts-store.js';
import type { Database, SqlClient } from '../store/types.js';
import { Channels } from './channels.js';
import { ThresholdChecker } from './checker.js';
import { Delivery } from './delivery.js';
import { Outbox } from './outbox.js';
import { AlertRules, type OwnerSelector } from './rules.js';
import { type AlertSettings, resolveAlertSettings } from './settings.js';
import { type OwnerDataKeys, SigningSecrets } from './signing-secrets.js';
import type {
  AlertNotificationRecord,
  CreatedUsageAlert,
  CreateUsageAlertInput,
  NotificationChannel,
  NotificationPayload,
  NotificationSender,
  UsageAlert,
} from './types.js';

export { MAX_ALERTS_PER_OWNER } from './rules.js';

export interface AlertServiceOptions extends AlertSettings {
  db: Database;
  audit: Pick<AuditLog, 'append'>;
  logger: Logger;
  /**
   * The owners' data keys (`DataKeyService`): each alert's webhook signing secret is sealed with its
   * owner's key. Without it alerts get no secret of their own and the global `webhook.secret` signs.
   */
  dataKeys?: OwnerDataKeys | undefined;
  /** Replace or add senders (another transport, a test double). */
  senders?: Partial<Record<NotificationChannel, NotificationSender>>;
  /** The storage; default the PostgreSQL store on `db`. */
  store?: AlertsStore;
}

/**
 * Usage alerts: create, list and delete them (and rotate their signing secrets), check them inside
 * the transaction that records usage, and deliver their notifications after that transaction commits.
 * A facade over the parts that do each job: {@link AlertRules}, {@link ThresholdChecker},
 * {@link Outbox} and {@link Delivery}; every SQL statement is in `store/alerts-store.ts`.
 *
 * Exactly once per period: see {@link ThresholdChecker}. Delivery is at least once per outbox row (a
 * receiver can drop repeats by the payload's `id`); each attempt is logged and recorded.
 */
export class AlertService {
  readonly #rules: AlertRules;
  readonly #checker: ThresholdChecker;
  readonly #outbox: Outbox;
  readonly #channels: Channels;

  constructor(options: AlertServiceOptions) {
    const settings = resolveAlertSettings(options);
    const logger = options.logger.child({ component: 'alerts' });
    const store = options.store ?? createAlertsStore(options.db);
    const secrets = options.dataKeys ? new SigningSecrets(options.dataKeys) : undefined;
    this.#channels = new Channels(settings, logger, options.senders);
    const delivery = new Delivery({ store, channels: this.#channels, secrets, settings, logger });
    this.#outbox = new Outbox({
      store,
      channels: this.#channels,
      delivery,
      leaseMs: settings.leaseMs,
      logger,
    });
    this.#checker = new ThresholdChecker({ store, outbox: this.#outbox, logger });
    this.#rules = new AlertRules({
      db: options.db,
      store,
      audit: options.audit,
      channels: this.#channels,
      secrets,
    });
  }

  /**
   * Creates a usage alert, audited as `alert.created` in the same transaction, with a fresh webhook
   * signing secret that is returned this once (`signingSecret`) and stored encrypted. A channel that
   * cannot deliver yet (no SMTP server; no URL or address here, on the user record or as a default)
   * is accepted: `channelProblems` says what is missing, and its notifications wait until it is configured.
   *
   * @example
   * const alert = await alerts.createUsageAlert({
   *   userId: 'user_123',
   *   alertType: 'cost',
   *   thresholdValue: 100, // $100
   *   thresholdPeriod: 'monthly',
   *   notificationChannels: ['email', 'webhook'],
   * });
   * saveForTheReceiver(alert.signingSecret); // verifyAlertWebhook(secret, headers, body)
   */
  createUsageAlert(input: CreateUsageAlertInput, context?: RequestContext): Promise<CreatedUsageAlert> {
    return this.#rules.create(input, context);
  }

  /**
   * The owner's alerts, oldest first, with what keeps a channel from delivering, how many
   * notifications are not delivered yet, and the latest delivery attempt.
   */
  listUsageAlerts(owner: OwnerSelector): Promise<UsageAlert[]> {
    return this.#rules.list(owner);
  }

  /** Deletes one of the owner's alerts, audited as `alert.deleted`. Another owner's alert is NOT_FOUND. */
  deleteUsageAlert(alertId: string, owner: OwnerSelector, context?: RequestContext): Promise<void> {
    return this.#rules.delete(alertId, owner, context);
  }

  /**
   * Replaces the alert's webhook signing secret with a new one, returned this once; audited as
   * `alert.signing_secret_rotated` (without the secret). Deliveries from now on, retries included,
   * are signed with the new secret only. Another owner's alert is NOT_FOUND.
   */
  rotateSigningSecret(
    alertId: string,
    owner: OwnerSelector,
    context?: RequestContext,
  ): Promise<{ alert: UsageAlert; signingSecret: string }> {
    return this.#rules.rotate(alertId, owner, context);
  }

  /** How many notifications wait for a channel to be configured (for the health report). */
  waitingNotifications(): Promise<number> {
    return this.#outbox.waiting();
  }

  /**
   * Checks the owner's alerts inside the caller's transaction, after the usage row and its roll-up
   * are written. Marks each alert that crossed its threshold as fired for the period `at` falls in
   * and enqueues its notifications in the outbox. Returns the outbox ids to hand to {@link deliver}
   * once the transaction has committed.
   */
  checkAlerts(tx: SqlClient, owner: Owner, at: Date): Promise<string[]> {
    return this.#checker.check(tx, owner, at);
  }

  /**
   * Enqueues `payload` (inside `tx`) to every channel of every alert the owner has, once per
   * `payload.id`: an owner with no alert gets nothing here (the dashboard still tells them).
   * Returns the outbox ids to hand to `deliver` after commit.
   */
  enqueueNotice(tx: SqlClient, owner: Owner, payload: NotificationPayload): Promise<string[]> {
    return this.#checker.notice(tx, owner, payload);
  }

  /**
   * Delivers enqueued notifications in the background (call after the enqueuing transaction
   * committed). Returns at once; {@link drain} waits for the deliveries in flight.
   */
  deliver(notificationIds: readonly string[]): void {
    this.#outbox.deliver(notificationIds);
  }

  /**
   * Claims and delivers outbox rows that nobody is delivering: pending ones, waiting ones whose
   * channel is configured by now, and ones whose deliverer stopped (crashed) before finishing. Run it
   * now and then (e.g. under a lease) so that no notification is lost to a restart. Resolves when
   * those deliveries are done; returns how many.
   */
  processOutbox(options: { limit?: number } = {}): Promise<number> {
    return this.#outbox.process(options.limit);
  }

  /** Notifications of the owner's alerts, newest first, with their delivery attempts. */
  listNotifications(
    owner: OwnerSelector,
    options: { limit?: number } = {},
  ): Promise<AlertNotificationRecord[]> {
    return this.#outbox.list(toOwner(owner), options.limit);
  }

  /** Resolves when every delivery started so far has finished (delivered or given up). */
  drain(): Promise<void> {
    return this.#outbox.drain();
  }

  /** Waits for deliveries in flight, then closes the senders' connections. */
  async close(): Promise<void> {
    await this.drain();
    await this.#channels.close();
  }
}
