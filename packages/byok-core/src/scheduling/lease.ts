import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { leasesStore } from '../store/leases-store.js';
import type { SqlClient } from '../store/types.js';

/**
 * Takes the lease `name` for `holder` for `ttlMs`, or renews it when `holder` already has it.
 * One statement, atomic on PostgreSQL: of two instances racing for a free (or expired) lease,
 * exactly one gets a row back. A lease another holder owns and that has not expired is left alone.
 * Expiry is judged by the database clock, so instances with skewed clocks still agree.
 * @returns true when `holder` holds the lease until now() + ttlMs.
 */
export function acquireLease(db: SqlClient, name: string, holder: string, ttlMs: number): Promise<boolean> {
  return leasesStore.acquire(db, name, holder, ttlMs);
}

/**
 * Takes `name` for `ttlMs` only when nobody holds it (this process included) with a fresh holder
 * id, so that the lease itself says "ran within the last ttl": of all instances checking, exactly
 * one runs a daily job, and a restart does not run it again.
 */
export function acquireLeaseIfFree(db: SqlClient, name: string, ttlMs: number): Promise<boolean> {
  return leasesStore.acquireIfFree(db, name, newHolderId(), ttlMs);
}

/** Gives the lease up at once (only if `holder` has it), so another instance can take over without waiting for expiry. */
export function releaseLease(db: SqlClient, name: string, holder: string): Promise<void> {
  return leasesStore.release(db, name, holder);
}

/** Who holds a lease now, or null when it is free or expired. */
export function leaseHolder(db: SqlClient, name: string): Promise<string | null> {
  return leasesStore.holder(db, name);
}

/** A holder id unique to this process and call: `host:pid:random`. Never secret, shown in the leases table. */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
