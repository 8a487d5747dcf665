import type { Logger } from '../logging/index.js';
import type { SqlClient } from '../store/types.js';
import { bothBuses } from './both-buses.js';
import { deafBus, inProcessBus } from './in-process-bus.js';
import { type ListenerClient, postgresBus } from './postgres-bus.js';
import { redisBus } from './redis-bus.js';
import type { InvalidationBus, RedisLike } from './types.js';

export interface ChooseBusOptions {
  /** The database client given to the library: a `pg.Pool`, a `pg.Client` or a PGlite. */
  databaseClient: unknown;
  /** Runs NOTIFY outside a transaction (the library's wrapper around `databaseClient`). */
  db: SqlClient;
  redis?: { client: RedisLike; keyPrefix?: string } | undefined;
  logger?: Logger | undefined;
}

/**
 * The connection settings of the pool or client, named after them in pg_stat_activity. pg keeps
 * `password` non-enumerable (out of logs), so a spread alone would lose it.
 */
function listenerConfig(settings: unknown): Record<string, unknown> {
  const config = settings as { application_name?: string; password?: unknown };
  return {
    ...config,
    ...('password' in config ? { password: config.password } : {}),
    application_name: `${config.application_name || 'byok'}:invalidations`,
  };
}

type ClientConstructor = new (config: unknown) => ListenerClient;

/** pg's pool keeps its client class and options: a listener made from them is not one of the pool's. */
function listenerFactory(client: unknown): (() => ListenerClient) | undefined {
  const candidate = client as {
    Client?: ClientConstructor;
    options?: unknown;
    connectionParameters?: unknown;
    totalCount?: unknown;
    connect?: unknown;
    on?: unknown;
  };
  if (typeof candidate.Client === 'function' && typeof candidate.totalCount === 'number') {
    const { Client, options } = candidate;
    return () => new Client(listenerConfig(options));
  }
  if (
    typeof candidate.connect === 'function' &&
    typeof candidate.on === 'function' &&
    candidate.connectionParameters !== undefined
  ) {
    const Client = (client as { constructor: ClientConstructor }).constructor;
    return () => new Client(listenerConfig(candidate.connectionParameters));
  }
  return undefined;
}

const bySingleProcessClient = new WeakMap<object, InvalidationBus>();

/**
 * Picks the invalidation bus once, at wiring: Redis when given (with PostgreSQL NOTIFY beside it
 * on a `pg` pool or client, see `bothBuses`); else PostgreSQL LISTEN/NOTIFY on a `pg` pool or
 * client (other instances may share the database); else, for PGlite (one process
 * per data folder), in-process, shared by every manager on the same PGlite. A client of any other
 * kind may be shared with processes it cannot hear, so that process never trusts its cache.
 */
export function chooseInvalidationBus(options: ChooseBusOptions): InvalidationBus {
  const { databaseClient, logger } = options;
  const connect = listenerFactory(databaseClient);
  if (options.redis) {
    const redis = redisBus({ ...options.redis, logger });
    return connect ? bothBuses(redis, postgresBus({ connect, db: options.db, logger })) : redis;
  }
  if (connect) return postgresBus({ connect, db: options.db, logger });
  const isPGlite =
    typeof databaseClient === 'object' &&
    databaseClient !== null &&
    typeof (databaseClient as { exec?: unknown }).exec === 'function' &&
    typeof (databaseClient as { listen?: unknown }).listen === 'function';
  if (!isPGlite) {
    logger?.warn(
      'database client of unknown kind and no Redis: the key cache is off (every read goes to the database)',
    );
    return deafBus();
  }
  let bus = bySingleProcessClient.get(databaseClient as object);
  if (!bus) {
    bus = inProcessBus();
    bySingleProcessClient.set(databaseClient as object, bus);
  }
  return bus;
}
