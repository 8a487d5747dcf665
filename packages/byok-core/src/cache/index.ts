export { createKeyCache, type KeyCacheOptions } from './key-cache.js';
export type { CacheStats, KeyCache, RedisLike, RedisSubscriber } from './types.js';
