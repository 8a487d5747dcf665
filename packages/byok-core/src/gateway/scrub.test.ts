import { describe, expect, it } from 'vitest';
import { SecretScrubber } from './scrub.js';

const SECRET = 'sk-proj-abcdefghijklmnopqrstuvwxyz012345';
const decoder = new TextDecoder();
const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `text` cut at every position into two chunks, and at every position into single bytes. */
function run(text: string, cuts: number[]): { out: string; heldAfterEachChunk: number[] } {
  const scrubber = new SecretScrubber([SECRET]);
  let out = '';
  const held: number[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    const chunk = text.slice(from, cut);
    const emitted = decoder.decode(scrubber.push(bytes(chunk)));
    out += emitted;
    held.push(out.length);
    from = cut;
  }
  out += decoder.decode(scrubber.end());
  return { out, heldAfterEachChunk: held };
}

describe('secret scrubber.security', () => {
  it('redacts a secret split across two chunks at any point', () => {
    const text = `data: {"echo":"Bearer ${SECRET}"}\n\n`;
    for (let cut = 1; cut < text.length; cut++) {
      const { out } = run(text, [cut]);
      expect(out).toBe('data: {"echo":"Bearer [redacted]"}\n\n');
    }
  });

  it('redacts a secret fed one byte at a time, and several in one chunk', () => {
    const text = `${SECRET} and ${SECRET}${SECRET}`;
    const { out } = run(
      text,
      Array.from({ length: text.length - 1 }, (_, i) => i + 1),
    );
    expect(out).toBe('[redacted] and [redacted][redacted]');
  });

  it('holds nothing back from an event that ends with a newline', () => {
    const scrubber = new SecretScrubber([SECRET]);
    const chunk = bytes('data: {"content":"sk-"}\n\n');
    expect(scrubber.push(chunk).byteLength).toBe(chunk.byteLength);
    // A tail that starts the secret waits for the next chunk, then goes out unchanged when it is not.
    expect(decoder.decode(scrubber.push(bytes('data: sk-pro')))).toBe('data: ');
    expect(decoder.decode(scrubber.push(bytes('gress\n')))).toBe('sk-progress\n');
  });

  it('scrubs a whole body at once, a tail that starts the secret included', () => {
    const scrubber = new SecretScrubber([SECRET]);
    const body = `{"a":"${SECRET}","b":"${SECRET}"} sk-proj-abc`;
    expect(decoder.decode(scrubber.whole(bytes(body)))).toBe(
      '{"a":"[redacted]","b":"[redacted]"} sk-proj-abc',
    );
    // After a push that held a tail back, the whole body still completes it.
    const streamed = new SecretScrubber([SECRET]);
    const first = decoder.decode(streamed.push(bytes(`x ${SECRET.slice(0, 10)}`)));
    expect(first + decoder.decode(streamed.whole(bytes(`${SECRET.slice(10)} y`)))).toBe('x [redacted] y');
  });
});
