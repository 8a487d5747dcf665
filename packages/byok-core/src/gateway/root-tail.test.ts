import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rootTail } from './root-tail.js';
import { UsageTap } from './usage-tap.js';

describe('the root usage and model of a JSON answer, read from its bytes (rootTail)', () => {
  type Value = null | number | string | { array: Value[] } | { object: Pair[] };
  type Pair = [string, Value];
  const space = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n  ');
  // Keys and strings that look like what rootTail searches for, written plainly or with escapes.
  const key = fc.constantFrom(
    'usage',
    'model',
    'type',
    'data',
    'id',
    'x"usage',
    'x"model',
    'usage ',
    'x',
    'object',
  );
  const text = fc.oneof(
    fc.constantFrom(
      'usage',
      '"usage":{}',
      'model',
      '"model":"m"',
      '{',
      '[',
      '}',
      ']',
      ',',
      ':',
      '\\',
      '"',
      'gpt-6-lüna',
    ),
    fc.string({ maxLength: 6 }),
  );
  const value: fc.Arbitrary<Value> = fc.letrec<{ value: Value; members: Pair[] }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.integer({ min: 0, max: 1000 }),
      text,
      fc.array(tie('value'), { maxLength: 3 }).map((array) => ({ array })),
      tie('members').map((object) => ({ object })),
    ),
    members: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }),
  })).value;
  // A usage or model member appended at the root's end, so that many documents end the way answers do.
  const usageValue = fc.oneof(
    fc.record({ prompt_tokens: fc.nat(100), completion_tokens: fc.nat(100) }).map((u) => ({
      object: Object.entries(u) as Pair[],
    })),
    value,
  );
  const tail = fc.oneof(
    fc.constant<Pair[]>([]),
    usageValue.map((u): Pair[] => [['usage', u]]),
    fc.tuple(fc.oneof(text, value), usageValue).map(([m, u]): Pair[] => [
      ['model', m],
      ['usage', u],
    ]),
  );

  /** Serializes with random spacing and, now and then, a key spelt with a \u escape. */
  const write = (root: Pair[], spaces: string[], escapeKeys: boolean): string => {
    let n = 0;
    const gap = () => spaces[n++ % spaces.length] as string;
    const keyText = (k: string) =>
      escapeKeys && n % 3 === 0 ? JSON.stringify(k).replace(/e/, '\\u0065') : JSON.stringify(k);
    const one = (v: Value): string => {
      if (v === null || typeof v === 'number' || typeof v === 'string') return JSON.stringify(v);
      if ('array' in v) return `[${gap()}${v.array.map(one).join(`,${gap()}`)}${gap()}]`;
      const members = v.object;
      return `{${gap()}${members.map(([k, m]) => `${keyText(k)}${gap()}:${gap()}${one(m)}`).join(`${gap()},${gap()}`)}${gap()}}`;
    };
    return `${gap()}${one({ object: root })}${gap()}`;
  };

  it('answers only what JSON.parse gives: the root usage and string model, never with a root type', () => {
    let read = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, value), { maxLength: 4 }),
        tail,
        fc.array(space, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (members, end, spaces, escapeKeys) => {
          const doc = write([...members, ...end], spaces, escapeKeys);
          const found = rootTail(Buffer.from(doc));
          if (found === undefined) return;
          read++;
          const root = JSON.parse(doc);
          expect(root.type).toBeUndefined();
          expect(found.usage).toEqual(root.usage);
          expect(found.model).toBe(typeof root.model === 'string' ? root.model : undefined);
        },
      ),
      { numRuns: 4000 },
    );
    // Not vacuous: a good share of the documents were read from their bytes.
    expect(read).toBeGreaterThan(400);
  });

  it('reads chat and embeddings answers from their bytes, and leaves others to the full parse', () => {
    const chat = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-6-luna',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Say "usage": {} and "model"' } }],
      usage: { prompt_tokens: 12, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 4 } },
    };
    expect(rootTail(Buffer.from(JSON.stringify(chat, null, 2)))).toEqual({
      model: chat.model,
      usage: chat.usage,
    });
    const embeddings = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: Array.from({ length: 3000 }, (_, i) => i / 7) }],
      model: 'text-embedding-9',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    };
    expect(rootTail(Buffer.from(JSON.stringify(embeddings)))).toEqual({
      model: embeddings.model,
      usage: embeddings.usage,
    });
    const tapped = (answer: unknown) => {
      const tap = new UsageTap('application/json');
      tap.write(Buffer.from(JSON.stringify(answer)));
      return tap.end();
    };
    expect(tapped(embeddings)).toEqual({
      inputTokens: 8,
      outputTokens: 0,
      cachedTokens: 0,
      model: 'text-embedding-9',
      seen: true,
    });
    // A tool call has a `type` key (so has Anthropic's answer): such answers are parsed whole.
    const tool = { ...chat, choices: [{ message: { tool_calls: [{ type: 'function' }] } }] };
    expect(rootTail(Buffer.from(JSON.stringify(tool)))).toBeUndefined();
    expect(tapped(tool)).toMatchObject({
      inputTokens: 12,
      outputTokens: 7,
      cachedTokens: 4,
      model: 'gpt-6-luna',
    });
    // A model with escaped quotes and backslashes is read as JSON.parse reads it.
    const quoted = '{"model":"a\\"b\\\\","usage":{"prompt_tokens":1}}';
    expect(rootTail(Buffer.from(quoted))).toEqual(JSON.parse(quoted));
    // A model key nested after a bracket (not next to usage) is not taken for the root's.
    const nested = '{"choices":[{"model":"inner"}],"id":"x","usage":{"prompt_tokens":1}}';
    expect(rootTail(Buffer.from(nested))).toBeUndefined();
  });
});
