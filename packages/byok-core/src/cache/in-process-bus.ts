import type { InvalidationBus } from './types.js';

/** Subscribers per channel, shared by every bus implementation. */
export class Subscribers {
  readonly #handlers = new Map<string, Set<Handler>>();

  add(channel: string, handler: Handler): () => void {
    let set = this.#handlers.get(channel);
    if (!set) {
      set = new Set();
      this.#handlers.set(channel, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  deliver(channel: string, ids: readonly string[], origin?: string): void {
    for (const handler of this.#handlers.get(channel) ?? []) handler(ids, origin);
  }

  /** Delivers a message as the Redis and PostgreSQL buses carry it (JSON); anything else is ignored. */
  deliverJson(text: string): void {
    try {
      const { channel, ids, origin } = JSON.parse(text) as {
        channel: unknown;
        ids: unknown;
        origin?: unknown;
      };
      if (typeof channel !== 'string' || !Array.isArray(ids)) return;
      this.deliver(
        channel,
        ids.filter((id): id is string => typeof id === 'string'),
        typeof origin === 'string' ? origin : undefined,
      );
    } catch {
      // not one of ours
    }
  }
}

/** The message as the Redis and PostgreSQL buses carry it. */
export const messageJson = (channel: string, ids: readonly string[], origin: string | undefined): string =>
  JSON.stringify(origin === undefined ? { channel, ids } : { channel, ids, origin });

type Handler = (ids: readonly string[], origin: string | undefined) => void;

/**
 * One process alone (PGlite, which one process owns): every message is delivered at once, and
 * the process always hears them.
 */
export function inProcessBus(): InvalidationBus {
  const subscribers = new Subscribers();
  return {
    kind: 'in-process',
    listeningEpoch: () => 1,
    subscribe: (channel, handler) => subscribers.add(channel, handler),
    publishInTransaction: async () => undefined,
    async publish(channel, ids, options) {
      subscribers.deliver(channel, ids, options?.origin);
    },
    deafPeriods: () => 0,
    close: async () => undefined,
  };
}

/**
 * A process that shares its database with others but has no way to hear them (a database client
 * of unknown kind and no Redis): it never trusts a cached entry, so every read goes to the database.
 */
export function deafBus(): InvalidationBus {
  const bus = inProcessBus();
  return { ...bus, kind: 'deaf', listeningEpoch: () => undefined };
}
