import type { Owner } from '../crypto/index.js';
import { queryNamed } from './database.js';
import type { Database, SqlClient } from './types.js';

/*
 * Every SQL statement of usage alerts: the rules (`byok.usage_alerts`), the outbox of their
 * notifications and the delivery attempts recorded on it (`byok.alert_notifications`).
 * Every method that names an alert or a notification by id also takes its owner and filters by it.
 */

export type StoredAlertType = 'cost' | 'requests' | 'tokens' | 'errors';
export type StoredPeriodKind = 'daily' | 'weekly' | 'monthly';
export type StoredChannel = 'webhook' | 'email';
export type StoredNotificationStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'waiting';

/** An alert rule as stored. `signingSecret` is ciphertext (or null for alerts made before per-alert secrets). */
export interface StoredAlert {
  id: string;
  owner: Owner;
  alertType: StoredAlertType;
  thresholdValue: number;
  thresholdPeriod: StoredPeriodKind;
  notificationChannels: StoredChannel[];
  webhookUrl: string | null;
  email: string | null;
  lastFiredPeriod: string | null;
  lastFiredAt: Date | null;
  createdAt: Date;
  signingSecret: string | null;
  signingSecretRotatedAt: Date | null;
}

/** One recorded delivery attempt (an element of the outbox row's attempt log). */
export interface StoredAttempt {
  attempt: number;
  at: string;
  ok: boolean;
  statusCode?: number;
  error?: string;
  durationMs: number;
}

/** An outbox row. `payload` is the parsed JSON document. */
export interface StoredNotification {
  id: string;
  alertId: string;
  owner: Owner;
  channel: StoredChannel;
  destination: string | null;
  period: string;
  payload: unknown;
  status: StoredNotificationStatus;
  attempts: number;
  attemptLog: StoredAttempt[];
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** The alert's latest delivery attempt (any channel, any period) and how many of its notifications are not delivered yet. */
export interface StoredDeliverySummary {
  last: {
    notificationId: string;
    channel: StoredChannel;
    status: StoredNotificationStatus;
    attempt: StoredAttempt;
  } | null;
  undelivered: number;
}

/** A new alert rule: the stored fields that the creator chooses (the rest start empty). */
export type NewAlert = Pick<
  StoredAlert,
  | 'id'
  | 'owner'
  | 'alertType'
  | 'thresholdValue'
  | 'thresholdPeriod'
  | 'notificationChannels'
  | 'webhookUrl'
  | 'email'
  | 'signingSecret'
>;

export type NewNotification = Pick<
  StoredNotification,
  'alertId' | 'owner' | 'channel' | 'destination' | 'period' | 'payload' | 'lastError'
> & {
  /** `waiting` (with `lastError` saying why) when the channel cannot deliver yet. */
  status: 'pending' | 'waiting';
};

/** Sums of an owner's daily roll-ups over `[startDay, endDay)`. */
export interface PeriodTotals {
  cost: number;
  requests: number;
  tokens: number;
  errors: number;
  unpriced: number;
}

/** Labels of the current period of each kind, for {@link AlertsStore.lockUnfired}. */
export type CurrentPeriods = Record<StoredPeriodKind, string>;

/**
 * Storage of usage alerts and their outbox. Methods that take `tx` run inside the caller's
 * transaction; the others run on their own.
 */
export interface AlertsStore {
  countByOwner(tx: SqlClient, owner: Owner): Promise<number>;
  insert(tx: SqlClient, alert: NewAlert): Promise<StoredAlert>;
  /** The owner's alerts, oldest first, each with its delivery summary. */
  listByOwner(owner: Owner): Promise<{ alert: StoredAlert; delivery: StoredDeliverySummary }[]>;
  /** The owner's alerts in creation order, inside `tx` (no locks). */
  listByOwnerIn(tx: SqlClient, owner: Owner): Promise<StoredAlert[]>;
  /** The alert, or null when it does not exist or is another owner's. */
  findById(id: string, owner: Owner): Promise<StoredAlert | null>;
  /** Deletes the owner's alert; null when there was none. */
  deleteById(tx: SqlClient, id: string, owner: Owner): Promise<StoredAlert | null>;
  /** Replaces the owner's alert's signing secret (ciphertext); false when there is no such alert. */
  setSigningSecret(tx: SqlClient, id: string, owner: Owner, ciphertext: string, at: Date): Promise<boolean>;
  /**
   * Locks (`FOR UPDATE`, in id order) the owner's alerts not yet fired in their current period.
   * Only those: once an alert fired, writers stop waiting on it. Under READ COMMITTED a row another
   * writer just marked fired is re-checked against the condition after its lock is released, and dropped.
   */
  lockUnfired(tx: SqlClient, owner: Owner, periods: CurrentPeriods): Promise<StoredAlert[]>;
  markFired(tx: SqlClient, id: string, owner: Owner, period: string, at: Date): Promise<void>;
  /**
   * The owner's usage over a period. Run it in a statement after the locks of {@link lockUnfired}
   * are held: a statement's snapshot is taken when it starts, so only a later one sees the rows of
   * the writers that were waited for.
   */
  periodTotals(tx: SqlClient, owner: Owner, startDay: string, endDay: string): Promise<PeriodTotals>;
  /** The e-mail address on a user owner's record; null for workspaces and users without one. */
  userEmail(db: SqlClient, owner: Owner): Promise<string | null>;
  /** Writes an outbox row unless (alert, period, channel) has one; returns its id, or null when it existed. */
  enqueue(tx: SqlClient, notification: NewNotification): Promise<string | null>;
  countWaiting(): Promise<number>;
  /**
   * Moves waiting rows of `channel` whose destination is known now (on the row, the alert, the
   * user record for e-mail, or `fallback`) to pending. Returns their ids.
   */
  releaseWaiting(channel: StoredChannel, fallback: string | null): Promise<string[]>;
  /** Claims (status `sending`, locked for `leaseMs`) up to `limit` due rows nobody is sending; `SKIP LOCKED`. */
  claimDue(limit: number, leaseMs: number): Promise<StoredNotification[]>;
  /** Claims the given rows if they are still pending (or their sender's lease ran out). */
  claimByIds(ids: readonly string[], leaseMs: number): Promise<StoredNotification[]>;
  /** Records one attempt on a claimed row; `sending` keeps it claimed for another `leaseMs`. */
  recordAttempt(
    notification: Pick<StoredNotification, 'id' | 'owner'>,
    result: {
      attempt: StoredAttempt;
      status: 'delivered' | 'failed' | 'sending';
      error: string | null;
      leaseMs: number;
    },
  ): Promise<void>;
  /** The owner's outbox rows, newest first. */
  listNotifications(owner: Owner, limit: number): Promise<StoredNotification[]>;
  /** The owner's alert's signing secret (ciphertext), null when it has none, undefined when there is no such alert. */
  signingSecretOf(alertId: string, owner: Owner): Promise<string | null | undefined>;
}

interface AlertRow {
  id: string;
  owner_type: 'user' | 'workspace';
  owner_id: string;
  alert_type: StoredAlertType;
  threshold_value: string | number;
  threshold_period: StoredPeriodKind;
  notification_channels: StoredChannel[] | string;
  webhook_url: string | null;
  email: string | null;
  last_fired_period: string | null;
  last_fired_at: Date | string | null;
  created_at: Date | string;
  signing_secret: string | null;
  signing_secret_rotated_at: Date | string | null;
}

interface NotificationRow {
  id: string | number;
  alert_id: string;
  owner_type: 'user' | 'workspace';
  owner_id: string;
  channel: StoredChannel;
  destination: string | null;
  period: string;
  payload: unknown;
  status: StoredNotificationStatus;
  attempts: number;
  attempt_log: StoredAttempt[] | string;
  last_error: string | null;
  created_at: Date | string;
  delivered_at: Date | string | null;
}

const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const date = (value: Date | string): Date => new Date(value);
const maybeDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/** pg gives `text[]` as an array; be lenient with a literal `{a,b}` too. */
const textArray = (value: string[] | string): string[] =>
  Array.isArray(value)
    ? value
    : value
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);

function toAlert(row: AlertRow): StoredAlert {
  return {
    id: row.id,
    owner: { type: row.owner_type, id: row.owner_id },
    alertType: row.alert_type,
    thresholdValue: Number(row.threshold_value),
    thresholdPeriod: row.threshold_period,
    notificationChannels: textArray(row.notification_channels) as StoredChannel[],
    webhookUrl: row.webhook_url,
    email: row.email,
    lastFiredPeriod: row.last_fired_period,
    lastFiredAt: maybeDate(row.last_fired_at),
    createdAt: date(row.created_at),
    signingSecret: row.signing_secret,
    signingSecretRotatedAt: maybeDate(row.signing_secret_rotated_at),
  };
}

function toNotification(row: NotificationRow): StoredNotification {
  return {
    id: String(row.id),
    alertId: row.alert_id,
    owner: { type: row.owner_type, id: row.owner_id },
    channel: row.channel,
    destination: row.destination,
    period: row.period,
    payload: parsed(row.payload),
    status: row.status,
    attempts: Number(row.attempts),
    attemptLog: parsed(row.attempt_log),
    lastError: row.last_error,
    createdAt: date(row.created_at),
    deliveredAt: maybeDate(row.delivered_at),
  };
}

const UNDELIVERED = "('waiting', 'pending', 'sending')";
const ALERT_COLUMNS = `a.id, a.owner_type, a.owner_id, a.alert_type, a.threshold_value, a.threshold_period,
  a.notification_channels, a.webhook_url, a.email, a.last_fired_period, a.last_fired_at, a.created_at,
  a.signing_secret, a.signing_secret_rotated_at`;

class PgAlertsStore implements AlertsStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async countByOwner(tx: SqlClient, owner: Owner): Promise<number> {
    const { rows } = await tx.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM byok.usage_alerts WHERE owner_type = $1 AND owner_id = $2',
      [owner.type, owner.id],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async insert(tx: SqlClient, alert: NewAlert): Promise<StoredAlert> {
    const { rows } = await tx.query<AlertRow>(
      `INSERT INTO byok.usage_alerts AS a (id, owner_type, owner_id, alert_type, threshold_value, threshold_period,
                                           notification_channels, webhook_url, email, signing_secret)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${ALERT_COLUMNS}`,
      [
        alert.id,
        alert.owner.type,
        alert.owner.id,
        alert.alertType,
        alert.thresholdValue,
        alert.thresholdPeriod,
        alert.notificationChannels,
        alert.webhookUrl,
        alert.email,
        alert.signingSecret,
      ],
    );
    return toAlert(rows[0] as AlertRow);
  }

  async listByOwner(owner: Owner): Promise<{ alert: StoredAlert; delivery: StoredDeliverySummary }[]> {
    const { rows } = await this.#db.query<
      AlertRow & {
        undelivered: string | number;
        last_id: string | null;
        last_channel: StoredChannel | null;
        last_status: StoredNotificationStatus | null;
        last_attempt: StoredAttempt | string | null;
      }
    >(
      `SELECT ${ALERT_COLUMNS},
              (SELECT count(*) FROM byok.alert_notifications n
                WHERE n.alert_id = a.id AND n.owner_type = a.owner_type AND n.owner_id = a.owner_id
                  AND n.status IN ${UNDELIVERED}) AS undelivered,
              l.id::text AS last_id, l.channel AS last_channel, l.status AS last_status,
              l.attempt_log -> -1 AS last_attempt
         FROM byok.usage_alerts a
         LEFT JOIN LATERAL (
           SELECT n.id, n.channel, n.status, n.attempt_log FROM byok.alert_notifications n
            WHERE n.alert_id = a.id AND n.owner_type = a.owner_type AND n.owner_id = a.owner_id
              AND n.last_attempt_at IS NOT NULL
            ORDER BY n.last_attempt_at DESC, n.id DESC LIMIT 1
         ) l ON TRUE
        WHERE a.owner_type = $1 AND a.owner_id = $2
        ORDER BY a.created_at, a.id`,
      [owner.type, owner.id],
    );
    return rows.map((row) => ({
      alert: toAlert(row),
      delivery: {
        undelivered: Number(row.undelivered),
        last:
          row.last_id && row.last_channel && row.last_status && row.last_attempt
            ? {
                notificationId: row.last_id,
                channel: row.last_channel,
                status: row.last_status,
                attempt: parsed(row.last_attempt),
              }
            : null,
      },
    }));
  }

  async listByOwnerIn(tx: SqlClient, owner: Owner): Promise<StoredAlert[]> {
    const { rows } = await tx.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM byok.usage_alerts a WHERE a.owner_type = $1 AND a.owner_id = $2 ORDER BY a.created_at, a.id`,
      [owner.type, owner.id],
    );
    return rows.map(toAlert);
  }

  async findById(id: string, owner: Owner): Promise<StoredAlert | null> {
    const { rows } = await this.#db.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM byok.usage_alerts a WHERE a.id = $1 AND a.owner_type = $2 AND a.owner_id = $3`,
      [id, owner.type, owner.id],
    );
    return rows[0] ? toAlert(rows[0]) : null;
  }

  async deleteById(tx: SqlClient, id: string, owner: Owner): Promise<StoredAlert | null> {
    const { rows } = await tx.query<AlertRow>(
      `DELETE FROM byok.usage_alerts a WHERE a.id = $1 AND a.owner_type = $2 AND a.owner_id = $3 RETURNING ${ALERT_COLUMNS}`,
      [id, owner.type, owner.id],
    );
    return rows[0] ? toAlert(rows[0]) : null;
  }

  async setSigningSecret(
    tx: SqlClient,
    id: string,
    owner: Owner,
    ciphertext: string,
    at: Date,
  ): Promise<boolean> {
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE byok.usage_alerts SET signing_secret = $4, signing_secret_rotated_at = $5
        WHERE id = $1 AND owner_type = $2 AND owner_id = $3 RETURNING id`,
      [id, owner.type, owner.id, ciphertext, at],
    );
    return rows.length > 0;
  }

  async lockUnfired(tx: SqlClient, owner: Owner, periods: CurrentPeriods): Promise<StoredAlert[]> {
    // Run once per owner in every usage batch: prepared, so planned once per connection.
    const { rows } = await queryNamed<AlertRow>(
      tx,
      'byok_alerts_lock_unfired',
      `SELECT ${ALERT_COLUMNS} FROM byok.usage_alerts a
        WHERE a.owner_type = $1 AND a.owner_id = $2
          AND (a.last_fired_period IS NULL OR a.last_fired_period COLLATE "C" <
               CASE a.threshold_period WHEN 'daily' THEN $3 WHEN 'weekly' THEN $4 ELSE $5 END COLLATE "C")
        ORDER BY a.id
        FOR UPDATE`,
      [owner.type, owner.id, periods.daily, periods.weekly, periods.monthly],
    );
    return rows.map(toAlert);
  }

  async markFired(tx: SqlClient, id: string, owner: Owner, period: string, at: Date): Promise<void> {
    await tx.query(
      `UPDATE byok.usage_alerts SET last_fired_period = $4, last_fired_at = $5
        WHERE id = $1 AND owner_type = $2 AND owner_id = $3`,
      [id, owner.type, owner.id, period, at],
    );
  }

  async periodTotals(tx: SqlClient, owner: Owner, startDay: string, endDay: string): Promise<PeriodTotals> {
    const { rows } = await tx.query<Record<keyof PeriodTotals, string | null>>(
      `SELECT sum(cost_usd)::text AS cost, sum(requests)::text AS requests,
              sum(input_tokens + output_tokens)::text AS tokens, sum(errors)::text AS errors,
              sum(unpriced_requests)::text AS unpriced
         FROM byok.usage_daily
        WHERE owner_type = $1 AND owner_id = $2 AND day >= $3::date AND day < $4::date`,
      [owner.type, owner.id, startDay, endDay],
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

  async userEmail(db: SqlClient, owner: Owner): Promise<string | null> {
    if (owner.type !== 'user') return null;
    const { rows } = await db.query<{ email: string | null }>('SELECT email FROM byok.users WHERE id = $1', [
      owner.id,
    ]);
    return rows[0]?.email || null;
  }

  async enqueue(tx: SqlClient, n: NewNotification): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO byok.alert_notifications (alert_id, owner_type, owner_id, channel, destination, period, payload, status, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (alert_id, period, channel) DO NOTHING
       RETURNING id::text AS id`,
      [
        n.alertId,
        n.owner.type,
        n.owner.id,
        n.channel,
        n.destination,
        n.period,
        JSON.stringify(n.payload),
        n.status,
        n.lastError,
      ],
    );
    return rows[0]?.id ?? null;
  }

  async countWaiting(): Promise<number> {
    const { rows } = await this.#db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM byok.alert_notifications WHERE status = 'waiting'",
    );
    return Number(rows[0]?.n ?? 0);
  }

  async releaseWaiting(channel: StoredChannel, fallback: string | null): Promise<string[]> {
    // Column names are chosen from two constants, never from input.
    const column = channel === 'webhook' ? 'webhook_url' : 'email';
    const userAddress =
      channel === 'email'
        ? "(SELECT u.email FROM byok.users u WHERE n.owner_type = 'user' AND u.id = n.owner_id AND u.email <> '')"
        : 'NULL';
    const { rows } = await this.#db.query<{ id: string }>(
      `UPDATE byok.alert_notifications n
          SET status = 'pending', last_error = NULL,
              destination = COALESCE(n.destination, a.${column}, ${userAddress}, $2)
         FROM byok.usage_alerts a
        WHERE a.id = n.alert_id AND a.owner_type = n.owner_type AND a.owner_id = n.owner_id
          AND n.status = 'waiting' AND n.channel = $1
          AND COALESCE(n.destination, a.${column}, ${userAddress}, $2) IS NOT NULL
        RETURNING n.id::text AS id`,
      [channel, fallback],
    );
    return rows.map((row) => row.id);
  }

  async claimDue(limit: number, leaseMs: number): Promise<StoredNotification[]> {
    const { rows } = await this.#db.query<NotificationRow>(
      `UPDATE byok.alert_notifications
          SET status = 'sending', locked_until = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id IN (SELECT id FROM byok.alert_notifications
                      WHERE status = 'pending' OR (status = 'sending' AND locked_until < now())
                      ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [limit, leaseMs],
    );
    return rows.map(toNotification);
  }

  async claimByIds(ids: readonly string[], leaseMs: number): Promise<StoredNotification[]> {
    const { rows } = await this.#db.query<NotificationRow>(
      `UPDATE byok.alert_notifications
          SET status = 'sending', locked_until = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id = ANY($1::bigint[])
          AND (status = 'pending' OR (status = 'sending' AND locked_until < now()))
        RETURNING *`,
      [ids, leaseMs],
    );
    return rows.map(toNotification);
  }

  async recordAttempt(
    notification: Pick<StoredNotification, 'id' | 'owner'>,
    result: {
      attempt: StoredAttempt;
      status: 'delivered' | 'failed' | 'sending';
      error: string | null;
      leaseMs: number;
    },
  ): Promise<void> {
    await this.#db.query(
      `UPDATE byok.alert_notifications
          SET attempts = $4, attempt_log = attempt_log || $5::jsonb, status = $6, last_error = $7,
              last_attempt_at = $9::timestamptz,
              delivered_at = CASE WHEN $6 = 'delivered' THEN now() ELSE delivered_at END,
              locked_until = CASE WHEN $6 = 'sending' THEN now() + make_interval(secs => $8::double precision / 1000) END
        WHERE id = $1 AND owner_type = $2 AND owner_id = $3`,
      [
        notification.id,
        notification.owner.type,
        notification.owner.id,
        result.attempt.attempt,
        JSON.stringify([result.attempt]),
        result.status,
        result.error,
        result.leaseMs,
        result.attempt.at,
      ],
    );
  }

  async listNotifications(owner: Owner, limit: number): Promise<StoredNotification[]> {
    const { rows } = await this.#db.query<NotificationRow>(
      `SELECT * FROM byok.alert_notifications WHERE owner_type = $1 AND owner_id = $2
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [owner.type, owner.id, limit],
    );
    return rows.map(toNotification);
  }

  async signingSecretOf(alertId: string, owner: Owner): Promise<string | null | undefined> {
    const { rows } = await this.#db.query<{ signing_secret: string | null }>(
      'SELECT signing_secret FROM byok.usage_alerts WHERE id = $1 AND owner_type = $2 AND owner_id = $3',
      [alertId, owner.type, owner.id],
    );
    return rows[0] ? rows[0].signing_secret : undefined;
  }
}

/** The PostgreSQL (and PGlite) alerts store. */
export function createAlertsStore(db: Database): AlertsStore {
  return new PgAlertsStore(db);
}
