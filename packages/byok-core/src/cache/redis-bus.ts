import { BYOKError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { chunkIds, Hearing } from './hearing.js';
import { messageJson, Subscribers } from './in-process-bus.js';
import type { InvalidationBus, RedisLike, RedisSubscriber } from './types.js';

export interface RedisBusOptions {
  client: RedisLike;
  keyPrefix?: string;
  logger?: Logger | undefined;
  /** How often the subscriber connection is pinged, in ms. Default 250. */
  heartbeatMs?: number;
  /** A subscriber that has left a ping unanswered for this long (ms) counts as deaf. Default 750. */
  staleMs?: number;
  /** Longest wait for a PUBLISH, in ms; a revoke never hangs on a stuck Redis. Default 500. */
  publishTimeoutMs?: number;
}

/** Messages kept for sending again once Redis answers, at most this many ids. */
const MAX_UNSENT_IDS = 10_000;

/**
 * Invalidations over Redis pub/sub on a connection of its own (`client.duplicate()`). The process
 * counts as listening only once its SUBSCRIBE was answered on the current connection, and only
 * while that connection keeps answering pings; every reconnection starts a new epoch.
 */
export function redisBus(options: RedisBusOptions): InvalidationBus {
  const { client, logger } = options;
  const redisChannel = `${options.keyPrefix ?? 'byok:'}invalidate`;
  const subscribers = new Subscribers();
  const hearing = new Hearing(options.staleMs ?? 750);
  let subscriber: RedisSubscriber | undefined;
  let connection = 0;
  let closed = false;

  const confirm = (sub: RedisSubscriber) => {
    const attempt = connection;
    sub.subscribe(redisChannel).then(
      () => {
        if (attempt === connection && !closed) hearing.confirmed();
      },
      (error: Error) => logger?.warn({ err: error.message }, 'redis subscribe failed; reading through'),
    );
  };
  const lost = () => {
    connection += 1;
    hearing.lost();
  };

  try {
    const sub = client.duplicate();
    subscriber = sub;
    sub.on('error', (error: Error) => logger?.warn({ err: error.message }, 'redis subscriber error'));
    sub.on('close', lost);
    sub.on('end', lost);
    sub.on('reconnecting', lost);
    sub.on('ready', () => {
      connection += 1;
      confirm(sub);
    });
    sub.on('message', (_channel: string, message: string) => subscribers.deliverJson(message));
    if (sub.status === 'ready') confirm(sub);
  } catch (error) {
    logger?.warn({ err: (error as Error).message }, 'redis subscriber unavailable; reading through');
  }

  const heartbeat = setInterval(() => {
    const sub = subscriber;
    if (!sub || closed) return;
    // A connection that stays silent for long is replaced rather than waited for.
    if (hearing.lateForMs() > 5000) {
      lost();
      sub.disconnect(true);
      return;
    }
    const ping = sub.ping;
    if (sub.status !== 'ready' || !ping) return;
    hearing.ping(() => ping.call(sub));
  }, options.heartbeatMs ?? 250);
  heartbeat.unref();

  // Messages that could not be sent go out again when this client reconnects. Instances that
  // shared the outage were deaf and dropped their caches; this covers those that were not (this
  // client alone cut off from Redis), as soon as it is back.
  const unsent: Array<{ channel: string; ids: readonly string[]; origin: string | undefined }> = [];
  let unsentIds = 0;
  const send = async (channel: string, ids: readonly string[], origin: string | undefined) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      if (client.status !== 'ready') throw new BYOKError('INTERNAL_ERROR', `redis is ${client.status}`);
      await Promise.race([
        client.publish(redisChannel, messageJson(channel, ids, origin)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('publish timed out')), options.publishTimeoutMs ?? 500);
        }),
      ]);
      return true;
    } catch (error) {
      logger?.warn(
        { err: (error as Error).message, channel },
        'invalidation not published; sent again on reconnection',
      );
      if (unsentIds + ids.length <= MAX_UNSENT_IDS) {
        unsent.push({ channel, ids, origin });
        unsentIds += ids.length;
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
  const resend = async () => {
    const pending = unsent.splice(0);
    unsentIds = 0;
    for (const message of pending) await send(message.channel, message.ids, message.origin);
  };
  const onReady = () => void resend();
  client.on?.('ready', onReady);

  return {
    kind: 'redis',
    listeningEpoch: () => hearing.epoch(),
    subscribe: (channel, handler) => subscribers.add(channel, handler),
    publishInTransaction: async () => undefined,
    async publish(channel, ids, publishOptions) {
      for (const chunk of chunkIds(ids)) await send(channel, chunk, publishOptions?.origin);
    },
    deafPeriods: () => hearing.deafPeriods(),
    async close() {
      closed = true;
      clearInterval(heartbeat);
      client.off?.('ready', onReady);
      lost();
      const sub = subscriber;
      subscriber = undefined;
      if (sub) await sub.quit().catch(() => sub.disconnect());
    },
  };
}
