/** Anything that runs one parameterised SQL statement: a `pg.Client`, a `pg.Pool`, a PGlite, a transaction. */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The library's view of a PostgreSQL database.
 * `transaction` runs `fn` on one connection between BEGIN and COMMIT and rolls back if it throws;
 * nothing else runs on that connection meanwhile, so single-connection clients stay correct.
 */
export interface Database extends SqlClient {
  readonly kind: 'pool' | 'single-connection';
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Like `query`, as a named prepared statement where the driver supports it (pg), so it is planned once per connection. */
  queryPrepared<R = Record<string, unknown>>(
    name: string,
    text: string,
    params: unknown[],
  ): Promise<{ rows: R[] }>;
  /** Wall-clock statistics of the queries this wrapper has run. */
  stats(): {
    queries: number;
    averageQueryTimeMs: number;
    poolTotal?: number;
    poolIdle?: number;
    poolWaiting?: number;
  };
}
