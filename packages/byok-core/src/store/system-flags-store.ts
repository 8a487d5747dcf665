import type { SqlClient } from './types.js';

/** `byok.system_flags`: named one-way switches (set once, never cleared). */
export interface SystemFlagsStore {
  has(db: SqlClient, name: string): Promise<boolean>;
  /** Sets the flag; setting it twice is a no-op. */
  set(db: SqlClient, name: string): Promise<void>;
}

export const systemFlagsStore: SystemFlagsStore = {
  async has(db, name) {
    const { rows } = await db.query('SELECT 1 FROM byok.system_flags WHERE name = $1', [name]);
    return rows.length > 0;
  },
  async set(db, name) {
    await db.query('INSERT INTO byok.system_flags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name]);
  },
};
