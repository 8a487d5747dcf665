import type { SqlClient } from './types.js';

export interface KeyTotals {
  usersTotal: number;
  usersWithKeys: number;
  keysTotal: number;
  keysActive: number;
  keysInvalid: number;
  keysDisabled: number;
  keysRevoked: number;
}

export interface ValidationTotals {
  total: number;
  failures: number;
  /** Mean response time in ms; 0 when there were none. */
  averageMs: number;
}

export interface ProviderValidationHealth {
  provider: string;
  /** Owners with a validation in the window. */
  owners: number;
  /** Owners whose share of failed validations is above the threshold. */
  failingOwners: number;
  total: number;
  failed: number;
}

export interface MasterKeyRow {
  fingerprint: string;
  promoted_at: Date | string;
  retired_at: Date | string | null;
}

/**
 * System-wide aggregate reads for health checks and metrics. Counts only, across every owner:
 * nothing here returns an owner's row.
 */
export interface StatsStore {
  /** A round trip that proves the database answers. */
  ping(db: SqlClient): Promise<void>;
  keyTotals(db: SqlClient): Promise<KeyTotals>;
  keysByProvider(db: SqlClient): Promise<Record<string, number>>;
  /** Validations in the last 24 hours. */
  validationsLastDay(db: SqlClient): Promise<ValidationTotals>;
  /** Per provider, validations within the last `windowMs`, grouped by owner. */
  validationHealth(
    db: SqlClient,
    windowMs: number,
    failureThreshold: number,
  ): Promise<ProviderValidationHealth[]>;
  /** Alert notifications kept until their channel is configured. */
  waitingAlertNotifications(db: SqlClient): Promise<number>;
  /** Every master key ever recorded, newest promotion first. */
  masterKeys(db: SqlClient): Promise<MasterKeyRow[]>;
}

const n = (value: string | number | null | undefined): number => Number(value ?? 0) || 0;

export const statsStore: StatsStore = {
  async ping(db) {
    await db.query('SELECT 1');
  },

  async keyTotals(db) {
    const { rows } = await db.query<Record<string, string | number>>(
      `SELECT (SELECT count(*) FROM byok.users) AS users_total,
              (SELECT count(DISTINCT owner_id) FROM byok.keys WHERE owner_type = 'user' AND status <> 'revoked') AS users_with_keys,
              count(*) AS keys_total,
              count(*) FILTER (WHERE status = 'active') AS keys_active,
              count(*) FILTER (WHERE status = 'invalid') AS keys_invalid,
              count(*) FILTER (WHERE status = 'disabled') AS keys_disabled,
              count(*) FILTER (WHERE status = 'revoked') AS keys_revoked
         FROM byok.keys`,
    );
    const t = rows[0] ?? {};
    return {
      usersTotal: n(t.users_total),
      usersWithKeys: n(t.users_with_keys),
      keysTotal: n(t.keys_total),
      keysActive: n(t.keys_active),
      keysInvalid: n(t.keys_invalid),
      keysDisabled: n(t.keys_disabled),
      keysRevoked: n(t.keys_revoked),
    };
  },

  async keysByProvider(db) {
    const { rows } = await db.query<{ provider: string; count: string | number }>(
      'SELECT provider, count(*) AS count FROM byok.keys GROUP BY provider ORDER BY provider',
    );
    return Object.fromEntries(rows.map((row) => [row.provider, n(row.count)]));
  },

  async validationsLastDay(db) {
    const { rows } = await db.query<Record<string, string | number | null>>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE NOT is_valid) AS failures,
              avg(response_time_ms) AS average_ms
         FROM byok.key_validations
        WHERE created_at > now() - interval '24 hours'`,
    );
    const v = rows[0] ?? {};
    return { total: n(v.total), failures: n(v.failures), averageMs: n(v.average_ms) };
  },

  async validationHealth(db, windowMs, failureThreshold) {
    const { rows } = await db.query<{
      provider: string;
      owners: string | number;
      failing_owners: string | number;
      total: string | number;
      failed: string | number;
    }>(
      `SELECT provider, count(*) AS owners,
              count(*) FILTER (WHERE failed > total * $2::double precision) AS failing_owners,
              sum(total) AS total, sum(failed) AS failed
         FROM (SELECT k.provider, k.owner_type, k.owner_id, count(*) AS total,
                      count(*) FILTER (WHERE NOT v.is_valid) AS failed
                 FROM byok.key_validations v JOIN byok.keys k ON k.id = v.key_id
                WHERE v.created_at > now() - make_interval(secs => $1::double precision / 1000)
                GROUP BY k.provider, k.owner_type, k.owner_id) per_owner
        GROUP BY provider ORDER BY provider`,
      [windowMs, failureThreshold],
    );
    return rows.map((row) => ({
      provider: row.provider,
      owners: Number(row.owners),
      failingOwners: Number(row.failing_owners),
      total: Number(row.total),
      failed: Number(row.failed),
    }));
  },

  async waitingAlertNotifications(db) {
    const { rows } = await db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM byok.alert_notifications WHERE status = 'waiting'",
    );
    return Number(rows[0]?.n ?? 0);
  },

  async masterKeys(db) {
    const { rows } = await db.query<MasterKeyRow>(
      'SELECT fingerprint, promoted_at, retired_at FROM byok.master_keys ORDER BY promoted_at DESC, fingerprint',
    );
    return rows;
  },
};
