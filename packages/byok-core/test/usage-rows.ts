import type { SqlClient } from '../src/store/types.js';

/** A row of `byok.key_usage` as the driver returns it (bigint and numeric columns may come back as strings). */
export interface KeyUsageRow {
  key_id: string | null;
  owner_id: string;
  provider: string;
  model: string | null;
  requests: number;
  input_tokens: string | number;
  output_tokens: string | number;
  cached_tokens: string | number;
  cost_usd: string | null;
  priced: boolean;
  latency_ms: number | null;
  success: boolean;
  audio_seconds: string | null;
}

/** The usage rows recorded for the user `userId`, in the order they were written. */
export async function usageRowsOf(db: SqlClient, userId: string): Promise<KeyUsageRow[]> {
  return (
    await db.query<KeyUsageRow>('SELECT * FROM byok.key_usage WHERE owner_id = $1 ORDER BY id', [userId])
  ).rows;
}
