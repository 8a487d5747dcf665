import type { InvalidationBus } from './types.js';

/**
 * Redis pub/sub and PostgreSQL NOTIFY together, when a service has both. Redis decides whether
 * this process counts as listening (as with Redis alone); every message also travels through
 * PostgreSQL, inside the changing transaction, so an instance cut off from Redis alone still
 * reaches the others: they hear it from the database, drop their entries and put tombstones in
 * Redis in its place.
 */
export function bothBuses(redis: InvalidationBus, postgres: InvalidationBus): InvalidationBus {
  return {
    kind: 'redis+postgres',
    listeningEpoch: () => redis.listeningEpoch(),
    subscribe(channel, handler) {
      const fromRedis = redis.subscribe(channel, handler);
      const fromPostgres = postgres.subscribe(channel, handler);
      return () => {
        fromRedis();
        fromPostgres();
      };
    },
    async publishInTransaction(tx, channel, ids, origin) {
      await postgres.publishInTransaction(tx, channel, ids, origin);
      await redis.publishInTransaction(tx, channel, ids, origin);
    },
    async publish(channel, ids, options) {
      await Promise.all([redis.publish(channel, ids, options), postgres.publish(channel, ids, options)]);
    },
    deafPeriods: () => redis.deafPeriods(),
    async close() {
      await Promise.all([redis.close(), postgres.close()]);
    },
  };
}
