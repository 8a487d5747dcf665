import { type Dispatcher, util } from 'undici';
import type { ClientGone } from './exchange.js';
import { PASSED_RESPONSE_HEADERS } from './upstream.js';

const PASSED = new Set<string>(PASSED_RESPONSE_HEADERS);

/** Where the chunks of an upstream body go once someone reads it. */
export interface BodySink {
  /** One chunk; false pauses the upstream until `UpstreamBody.resume()`. */
  data(chunk: Buffer): boolean;
  end(): void;
  error(error: Error): void;
}

/** The sink of a body already taken whole by `received()`. */
const DRAINED: BodySink = { data: () => true, end: () => undefined, error: () => undefined };

/** An upstream answer's status and the headers worth passing on (lower-case names, repeats joined). */
export interface UpstreamAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: UpstreamBody;
}

/**
 * One upstream body, read straight from undici's dispatcher: no Readable stream, no promise per
 * chunk. Chunks that arrive before a reader attaches are held (the answer's first bytes often come
 * with its headers).
 */
export class UpstreamBody {
  #held: Buffer[] = [];
  #heldBytes = 0;
  #done = false;
  #error: Error | undefined;
  #sink: BodySink | undefined;
  #resume: (() => void) | undefined;
  /** Chunks of the socket read being parsed, for the sink. */
  #pending: Buffer[] = [];
  /** Whether the sink took the last chunks without asking to pause. */
  #open = true;

  /** Bytes received and not yet read. */
  get held(): number {
    return this.#heldBytes;
  }

  /** The whole body. */
  whole(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const parts: Buffer[] = [];
      let size = 0;
      this.relay({
        data(chunk) {
          parts.push(chunk);
          size += chunk.byteLength;
          return true;
        },
        end: () => resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size)),
        error: reject,
      });
    });
  }

  /** The whole body when the upstream already finished it and nobody read it yet, else undefined. */
  received(): Buffer | undefined {
    if (!this.#done || this.#sink) return undefined;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    this.#sink = DRAINED;
    return held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held);
  }

  /** Sends the body to `sink`, what was held first. */
  relay(sink: BodySink): void {
    this.#sink = sink;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    // Held chunks came while nobody read (the upstream was not paused): they go as one.
    if (held.length > 0)
      this.#open = sink.data(held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held));
    if (this.#error) sink.error(this.#error);
    else if (this.#done) sink.end();
  }

  /** Resumes an upstream the sink paused. */
  resume(): void {
    this.#open = true;
    this.#resume?.();
  }

  /** @internal the dispatch handler's side */
  started(resume: () => void): void {
    this.#resume = resume;
  }

  /** @internal */
  push(chunk: Buffer): boolean {
    if (!this.#sink) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.byteLength;
      return true;
    }
    // The chunks of one socket read (a streamed answer is often several) reach the sink as one, once
    // the read is parsed: one write to the client instead of one per chunk, and no later than before.
    if (this.#pending.length === 0) queueMicrotask(this.#flush);
    this.#pending.push(chunk);
    return this.#open;
  }

  readonly #flush = (): void => {
    const pending = this.#pending;
    if (pending.length === 0 || !this.#sink) return;
    this.#pending = [];
    this.#open = this.#sink.data(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending));
  };

  /** @internal */
  finish(error?: Error): void {
    if (this.#done || this.#error) return;
    if (error) this.#error = error;
    else this.#done = true;
    if (!this.#sink) return;
    this.#flush();
    if (error) this.#sink.error(error);
    else this.#sink.end();
  }
}

/**
 * POSTs through undici's dispatcher with a handler of our own: resolves with the status and the
 * passed headers as soon as they arrive; the body follows through {@link UpstreamBody}. The client
 * going away (`gone`) aborts the request at any point. Rejects like undici's `request` (its error
 * codes, e.g. `UND_ERR_HEADERS_TIMEOUT`) when no answer came.
 */
export function callUpstream(
  dispatcher: Dispatcher,
  options: { origin: string; path: string; headers: Record<string, string>; body: string | Buffer },
  gone: ClientGone,
): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const body = new UpstreamBody();
    let abort: ((reason?: Error) => void) | undefined;
    let answered = false;
    const onGone = () => abort?.(new Error('The client closed the request'));
    const settle = (error?: Error) => {
      gone.off(onGone);
      if (answered) body.finish(error);
      else if (error) reject(error);
    };
    gone.on(onGone);
    dispatcher.dispatch(
      {
        origin: options.origin,
        path: options.path,
        method: 'POST',
        headers: options.headers,
        body: options.body,
      },
      {
        onConnect(abortRequest) {
          abort = abortRequest;
          if (gone.aborted) abortRequest(new Error('The client closed the request'));
        },
        onHeaders(statusCode, rawHeaders, resume) {
          if (statusCode < 200) return true;
          answered = true;
          body.started(resume);
          resolve({ statusCode, headers: passedHeaders(rawHeaders), body });
          return true;
        },
        onData: (chunk) => body.push(chunk),
        onComplete: () => settle(),
        onError: (error) => settle(error),
      },
    );
  });
}

function passedHeaders(raw: Buffer[] | string[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    // undici's lookup answers a well-known name without decoding or lower-casing it.
    const name = util.headerNameToString(raw[i] as Buffer | string);
    if (!PASSED.has(name)) continue;
    const value = (raw[i + 1] as Buffer | string).toString('latin1');
    const before = out[name];
    out[name] = before === undefined ? value : `${before}, ${value}`;
  }
  return out;
}
