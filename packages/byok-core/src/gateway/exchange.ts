import { GatewayProblem } from './errors.js';

/** Fired once when the client goes away before its answer ended: what is still waiting for it stops. */
export class ClientGone {
  aborted = false;
  #listeners: (() => void)[] = [];

  /** Calls `listener` once when the client goes away (never, if it already went). */
  on(listener: () => void): void {
    if (!this.aborted) this.#listeners.push(listener);
  }

  off(listener: () => void): void {
    const at = this.#listeners.indexOf(listener);
    if (at !== -1) this.#listeners.splice(at, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}

/** What the gateway reads of a request, whichever server received it. */
export interface GatewayInput {
  method: string;
  /** The path without its query (`/v1/chat/completions`). */
  path: string;
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
  /** The whole body; rejects with `PAYLOAD_TOO_LARGE` past `limit` bytes. */
  body(limit: number): Promise<Buffer>;
  /** The adapter aborts it when the client goes away. */
  gone: ClientGone;
}

/** Where the chunks of a streamed answer go: the client. */
export interface StreamTarget {
  /** One chunk, tapped and scrubbed; false when the client is full: nothing more until `resume()`. */
  data(chunk: Uint8Array): boolean;
  /** The upstream ended; `last` is what the scrubber still held (maybe nothing). */
  end(last: Uint8Array): void;
  /** The upstream broke off (or was stopped) mid-answer: the client must not take it as complete. */
  error(error: Error): void;
}

/** An answer streamed from the upstream, chunk by chunk, as fast as the client reads. */
export interface GatewayStream {
  /** Bytes already received, waiting for `start`. */
  held(): number;
  /** Starts the relay to `target`; usage is recorded when it ends or fails. */
  start(target: StreamTarget): void;
  /** The client can take more (after `data` returned false). */
  resume(): void;
  /** The client went away or the relay failed: stops the upstream and records what was seen. */
  fail(): void;
}

/** The gateway's answer, for the adapter to write: a whole body or a stream. */
export type GatewayAnswer = {
  status: number;
  headers: Record<string, string>;
} & ({ body: Uint8Array | string | null; stream?: undefined } | { stream: GatewayStream });

/** The refusal of a body past the gateway's limit. */
export const payloadTooLarge = (limit: number): GatewayProblem =>
  new GatewayProblem('PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes`);

/** The path of a request target (`/path?query`, or `http://host/path?query`) without building a `URL`. */
export function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const slash = url.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  if (slash === -1) return '/';
  const query = url.indexOf('?', slash);
  const hash = url.indexOf('#', slash);
  const end = query === -1 ? hash : hash === -1 ? query : Math.min(query, hash);
  return end === -1 ? url.slice(slash) : url.slice(slash, end);
}

/** Whether a path is the gateway's (`/v1/…`, `/anthropic/…`). */
export const isGatewayPath = (path: string): boolean =>
  path.startsWith('/v1/') || path === '/v1' || path.startsWith('/anthropic/');
