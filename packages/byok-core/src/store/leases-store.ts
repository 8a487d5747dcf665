import type { SqlClient } from './types.js';

/**
 * The `byok.leases` table: named, expiring locks that let exactly one instance run a scheduled job.
 * Expiry is judged by the database clock, so instances with skewed clocks still agree.
 */
export interface LeasesStore {
  /**
   * Takes the lease `name` for `holder` until now() + `ttlMs`, or renews it when `holder` has it.
   * One statement, atomic: of two callers racing for a free (or expired) lease exactly one gets it.
   * A lease another holder owns that has not expired is left alone.
   * @returns true when `holder` holds the lease now.
   */
  acquire(db: SqlClient, name: string, holder: string, ttlMs: number): Promise<boolean>;
  /**
   * Takes the lease only when nobody holds it — `holder` included, so it is never renewed: the
   * lease itself then says "ran within the last ttl". Atomic like {@link LeasesStore.acquire}.
   */
  acquireIfFree(db: SqlClient, name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once, only if `holder` has it. */
  release(db: SqlClient, name: string, holder: string): Promise<void>;
  /** Who holds the lease now, or null when it is free or expired. */
  holder(db: SqlClient, name: string): Promise<string | null>;
}

const upsert = (renew: boolean) =>
  `INSERT INTO byok.leases (name, holder, expires_at)
   VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
   ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
    WHERE byok.leases.expires_at < now()${renew ? ' OR byok.leases.holder = EXCLUDED.holder' : ''}
   RETURNING holder`;

const ACQUIRE_SQL = upsert(true);
const ACQUIRE_IF_FREE_SQL = upsert(false);

async function take(db: SqlClient, sql: string, name: string, holder: string, ttlMs: number) {
  const { rows } = await db.query<{ holder: string }>(sql, [name, holder, Math.max(1, Math.round(ttlMs))]);
  return rows[0]?.holder === holder;
}

export const leasesStore: LeasesStore = {
  acquire: (db, name, holder, ttlMs) => take(db, ACQUIRE_SQL, name, holder, ttlMs),
  acquireIfFree: (db, name, holder, ttlMs) => take(db, ACQUIRE_IF_FREE_SQL, name, holder, ttlMs),
  async release(db, name, holder) {
    await db.query('DELETE FROM byok.leases WHERE name = $1 AND holder = $2', [name, holder]);
  },
  async holder(db, name) {
    const { rows } = await db.query<{ holder: string }>(
      'SELECT holder FROM byok.leases WHERE name = $1 AND expires_at >= now()',
      [name],
    );
    return rows[0]?.holder ?? null;
  },
};
