import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlClient } from '../store/types.js';

/**
 * Takes the lease `name` for `holder` for `ttlMs`, or renews it when `holder` already has it.
 * One statement, atomic on PostgreSQL: of two instances racing for a free (or expired) lease,
 * exactly one gets a row back. A lease another holder owns and that has not expired is left alone.
 * Expiry is judged by the database clock, so instances with skewed clocks still agree.
 * @returns true when `holder` holds the lease until now() + ttlMs.
 */
export async function acquireLease(
  db: SqlClient,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const { rows } = await db.query<{ holder: string }>(
    `INSERT INTO byok.leases (name, holder, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE byok.leases.expires_at < now() OR byok.leases.holder = EXCLUDED.holder
     RETURNING holder`,
    [name, holder, Math.max(1, Math.round(ttlMs))],
  );
  return rows[0]?.holder === holder;
}

/** Gives the lease up at once (only if `holder` has it), so another instance can take over without waiting for expiry. */
export async function releaseLease(db: SqlClient, name: string, holder: string): Promise<void> {
  await db.query('DELETE FROM byok.leases WHERE name = $1 AND holder = $2', [name, holder]);
}

/** Who holds a lease now, or null when it is free or expired. */
export async function leaseHolder(db: SqlClient, name: string): Promise<string | null> {
  const { rows } = await db.query<{ holder: string }>(
    'SELECT holder FROM byok.leases WHERE name = $1 AND expires_at >= now()',
    [name],
  );
  return rows[0]?.holder ?? null;
}

/** A holder id unique to this process and call: `host:pid:random`. Never secret, shown in the leases table. */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
