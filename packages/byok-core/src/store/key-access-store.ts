import type { SqlClient } from './types.js';

/** Uses of one key within one hour, as counted in memory. */
export interface KeyAccessTally {
  keyId: string;
  /** Start of the hour, epoch ms. */
  hour: number;
  count: number;
  /** First and last use in that hour, epoch ms. */
  first: number;
  last: number;
}

/** `byok.key_access_hourly`: how often each key was decrypted for use, per hour. */
export interface KeyAccessStore {
  /**
   * Adds the tallies to the stored counts in one statement; a row already there grows (count
   * summed, first/last widened), so two instances flushing the same hour both count.
   */
  add(db: SqlClient, tallies: readonly KeyAccessTally[]): Promise<void>;
}

export const keyAccessStore: KeyAccessStore = {
  async add(db, tallies) {
    if (tallies.length === 0) return;
    await db.query(
      `INSERT INTO byok.key_access_hourly (key_id, hour, access_count, first_used_at, last_used_at)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT (key_id, hour) DO UPDATE SET
         access_count = byok.key_access_hourly.access_count + EXCLUDED.access_count,
         first_used_at = LEAST(byok.key_access_hourly.first_used_at, EXCLUDED.first_used_at),
         last_used_at = GREATEST(byok.key_access_hourly.last_used_at, EXCLUDED.last_used_at)`,
      [
        tallies.map((t) => t.keyId),
        tallies.map((t) => new Date(t.hour)),
        tallies.map((t) => t.count),
        tallies.map((t) => new Date(t.first)),
        tallies.map((t) => new Date(t.last)),
      ],
    );
  },
};
