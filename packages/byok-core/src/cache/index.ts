export { bothBuses } from './both-buses.js';
export { chooseInvalidationBus } from './choose-bus.js';
export { deafBus, inProcessBus } from './in-process-bus.js';
export { CACHE_CHANNEL, createKeyCache, type KeyCacheOptions } from './key-cache.js';
export { type ListenerClient, NOTIFY_CHANNEL, type PostgresBusOptions, postgresBus } from './postgres-bus.js';
export { type RedisBusOptions, redisBus } from './redis-bus.js';
export type { CacheStats, InvalidationBus, KeyCache, RedisLike, RedisSubscriber } from './types.js';
