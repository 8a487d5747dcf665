import { DatabaseMigration, type MigrationStatus } from './migrator.js';
import type { Database } from './types.js';

export interface SystemStats {
  users: number;
  workspaces: number;
  keys: { total: number; active: number; disabled: number; invalid: number; revoked: number };
  dataKeys: number;
  auditEntries: number;
  /** Connections the pool holds (a single client counts as one). */
  activeConnections: number;
  idleConnections: number | null;
  waitingClients: number | null;
  /** Mean wall-clock time of the queries this process ran, in ms. */
  averageQueryTime: number;
  queries: number;
}

/** The `database` part of a BYOK system: statistics and migrations (usage alerts join it later). */
export class BYOKDatabase {
  readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  runMigrations(): Promise<number[]> {
    return new DatabaseMigration(this.db).runMigrations();
  }

  getMigrationStatus(): Promise<MigrationStatus> {
    return new DatabaseMigration(this.db).getMigrationStatus();
  }

  async getSystemStats(): Promise<SystemStats> {
    const { rows } = await this.db.query<Record<string, string | number>>(
      `SELECT (SELECT count(*) FROM byok.users) AS users,
              (SELECT count(*) FROM byok.workspaces) AS workspaces,
              (SELECT count(*) FROM byok.keys) AS keys_total,
              (SELECT count(*) FROM byok.keys WHERE status = 'active') AS keys_active,
              (SELECT count(*) FROM byok.keys WHERE status = 'disabled') AS keys_disabled,
              (SELECT count(*) FROM byok.keys WHERE status = 'invalid') AS keys_invalid,
              (SELECT count(*) FROM byok.keys WHERE status = 'revoked') AS keys_revoked,
              (SELECT count(*) FROM byok.data_keys) AS data_keys,
              (SELECT count(*) FROM byok.audit_log) AS audit_entries`,
    );
    const r = rows[0] ?? {};
    const n = (name: string) => Number(r[name] ?? 0);
    const stats = this.db.stats();
    return {
      users: n('users'),
      workspaces: n('workspaces'),
      keys: {
        total: n('keys_total'),
        active: n('keys_active'),
        disabled: n('keys_disabled'),
        invalid: n('keys_invalid'),
        revoked: n('keys_revoked'),
      },
      dataKeys: n('data_keys'),
      auditEntries: n('audit_entries'),
      activeConnections: stats.poolTotal !== undefined ? stats.poolTotal - (stats.poolIdle ?? 0) : 1,
      idleConnections: stats.poolIdle ?? null,
      waitingClients: stats.poolWaiting ?? null,
      averageQueryTime: stats.averageQueryTimeMs,
      queries: stats.queries,
    };
  }
}
