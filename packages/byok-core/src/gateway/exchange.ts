import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { GatewayProblem } from './errors.js';

/**
 * Fired once when the client goes away before its answer ended. An EventEmitter, which undici
 * takes as its `signal` to abort the upstream request: lighter than an AbortController per request.
 */
export class ClientGone extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
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

/** An answer streamed from the upstream, chunk by chunk, as fast as the client reads. */
export interface GatewayStream {
  /** The upstream body. */
  source: Readable;
  /** Passes one upstream chunk through the usage tap and the key scrubber: the bytes that may go out now. */
  chunk(value: Uint8Array): Uint8Array;
  /** The upstream ended: what the scrubber still held. Records the usage. */
  end(): Uint8Array;
  /** The relay failed or the client went away: stops the upstream and records what was seen. */
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
