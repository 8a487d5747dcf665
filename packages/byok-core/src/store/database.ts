import { performance } from 'node:perf_hooks';
import { BYOKError } from '../errors/index.js';
import { isDatabaseConnectionError, toDatabaseError } from './connection-errors.js';
import type { Database, SqlClient } from './types.js';

/** pg's clients and pools take `{ name, text, values }`; PGlite does not. */
type NamedQueryRunner = (name: string, text: string, params: unknown[]) => Promise<{ rows: never[] }>;

function namedQueryRunner(client: SqlClient): NamedQueryRunner {
  const isPg = typeof (client as { connect?: unknown }).connect === 'function';
  if (!isPg) return (_name, text, params) => client.query<never>(text, params);
  const pgClient = client as unknown as {
    query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: never[] }>;
  };
  return (name, text, params) => pgClient.query({ name, text, values: params });
}

/** A client checked out of a pg pool: an EventEmitter that must have an 'error' listener while out. */
interface PooledClient extends SqlClient {
  release(error?: Error | boolean): void;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

interface PoolLike extends SqlClient {
  connect(callback: (error: Error | undefined, client: PooledClient | undefined) => void): void;
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const isPool = (client: SqlClient): client is PoolLike =>
  typeof (client as Partial<PoolLike>).connect === 'function' &&
  typeof (client as Partial<PoolLike>).totalCount === 'number';

const isSqlClient = (client: unknown): client is SqlClient =>
  typeof client === 'object' && client !== null && typeof (client as SqlClient).query === 'function';

const DATABASE_MARKER = Symbol.for('@stack-2025/byok-core/database');

/** A FIFO lock: single-connection clients must not interleave a transaction with other statements. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** Runs `fn`, turning a lost or unreachable database into `DATABASE_UNAVAILABLE` (see connection-errors.ts). */
async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toDatabaseError(error);
  }
}

class QueryTimer {
  queries = 0;
  totalMs = 0;

  async time<T>(fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.queries += 1;
      this.totalMs += performance.now() - start;
    }
  }

  snapshot() {
    return {
      queries: this.queries,
      averageQueryTimeMs: this.queries === 0 ? 0 : this.totalMs / this.queries,
    };
  }
}

async function inTransaction<T>(conn: SqlClient, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  await conn.query('BEGIN');
  try {
    const result = await fn(conn);
    await conn.query('COMMIT');
    return result;
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function wrapPool(pool: PoolLike): Database {
  const timer = new QueryTimer();
  const named = namedQueryRunner(pool);
  return {
    kind: 'pool',
    query: (text, params) => timer.time(() => mapped(() => pool.query(text, params))),
    queryPrepared: (name, text, params) => timer.time(() => mapped(() => named(name, text, params))),
    transaction: (fn) => mapped(() => pooledTransaction(pool, fn)),
    stats: () => ({
      ...timer.snapshot(),
      poolTotal: pool.totalCount,
      poolIdle: pool.idleCount,
      poolWaiting: pool.waitingCount,
    }),
  };
}

/**
 * A transaction on a client checked out of the pool. pg-pool takes its own 'error' listener off a
 * client while it is checked out, so a connection that dies between two statements (a server
 * restart: 57P01) would emit an unhandled 'error' and end the process; the listener here keeps
 * that error, and releasing with it makes the pool discard the client instead of reusing it.
 */
async function pooledTransaction<T>(pool: PoolLike, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost ??= error;
  };
  // The callback form, so the listener is on before anything else can run: the message that
  // completes a new connection and a termination notice can arrive in one socket read, and the
  // notice would otherwise be emitted in the gap before an awaited promise resumes.
  const conn = await new Promise<PooledClient>((resolve, reject) => {
    pool.connect((error, client) => {
      if (error || !client) return reject(error ?? new Error('pool.connect returned no client'));
      client.on?.('error', onError);
      resolve(client);
    });
  });
  let broken: Error | undefined;
  try {
    return await inTransaction(conn, fn);
  } catch (error) {
    // A connection error, or a failure that is not PostgreSQL's (no SQLSTATE), may leave the
    // connection mid-transaction: it is not given back for reuse.
    if (error instanceof Error && (isDatabaseConnectionError(error) || !('code' in error))) broken = error;
    throw lost && !isDatabaseConnectionError(error) ? lost : error;
  } finally {
    conn.release(lost ?? broken);
    conn.off?.('error', onError);
  }
}

function wrapSingleConnection(conn: SqlClient): Database {
  const timer = new QueryTimer();
  const lock = new Mutex();
  const named = namedQueryRunner(conn);
  return {
    kind: 'single-connection',
    query: (text, params) => lock.run(() => timer.time(() => mapped(() => conn.query(text, params)))),
    queryPrepared: (name, text, params) =>
      lock.run(() => timer.time(() => mapped(() => named(name, text, params)))),
    transaction: (fn) => lock.run(() => mapped(() => inTransaction(conn, fn))),
    stats: () => timer.snapshot(),
  };
}

interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
  listenerCount(event: 'error'): number;
}

/**
 * A pg pool emits 'error' when an idle connection dies (a server restart, a terminated backend),
 * and an 'error' nobody listens to ends the process. When the application gave us a pool with no
 * listener of its own, this adds one that logs (at most every 10 s); the pool has already dropped
 * the dead client and opens a new one on the next checkout. A pool that has a listener is left as is.
 */
export function guardIdleConnectionErrors(
  client: unknown,
  logger: { warn(details: object, message: string): void },
): void {
  if (!isSqlClient(client) || !isPool(client)) return;
  const emitter = client as unknown as Partial<ErrorEmitter>;
  if (typeof emitter.on !== 'function' || typeof emitter.listenerCount !== 'function') return;
  if (emitter.listenerCount('error') > 0) return;
  let lastWarning = 0;
  emitter.on('error', (error) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    logger.warn({ err: { message: error.message } }, 'idle database connection lost; the pool reconnects');
  });
}

/**
 * Runs a statement as a named prepared statement (parsed and planned once per connection) where the
 * client can (our wrapper of a pg pool, or a pg client: a transaction's connection), else as a plain query.
 */
export function queryNamed<R = Record<string, unknown>>(
  client: SqlClient,
  name: string,
  text: string,
  params: unknown[],
): Promise<{ rows: R[] }> {
  const preparing = client as Partial<Pick<Database, 'queryPrepared'>>;
  if (preparing.queryPrepared) return preparing.queryPrepared<R>(name, text, params);
  return namedQueryRunner(client)(name, text, params) as Promise<{ rows: R[] }>;
}

/**
 * Wraps a `pg.Pool`, a `pg.Client` or a PGlite instance. The same client always gets the same
 * wrapper, so that every part of the library shares one lock on a single connection.
 */
export function toDatabase(client: unknown): Database {
  if (!isSqlClient(client)) {
    throw new BYOKError('INVALID_INPUT', 'database.client must have a query(text, params) method');
  }
  const holder = client as unknown as Record<symbol, Database | undefined>;
  const existing = holder[DATABASE_MARKER];
  if (existing) return existing;
  if ((client as Partial<Database>).transaction && (client as Partial<Database>).kind)
    return client as Database;
  const db = isPool(client) ? wrapPool(client) : wrapSingleConnection(client);
  Object.defineProperty(client, DATABASE_MARKER, { value: db, enumerable: false });
  return db;
}
