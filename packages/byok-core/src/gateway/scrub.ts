const EMPTY = Buffer.alloc(0);
const REPLACEMENT = Buffer.from('[redacted]');

/**
 * Replaces every occurrence of the secrets in a byte stream, also across chunk boundaries, while
 * holding back as little as possible: only a chunk's tail that is the start of a secret waits for
 * the next chunk (an SSE event ends with a newline, which starts no secret, so events are never
 * delayed in practice).
 */
export class SecretScrubber {
  readonly #secrets: Buffer[];
  readonly #texts: string[];
  #held: Buffer = EMPTY;

  constructor(secrets: readonly string[]) {
    this.#texts = [...new Set(secrets)]
      .filter((secret) => secret.length >= 4)
      .sort((a, b) => b.length - a.length);
    this.#secrets = this.#texts.map((secret) => Buffer.from(secret, 'utf8'));
  }

  get active(): boolean {
    return this.#secrets.length > 0;
  }

  /** The bytes that may go out now. */
  push(chunk: Uint8Array): Uint8Array {
    if (this.#secrets.length === 0) return chunk;
    let data =
      this.#held.length > 0
        ? Buffer.concat([this.#held, chunk])
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    data = this.#replace(data);
    const keep = this.#partialTail(data);
    this.#held = keep > 0 ? Buffer.from(data.subarray(data.length - keep)) : EMPTY;
    return keep > 0 ? data.subarray(0, data.length - keep) : data;
  }

  /** A whole body at once (nothing before or after it): no tail is held back. */
  whole(body: Uint8Array): Uint8Array {
    if (this.#secrets.length === 0 || this.#held.length > 0) {
      const out = this.push(body);
      const rest = this.end();
      return rest.byteLength > 0 ? Buffer.concat([out, rest]) : out;
    }
    return this.#replace(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }

  /** What is still held at the end of the stream. */
  end(): Uint8Array {
    const rest = this.#held;
    this.#held = EMPTY;
    return rest;
  }

  /** A whole text, scrubbed (headers, error bodies). */
  text(value: string): string {
    let out = value;
    for (const secret of this.#texts) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }

  #replace(data: Buffer): Buffer {
    let out = data;
    for (const secret of this.#secrets) {
      let at = out.indexOf(secret);
      if (at === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at !== -1) {
        parts.push(out.subarray(from, at), REPLACEMENT);
        from = at + secret.length;
        at = out.indexOf(secret, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }

  /** Length of the longest tail of `data` that is a proper prefix of some secret. */
  #partialTail(data: Buffer): number {
    let longest = 0;
    const last = data[data.length - 1];
    for (const secret of this.#secrets) {
      // A tail that starts a secret ends with one of its bytes (an SSE chunk ends with a newline: none).
      if (last === undefined || !secret.includes(last)) continue;
      const first = secret[0];
      // Only positions holding the secret's first byte can start a partial match.
      for (let i = Math.max(0, data.length - secret.length + 1); i < data.length - longest; i++) {
        if (data[i] !== first) continue;
        const length = data.length - i;
        if (data.compare(secret, 0, length, i) === 0) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
