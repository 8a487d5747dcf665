import { BYOKError } from '../errors/index.js';
import type { SqlClient } from './types.js';

/**
 * The SQL of PostgreSQL LISTEN/NOTIFY. A channel name is an identifier, not a parameter, so
 * `listen` accepts only plain lower-case names.
 */
export const notifyChannel = {
  /** Starts listening on `channel` on this connection. */
  async listen(client: { query(text: string): Promise<unknown> }, channel: string): Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel))
      throw new BYOKError('INVALID_INPUT', `Not a channel name: ${channel}`);
    await client.query(`LISTEN ${channel}`);
  },

  /** Sends `payload` on `channel`; inside a transaction it is delivered when that commits. */
  async notify(db: SqlClient, channel: string, payload: string): Promise<void> {
    await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
  },

  /** One round trip on the listening connection, to prove it still answers. */
  async ping(client: { query(text: string): Promise<unknown> }): Promise<void> {
    await client.query('SELECT 1');
  },
};
