import type { SqlClient } from './types.js';

export interface NewIncidentRow {
  id: string;
  reason: string;
  /** The owners it covered, or 'all'; stored as JSON. */
  scope: unknown;
  startedBy: string;
  masterFingerprint: string | null;
  keysMarked: number;
  startedAt: Date;
}

/** Hourly use counts of one key, joined with the key (null columns once the key is deleted). */
export interface KeyUseRow {
  key_id: string;
  hour: Date | string;
  access_count: string | number;
  first_used_at: Date | string;
  last_used_at: Date | string;
  owner_type: 'user' | 'workspace' | null;
  owner_id: string | null;
  provider: string | null;
}

/** An audited action on a key. */
export interface KeyAuditRow {
  target_id: string;
  action: string;
  actor: string;
  owner_type: 'user' | 'workspace' | null;
  owner_id: string | null;
  details: Record<string, unknown> | string;
  context: Record<string, unknown> | string;
  created_at: Date | string;
}

/** `byok.incidents`, and the reads an incident report is made of (system-wide, for operators). */
export interface IncidentsStore {
  insert(db: SqlClient, row: NewIncidentRow): Promise<void>;
  /** Hourly use counts of every key used in `[since, until)`, by hour then key. */
  keyUses(db: SqlClient, since: Date, until: Date): Promise<KeyUseRow[]>;
  /** Audit entries about keys written in `[since, until)`, oldest first. */
  keyAuditEntries(db: SqlClient, since: Date, until: Date): Promise<KeyAuditRow[]>;
}

export const incidentsStore: IncidentsStore = {
  async insert(db, row) {
    await db.query(
      `INSERT INTO byok.incidents (id, reason, scope, started_by, master_fingerprint, keys_marked, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        row.id,
        row.reason,
        JSON.stringify(row.scope),
        row.startedBy,
        row.masterFingerprint,
        row.keysMarked,
        row.startedAt,
      ],
    );
  },

  async keyUses(db, since, until) {
    const { rows } = await db.query<KeyUseRow>(
      `SELECT a.key_id, a.hour, a.access_count, a.first_used_at, a.last_used_at, k.owner_type, k.owner_id, k.provider
         FROM byok.key_access_hourly a LEFT JOIN byok.keys k ON k.id = a.key_id
        WHERE a.last_used_at >= $1 AND a.first_used_at < $2
        ORDER BY a.hour, a.key_id`,
      [since, until],
    );
    return rows;
  },

  async keyAuditEntries(db, since, until) {
    const { rows } = await db.query<KeyAuditRow>(
      `SELECT target_id, action, actor, owner_type, owner_id, details, context, created_at
         FROM byok.audit_log
        WHERE target_type = 'key' AND created_at >= $1 AND created_at < $2
        ORDER BY created_at, id`,
      [since, until],
    );
    return rows;
  },
};
