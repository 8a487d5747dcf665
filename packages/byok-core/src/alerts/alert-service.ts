import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditLog, RequestContext } from '../audit/index.js';
import type { Owner } from '../crypto/index.js';
import { BYOKError, parseInput } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { ownerCondition, toOwner } from '../keys/owner.js';
import type { Logger } from '../logging/index.js';
import type { HostResolver } from '../outbound/index.js';
import type { Database, SqlClient } from '../store/types.js';
import { EmailSender } from './email-sender.js';
import { type AlertPeriod, alertPeriod } from './periods.js';
import { createAlertSchema as createSchema } from './schemas.js';
import type {
  AlertNotificationPayload,
  AlertNotificationRecord,
  AlertType,
  CreateUsageAlertInput,
  DeliveryAttempt,
  NotificationChannel,
  NotificationPayload,
  NotificationSender,
  NotificationStatus,
  SendResult,
  ThresholdPeriod,
  UsageAlert,
} from './types.js';
import { WebhookSender } from './webhook-sender.js';

export interface AlertServiceOptions {
  db: Database;
  audit: Pick<AuditLog, 'append'>;
  logger: Logger;
  webhook?: {
    /** Default `BYOK_ALERT_WEBHOOK_SECRET`. */
    secret?: string;
    /** Used by alerts that have no `webhookUrl`. Default `BYOK_ALERT_WEBHOOK_URL`. */
    defaultUrl?: string;
    /** Limit of one attempt, ms. Default 10,000. */
    timeoutMs?: number;
    /** Deliver to this machine and private networks too. Default false (see `WebhookSenderOptions`). */
    allowPrivateHosts?: boolean;
    /** Resolves webhook host names; injected in tests. */
    resolve?: HostResolver;
  };
  email?: {
    /** Default `BYOK_SMTP_URL`. Without it (and without a `senders.email`), e-mail alerts are refused. */
    smtpUrl?: string;
    /** Default `BYOK_ALERT_EMAIL_FROM`, then `byok-alerts@localhost`. */
    from?: string;
    /** Used by alerts that have no `email`. Default `BYOK_ALERT_EMAIL_TO`. */
    defaultTo?: string;
    /** Limit of one attempt, ms. Default 30,000. */
    timeoutMs?: number;
  };
  /** Delivery retries: `maxAttempts` tries in all, waiting `baseDelayMs · 2^(n-1)` (±20 %, at most `maxDelayMs`) between. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Replace or add senders (another transport, a test double). */
  senders?: Partial<Record<NotificationChannel, NotificationSender>>;
  /** Where the `BYOK_*` defaults are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Alerts one owner may have: bounds the work each `recordUsage` does for them. */
export const MAX_ALERTS_PER_OWNER = 100;

interface AlertRow {
  id: string;
  owner_type: 'user' | 'workspace';
  owner_id: string;
  alert_type: AlertType;
  threshold_value: string | number;
  threshold_period: ThresholdPeriod;
  notification_channels: NotificationChannel[] | string;
  webhook_url: string | null;
  email: string | null;
  last_fired_period: string | null;
  last_fired_at: Date | string | null;
  created_at: Date | string;
}

interface NotificationRow {
  id: string | number;
  alert_id: string;
  channel: NotificationChannel;
  destination: string | null;
  period: string;
  payload: NotificationPayload | string;
  status: NotificationStatus;
  attempts: number;
  attempt_log: DeliveryAttempt[] | string;
  last_error: string | null;
  created_at: Date | string;
  delivered_at: Date | string | null;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** pg gives `text[]` as an array; be lenient with a literal `{a,b}` too. */
const textArray = (value: string[] | string): string[] =>
  Array.isArray(value)
    ? value
    : value
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);

function toAlert(row: AlertRow, channelProblems: string[] = [], undelivered = 0): UsageAlert {
  const owner: Owner = { type: row.owner_type, id: row.owner_id };
  return {
    id: row.id,
    owner,
    userId: owner.type === 'user' ? owner.id : null,
    workspaceId: owner.type === 'workspace' ? owner.id : null,
    alertType: row.alert_type,
    thresholdValue: Number(row.threshold_value),
    thresholdPeriod: row.threshold_period,
    notificationChannels: textArray(row.notification_channels) as NotificationChannel[],
    webhookUrl: row.webhook_url,
    email: row.email,
    channelProblems,
    undeliveredNotifications: undelivered,
    lastFiredPeriod: row.last_fired_period,
    lastFiredAt: row.last_fired_at === null ? null : new Date(row.last_fired_at),
    createdAt: new Date(row.created_at),
  };
}

function toRecord(row: NotificationRow): AlertNotificationRecord {
  return {
    id: String(row.id),
    alertId: row.alert_id,
    channel: row.channel,
    period: row.period,
    status: row.status,
    attempts: Number(row.attempts),
    attemptLog: json(row.attempt_log),
    lastError: row.last_error,
    payload: json(row.payload),
    createdAt: new Date(row.created_at),
    deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at),
  };
}

const UNIT: Record<AlertType, AlertNotificationPayload['unit']> = {
  cost: 'USD',
  requests: 'requests',
  tokens: 'tokens',
  errors: 'errors',
};

/** Where logs may say a notification went: a webhook's origin, an address's domain. Never paths or queries. */
function redactDestination(channel: NotificationChannel, destination: string | null): string | undefined {
  if (!destination) return undefined;
  if (channel === 'email') return `…@${destination.split('@').pop()}`;
  try {
    const url = new URL(destination);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '[invalid url]';
  }
}

type PeriodTotals = { cost: number; requests: number; tokens: number; errors: number; unpriced: number };

/**
 * Usage alerts: create, list and delete them, check them inside the transaction that records usage,
 * and deliver their notifications after that transaction commits.
 *
 * Exactly once per period: `checkAlerts` locks the owner's not-yet-fired alert rows (`FOR UPDATE`,
 * in id order) after the usage row is written, so the last of any set of racing writers sees all
 * of their usage, and the first one over the threshold marks `last_fired_period` and writes the
 * outbox rows in the same transaction; the others then find the alert already fired. A unique
 * (alert, period, channel) key on the outbox backs this up. Delivery is at least once per outbox
 * row (a receiver can drop repeats by the payload's `id`); each attempt is logged and recorded.
 */
export class AlertService {
  readonly #db: Database;
  readonly #audit: Pick<AuditLog, 'append'>;
  readonly #logger: Logger;
  readonly #senders = new Map<NotificationChannel, NotificationSender>();
  readonly #defaults: { webhookUrl: string | undefined; email: string | undefined };
  readonly #retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  readonly #timeouts: Record<NotificationChannel, number>;
  readonly #leaseMs: number;
  readonly #inflight = new Set<Promise<void>>();

  constructor(options: AlertServiceOptions) {
    const env = options.env ?? process.env;
    this.#db = options.db;
    this.#audit = options.audit;
    this.#logger = options.logger.child({ component: 'alerts' });
    this.#defaults = {
      webhookUrl: options.webhook?.defaultUrl ?? (env.BYOK_ALERT_WEBHOOK_URL || undefined),
      email: options.email?.defaultTo ?? (env.BYOK_ALERT_EMAIL_TO || undefined),
    };
    this.#retry = {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 5),
      baseDelayMs: Math.max(0, options.retry?.baseDelayMs ?? 1000),
      maxDelayMs: Math.max(0, options.retry?.maxDelayMs ?? 30_000),
    };
    this.#timeouts = {
      webhook: options.webhook?.timeoutMs ?? 10_000,
      email: options.email?.timeoutMs ?? 30_000,
    };
    // A claimed row stays ours this long after each attempt starts; after that a sweep may take it over.
    this.#leaseMs = Math.max(...Object.values(this.#timeouts)) + this.#retry.maxDelayMs + 30_000;

    this.#senders.set(
      'webhook',
      new WebhookSender({
        secret: options.webhook?.secret ?? env.BYOK_ALERT_WEBHOOK_SECRET,
        allowPrivateHosts: options.webhook?.allowPrivateHosts ?? false,
        trustedDestinations: this.#defaults.webhookUrl ? [this.#defaults.webhookUrl] : [],
        resolve: options.webhook?.resolve,
        onUnsigned: () =>
          this.#logger.warn(
            'BYOK_ALERT_WEBHOOK_SECRET is not set: alert webhooks are sent without a signature',
          ),
      }),
    );
    const smtpUrl = options.email?.smtpUrl ?? (env.BYOK_SMTP_URL || undefined);
    if (smtpUrl) {
      const from = options.email?.from ?? (env.BYOK_ALERT_EMAIL_FROM || 'byok-alerts@localhost');
      this.#senders.set('email', new EmailSender({ smtpUrl, from }));
    }
    for (const [channel, sender] of Object.entries(options.senders ?? {})) {
      if (sender) this.#senders.set(channel as NotificationChannel, sender);
    }
  }

  /**
   * Creates a usage alert, audited as `alert.created` in the same transaction. A channel that
   * cannot deliver yet (no SMTP server; no URL or address here, on the user record or as a default)
   * is accepted: `channelProblems` says what is missing, and its notifications wait until it is configured.
   *
   * @example
   * await alerts.createUsageAlert({
   *   userId: 'user_123',
   *   alertType: 'cost',
   *   thresholdValue: 100, // $100
   *   thresholdPeriod: 'monthly',
   *   notificationChannels: ['email', 'webhook'],
   * });
   */
  async createUsageAlert(input: CreateUsageAlertInput, context?: RequestContext): Promise<UsageAlert> {
    const alert = parseInput(createSchema, input, 'usage alert');
    const owner = toOwner(alert);

    const id = newId('alert');
    const row = await this.#db.transaction(async (tx) => {
      const params: unknown[] = [];
      const { rows: counted } = await tx.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM byok.usage_alerts WHERE ${ownerCondition(owner, params)}`,
        params,
      );
      if (Number(counted[0]?.n ?? 0) >= MAX_ALERTS_PER_OWNER) {
        throw new BYOKError('CONFLICT', `An owner can have at most ${MAX_ALERTS_PER_OWNER} usage alerts`);
      }
      const { rows } = await tx.query<AlertRow>(
        `INSERT INTO byok.usage_alerts (id, owner_type, owner_id, alert_type, threshold_value, threshold_period,
                                        notification_channels, webhook_url, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          id,
          owner.type,
          owner.id,
          alert.alertType,
          alert.thresholdValue,
          alert.thresholdPeriod,
          alert.notificationChannels,
          alert.webhookUrl ?? null,
          alert.email ?? null,
        ],
      );
      await this.#audit.append(tx, {
        action: 'alert.created',
        targetType: 'alert',
        targetId: id,
        owner,
        ...(context ? { context } : {}),
        // Destinations stay out of the audit log: a webhook URL can carry a token.
        details: {
          alertType: alert.alertType,
          thresholdValue: alert.thresholdValue,
          thresholdPeriod: alert.thresholdPeriod,
          notificationChannels: alert.notificationChannels,
        },
      });
      return rows[0] as AlertRow;
    });
    const userEmail = await this.#userEmail(this.#db, owner);
    return toAlert(row, this.#channelProblems(toAlert(row), userEmail));
  }

  /** Where a channel's notification goes: the alert's own, the user's address (e-mail), the default. */
  #destination(
    channel: NotificationChannel,
    alert: UsageAlert,
    userEmail: string | null,
  ): string | undefined {
    if (channel === 'webhook') return alert.webhookUrl ?? this.#defaults.webhookUrl;
    return alert.email ?? userEmail ?? this.#defaults.email;
  }

  /** What keeps each channel of an alert from delivering now; empty when nothing does. */
  #channelProblems(alert: UsageAlert, userEmail: string | null): string[] {
    const problems: string[] = [];
    for (const channel of alert.notificationChannels) {
      if (!this.#senders.has(channel)) {
        problems.push(`${channel}: no SMTP server is configured (BYOK_SMTP_URL)`);
      } else if (!this.#destination(channel, alert, userEmail)) {
        problems.push(
          channel === 'webhook'
            ? 'webhook: no URL (the alert has no webhookUrl and BYOK_ALERT_WEBHOOK_URL is not set)'
            : 'email: no address (not on the alert, the user record or BYOK_ALERT_EMAIL_TO)',
        );
      }
    }
    return problems;
  }

  /** The e-mail address on the user record, for a user owner. */
  async #userEmail(db: Pick<SqlClient, 'query'>, owner: Owner): Promise<string | null> {
    if (owner.type !== 'user') return null;
    const { rows } = await db.query<{ email: string | null }>('SELECT email FROM byok.users WHERE id = $1', [
      owner.id,
    ]);
    return rows[0]?.email || null;
  }

  /** The owner's alerts, oldest first, with what keeps a channel from delivering and what waits. */
  async listUsageAlerts(owner: string | { userId?: string; workspaceId?: string }): Promise<UsageAlert[]> {
    const resolved = toOwner(owner);
    const params: unknown[] = [];
    const { rows } = await this.#db.query<AlertRow & { undelivered: string | number }>(
      `SELECT a.*, (SELECT count(*) FROM byok.alert_notifications n
                     WHERE n.alert_id = a.id AND n.status IN ('waiting', 'pending', 'sending')) AS undelivered
         FROM byok.usage_alerts a WHERE ${ownerCondition(resolved, params)} ORDER BY a.created_at, a.id`,
      params,
    );
    const userEmail = rows.length > 0 ? await this.#userEmail(this.#db, resolved) : null;
    return rows.map((row) =>
      toAlert(row, this.#channelProblems(toAlert(row), userEmail), Number(row.undelivered)),
    );
  }

  /** How many notifications wait for a channel to be configured (for the health report). */
  async waitingNotifications(): Promise<number> {
    const { rows } = await this.#db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM byok.alert_notifications WHERE status = 'waiting'",
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Moves waiting notifications of channels that can deliver now (a sender, and a destination on the
   * row, the user record or the defaults) to the queue. Returns their ids.
   */
  async #releaseWaiting(): Promise<string[]> {
    const released: string[] = [];
    for (const channel of this.#senders.keys()) {
      const fallback = channel === 'webhook' ? this.#defaults.webhookUrl : this.#defaults.email;
      const userAddress =
        channel === 'email'
          ? "(SELECT u.email FROM byok.users u WHERE n.owner_type = 'user' AND u.id = n.owner_id AND u.email <> '')"
          : 'NULL';
      const { rows } = await this.#db.query<{ id: string }>(
        `UPDATE byok.alert_notifications n
            SET status = 'pending', last_error = NULL,
                destination = COALESCE(n.destination, a.${channel === 'webhook' ? 'webhook_url' : 'email'}, ${userAddress}, $2)
           FROM byok.usage_alerts a
          WHERE a.id = n.alert_id AND n.status = 'waiting' AND n.channel = $1
            AND COALESCE(n.destination, a.${channel === 'webhook' ? 'webhook_url' : 'email'}, ${userAddress}, $2) IS NOT NULL
          RETURNING n.id::text AS id`,
        [channel, fallback ?? null],
      );
      released.push(...rows.map((row) => row.id));
    }
    return released;
  }

  /** Deletes one of the owner's alerts, audited as `alert.deleted`. Another owner's alert is NOT_FOUND. */
  async deleteUsageAlert(
    alertId: string,
    owner: string | { userId?: string; workspaceId?: string },
    context?: RequestContext,
  ): Promise<void> {
    const resolved = toOwner(owner);
    await this.#db.transaction(async (tx) => {
      const params: unknown[] = [alertId];
      const { rows } = await tx.query<AlertRow>(
        `DELETE FROM byok.usage_alerts WHERE id = $1 AND ${ownerCondition(resolved, params)} RETURNING *`,
        params,
      );
      const row = rows[0];
      if (!row)
        throw new BYOKError('NOT_FOUND', `Usage alert ${alertId} not found`, { details: { alertId } });
      await this.#audit.append(tx, {
        action: 'alert.deleted',
        targetType: 'alert',
        targetId: alertId,
        owner: resolved,
        ...(context ? { context } : {}),
        details: { alertType: row.alert_type, thresholdPeriod: row.threshold_period },
      });
    });
  }

  /**
   * Checks the owner's alerts inside the caller's transaction, after the usage row and its roll-up
   * are written. Marks each alert that crossed its threshold as fired for the period `at` falls in
   * and enqueues its notifications in the outbox. Returns the outbox ids to hand to {@link deliver}
   * once the transaction has committed.
   */
  async checkAlerts(tx: SqlClient, owner: Owner, at: Date): Promise<string[]> {
    const periods: Record<ThresholdPeriod, AlertPeriod> = {
      daily: alertPeriod('daily', at),
      weekly: alertPeriod('weekly', at),
      monthly: alertPeriod('monthly', at),
    };
    // Only alerts not yet fired in their current period are locked: once an alert fired, writers
    // stop waiting on it. Under READ COMMITTED a row another writer just marked fired is re-checked
    // against this condition after its lock is released, and dropped.
    const { rows: alerts } = await tx.query<AlertRow>(
      `SELECT * FROM byok.usage_alerts
        WHERE owner_type = $1 AND owner_id = $2
          AND (last_fired_period IS NULL OR last_fired_period COLLATE "C" <
               CASE threshold_period WHEN 'daily' THEN $3 WHEN 'weekly' THEN $4 ELSE $5 END COLLATE "C")
        ORDER BY id
        FOR UPDATE`,
      [owner.type, owner.id, periods.daily.label, periods.weekly.label, periods.monthly.label],
    );
    if (alerts.length === 0) return [];

    // The period totals are read after the locks are held, in a statement of their own: a statement's
    // snapshot is taken when it starts, so only a later statement sees the rows of the writers we waited for.
    const totals = new Map<ThresholdPeriod, PeriodTotals>();
    for (const kind of new Set(alerts.map((a) => a.threshold_period))) {
      totals.set(kind, await this.#periodTotals(tx, owner, periods[kind]));
    }

    const ids: string[] = [];
    const firedAt = new Date();
    const userEmail = alerts.some((row) => textArray(row.notification_channels).includes('email'))
      ? await this.#userEmail(tx, owner)
      : null;
    for (const row of alerts) {
      const alert = toAlert(row);
      const period = periods[alert.thresholdPeriod];
      const total = totals.get(alert.thresholdPeriod) as PeriodTotals;
      const value = total[alert.alertType];
      if (value < alert.thresholdValue) continue;

      await tx.query(
        'UPDATE byok.usage_alerts SET last_fired_period = $2, last_fired_at = $3 WHERE id = $1',
        [alert.id, period.label, firedAt],
      );
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
      ids.push(...(await this.#enqueue(tx, alert, owner, period.label, payload, userEmail)));
      this.#logger.info(
        { alertId: alert.id, alertType: alert.alertType, period: period.label, value },
        'usage alert fired',
      );
    }
    return ids;
  }

  /**
   * Enqueues `payload` (inside `tx`) to every channel of every alert the owner has, once per
   * `payload.id`: an owner with no alert gets nothing here (the dashboard still tells them).
   * Returns the outbox ids to hand to `deliver` after commit.
   */
  async enqueueNotice(tx: SqlClient, owner: Owner, payload: NotificationPayload): Promise<string[]> {
    const { rows } = await tx.query<AlertRow>(
      'SELECT * FROM byok.usage_alerts WHERE owner_type = $1 AND owner_id = $2 ORDER BY created_at',
      [owner.type, owner.id],
    );
    const userEmail = rows.length > 0 ? await this.#userEmail(tx, owner) : null;
    const ids: string[] = [];
    for (const row of rows) {
      ids.push(...(await this.#enqueue(tx, toAlert(row), owner, payload.id, payload, userEmail)));
    }
    return ids;
  }

  /** Writes one outbox row per channel of `alert` for `period`; returns the ids that can go out now. */
  async #enqueue(
    tx: SqlClient,
    alert: UsageAlert,
    owner: Owner,
    period: string,
    payload: NotificationPayload,
    userEmail: string | null,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const channel of alert.notificationChannels) {
      const destination = this.#destination(channel, alert, userEmail);
      const problem = !this.#senders.has(channel)
        ? `no ${channel} sender is configured`
        : !destination
          ? `no ${channel} destination is configured`
          : null;
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO byok.alert_notifications (alert_id, owner_type, owner_id, channel, destination, period, payload, status, last_error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (alert_id, period, channel) DO NOTHING
         RETURNING id::text AS id`,
        [
          alert.id,
          owner.type,
          owner.id,
          channel,
          destination ?? null,
          period,
          JSON.stringify(payload),
          // Not configured yet: kept, and sent by processOutbox once the channel is configured.
          problem ? 'waiting' : 'pending',
          problem,
        ],
      );
      const id = rows[0]?.id;
      if (id && !problem) ids.push(id);
      if (problem) this.#logger.warn({ alertId: alert.id, channel }, `notification ${problem}: kept waiting`);
    }
    return ids;
  }

  async #periodTotals(tx: SqlClient, owner: Owner, period: AlertPeriod): Promise<PeriodTotals> {
    const { rows } = await tx.query<Record<keyof PeriodTotals, string | null>>(
      `SELECT sum(cost_usd)::text AS cost, sum(requests)::text AS requests,
              sum(input_tokens + output_tokens)::text AS tokens, sum(errors)::text AS errors,
              sum(unpriced_requests)::text AS unpriced
         FROM byok.usage_daily
        WHERE owner_type = $1 AND owner_id = $2 AND day >= $3::date AND day < $4::date`,
      [owner.type, owner.id, period.startDay, period.endDay],
    );
    const row = rows[0];
    return {
      cost: Number(row?.cost ?? 0),
      requests: Number(row?.requests ?? 0),
      tokens: Number(row?.tokens ?? 0),
      errors: Number(row?.errors ?? 0),
      unpriced: Number(row?.unpriced ?? 0),
    };
  }

  /**
   * Delivers enqueued notifications in the background (call after the enqueuing transaction
   * committed). Returns at once; {@link drain} waits for the deliveries in flight.
   */
  deliver(notificationIds: readonly string[]): void {
    if (notificationIds.length === 0) return;
    this.#track(this.#claimAndSend(notificationIds));
  }

  /**
   * Claims and delivers outbox rows that nobody is delivering: pending ones, waiting ones whose
   * channel is configured by now, and ones whose deliverer stopped (crashed) before finishing. Run it now and then (e.g. under a lease) so that
   * no notification is lost to a restart. Resolves when those deliveries are done; returns how many.
   */
  async processOutbox(options: { limit?: number } = {}): Promise<number> {
    await this.#releaseWaiting();
    const { rows } = await this.#db.query<NotificationRow>(
      `UPDATE byok.alert_notifications
          SET status = 'sending', locked_until = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id IN (SELECT id FROM byok.alert_notifications
                      WHERE status = 'pending' OR (status = 'sending' AND locked_until < now())
                      ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [options.limit ?? 100, this.#leaseMs],
    );
    await Promise.all(rows.map((row) => this.#sendWithRetries(row)));
    return rows.length;
  }

  /** Notifications of the owner's alerts, newest first, with their delivery attempts. */
  async listNotifications(
    owner: string | { userId?: string; workspaceId?: string },
    options: { limit?: number } = {},
  ): Promise<AlertNotificationRecord[]> {
    const params: unknown[] = [];
    const where = ownerCondition(toOwner(owner), params);
    params.push(Math.min(Math.max(options.limit ?? 100, 1), 1000));
    const { rows } = await this.#db.query<NotificationRow>(
      `SELECT * FROM byok.alert_notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  /** Resolves when every delivery started so far has finished (delivered or given up). */
  async drain(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  /** Waits for deliveries in flight, then closes the senders' connections. */
  async close(): Promise<void> {
    await this.drain();
    await Promise.all([...this.#senders.values()].map((sender) => sender.close?.()));
  }

  #track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) =>
        this.#logger.error(
          { err: { message: (error as Error)?.message } },
          'alert delivery failed unexpectedly',
        ),
      )
      .finally(() => this.#inflight.delete(tracked));
    this.#inflight.add(tracked);
  }

  async #claimAndSend(ids: readonly string[]): Promise<void> {
    const { rows } = await this.#db.query<NotificationRow>(
      `UPDATE byok.alert_notifications
          SET status = 'sending', locked_until = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id = ANY($1::bigint[])
          AND (status = 'pending' OR (status = 'sending' AND locked_until < now()))
        RETURNING *`,
      [ids, this.#leaseMs],
    );
    await Promise.all(rows.map((row) => this.#sendWithRetries(row)));
  }

  #backoff(attempt: number): number {
    const exponential = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  }

  async #sendWithRetries(row: NotificationRow): Promise<void> {
    const sender = this.#senders.get(row.channel);
    const payload = json(row.payload);
    const log = this.#logger.child({
      notificationId: String(row.id),
      alertId: row.alert_id,
      channel: row.channel,
      destination: redactDestination(row.channel, row.destination),
    });
    for (let attempt = Number(row.attempts) + 1; ; attempt++) {
      const started = Date.now();
      let result: SendResult;
      if (!sender || !row.destination) {
        result = {
          ok: false,
          retryable: false,
          error: `no ${row.channel} ${sender ? 'destination' : 'sender'}`,
        };
      } else {
        try {
          result = await sender.send(
            { id: String(row.id), channel: row.channel, destination: row.destination, payload, attempt },
            AbortSignal.timeout(this.#timeouts[row.channel]),
          );
        } catch (error) {
          result = {
            ok: false,
            retryable: true,
            error: `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message}`,
          };
        }
      }
      const record: DeliveryAttempt = {
        attempt,
        at: new Date(started).toISOString(),
        ok: result.ok,
        durationMs: Date.now() - started,
        ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
        ...(!result.ok ? { error: result.error } : {}),
      };
      const final = result.ok || !result.retryable || attempt >= this.#retry.maxAttempts;
      const status: NotificationStatus = result.ok ? 'delivered' : final ? 'failed' : 'sending';
      await this.#db.query(
        `UPDATE byok.alert_notifications
            SET attempts = $2, attempt_log = attempt_log || $3::jsonb, status = $4, last_error = $5,
                delivered_at = CASE WHEN $4 = 'delivered' THEN now() ELSE delivered_at END,
                locked_until = CASE WHEN $4 = 'sending' THEN now() + make_interval(secs => $6::double precision / 1000) END
          WHERE id = $1`,
        [row.id, attempt, JSON.stringify([record]), status, result.ok ? null : result.error, this.#leaseMs],
      );
      if (result.ok) {
        log.info(
          { attempt, statusCode: result.statusCode, durationMs: record.durationMs },
          'alert notification delivered',
        );
        return;
      }
      const fields = {
        attempt,
        statusCode: result.statusCode,
        durationMs: record.durationMs,
        error: result.error,
      };
      if (final) {
        log.error(
          { ...fields, maxAttempts: this.#retry.maxAttempts },
          'alert notification failed; giving up',
        );
        return;
      }
      const delayMs = this.#backoff(attempt);
      log.warn({ ...fields, retryInMs: delayMs }, 'alert notification attempt failed; will retry');
      await sleep(delayMs);
    }
  }
}
