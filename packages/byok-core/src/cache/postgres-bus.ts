import type { Logger } from '../logging/index.js';
import { notifyChannel } from '../store/notify-channel.js';
import type { SqlClient } from '../store/types.js';
import { chunkIds, Hearing } from './hearing.js';
import { messageJson, Subscribers } from './in-process-bus.js';
import type { InvalidationBus } from './types.js';

/** The parts of a `pg.Client` the listener uses. */
export interface ListenerClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

export interface PostgresBusOptions {
  /** Opens a new connection of the listener's own (never one of the pool's). */
  connect: () => ListenerClient;
  /** Runs a statement outside any transaction (NOTIFY for changes made without one). */
  db: SqlClient;
  logger?: Logger | undefined;
  /** How often the listening connection runs `SELECT 1`, in ms. Default 250. */
  heartbeatMs?: number;
  /** A listener that has left a heartbeat unanswered for this long (ms) counts as deaf. Default 750. */
  staleMs?: number;
  /** Longest wait between reconnection attempts, in ms. Default 2000. */
  maxBackoffMs?: number;
}

export const NOTIFY_CHANNEL = 'byok_invalidate';

/**
 * Invalidations through PostgreSQL LISTEN/NOTIFY, for several instances on one database without
 * Redis. NOTIFY goes out inside the changing transaction, so PostgreSQL delivers it exactly when
 * the change commits. One dedicated connection listens; while it is down, reconnecting or late
 * the process counts as deaf, and it reconnects by itself with a growing pause.
 */
export function postgresBus(options: PostgresBusOptions): InvalidationBus {
  const { logger } = options;
  const subscribers = new Subscribers();
  const hearing = new Hearing(options.staleMs ?? 750);
  const maxBackoffMs = options.maxBackoffMs ?? 2000;
  let listener: ListenerClient | undefined;
  let connection = 0;
  let backoffMs = 50;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const drop = (client: ListenerClient, reason: string) => {
    if (listener !== client) return;
    listener = undefined;
    connection += 1;
    hearing.lost();
    logger?.warn(
      { reason },
      'invalidation listener lost; reading through to the database until it listens again',
    );
    client.end().catch(() => undefined);
    scheduleConnect();
  };

  const scheduleConnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void open();
    }, backoffMs);
    retryTimer.unref();
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  };

  const open = async () => {
    if (closed) return;
    let client: ListenerClient;
    try {
      client = options.connect();
    } catch (error) {
      logger?.warn({ err: (error as Error).message }, 'invalidation listener cannot be created');
      scheduleConnect();
      return;
    }
    listener = client;
    connection += 1;
    const attempt = connection;
    client.on('error', (error) => drop(client, error.message));
    client.on('end', () => drop(client, 'connection ended'));
    client.on('notification', (message) => {
      if (message.channel === NOTIFY_CHANNEL && message.payload) subscribers.deliverJson(message.payload);
    });
    try {
      await client.connect();
      // The listener alone must not keep a process (a CLI command, a test) alive.
      (client as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      await notifyChannel.listen(client, NOTIFY_CHANNEL);
      if (attempt !== connection || closed) return;
      backoffMs = 50;
      hearing.confirmed();
    } catch (error) {
      drop(client, (error as Error).message);
    }
  };

  const heartbeat = setInterval(() => {
    const client = listener;
    if (!client || closed) return;
    if (hearing.lateForMs() > 5000) {
      drop(client, 'heartbeat unanswered');
      return;
    }
    // Nothing to ping while LISTEN has not been answered yet; a late connection is pinged until it answers.
    if (hearing.epoch() === undefined && hearing.lateForMs() === 0) return;
    hearing.ping(() => notifyChannel.ping(client));
  }, options.heartbeatMs ?? 250);
  heartbeat.unref();

  void open();

  return {
    kind: 'postgres',
    listeningEpoch: () => hearing.epoch(),
    subscribe: (channel, handler) => subscribers.add(channel, handler),
    async publishInTransaction(tx, channel, ids, origin) {
      // Sequential on purpose: one transaction runs one statement at a time.
      for (const chunk of chunkIds(ids))
        await notifyChannel.notify(tx, NOTIFY_CHANNEL, messageJson(channel, chunk, origin));
    },
    async publish(channel, ids, publishOptions) {
      if (publishOptions?.announced) return;
      try {
        for (const chunk of chunkIds(ids))
          await notifyChannel.notify(
            options.db,
            NOTIFY_CHANNEL,
            messageJson(channel, chunk, publishOptions?.origin),
          );
      } catch (error) {
        logger?.warn({ err: (error as Error).message, channel }, 'invalidation not published');
      }
    },
    deafPeriods: () => hearing.deafPeriods(),
    async close() {
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(retryTimer);
      const client = listener;
      listener = undefined;
      connection += 1;
      hearing.lost();
      if (client) await client.end().catch(() => undefined);
    },
  };
}
