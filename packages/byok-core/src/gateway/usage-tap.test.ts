import { describe, expect, it } from 'vitest';
import { UsageTap } from './usage-tap.js';

const bytes = (text: string) => new TextEncoder().encode(text);

const openAIStream = [
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'gpt-6-luna', choices: [{ delta: { content: 'Hi' } }] })}`,
  '',
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'gpt-6-luna', choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 4 } } })}`,
  '',
  'data: [DONE]',
  '',
  '',
].join('\r\n');

describe('usage tap', () => {
  it('reads the final usage chunk of a stream cut at any byte, with CRLF line ends', () => {
    const all = bytes(openAIStream);
    for (let cut = 1; cut < all.length; cut++) {
      const tap = new UsageTap('text/event-stream; charset=utf-8');
      tap.write(all.subarray(0, cut));
      tap.write(all.subarray(cut));
      expect(tap.end()).toEqual({
        inputTokens: 12,
        outputTokens: 7,
        cachedTokens: 4,
        model: 'gpt-6-luna',
        seen: true,
      });
    }
  });

  it('reads a stream (and a JSON answer) that starts with a byte order mark and splits a character', () => {
    const line = 'data: {"model":"gpt-6-lüna","usage":{"prompt_tokens":12,"completion_tokens":7}}\n\n';
    const all = bytes(`\uFEFF${line}`);
    const split = all.indexOf(0xc3) + 1; // inside the two bytes of "ü"
    const tap = new UsageTap('text/event-stream');
    tap.write(all.subarray(0, 1)); // the first byte of the mark alone
    tap.write(all.subarray(1, split));
    tap.write(all.subarray(split));
    expect(tap.end()).toMatchObject({ inputTokens: 12, outputTokens: 7, model: 'gpt-6-lüna', seen: true });
    const json = new UsageTap('application/json');
    json.write(bytes('\uFEFF{"model":"gpt-6-lüna","usage":{"prompt_tokens":5,"completion_tokens":1}}'));
    expect(json.end()).toMatchObject({ inputTokens: 5, outputTokens: 1, model: 'gpt-6-lüna' });
  });

  it('reads only the lines that carry usage, however often the text says "usage" and wherever chunks are cut', () => {
    const talk = (content: string) =>
      `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'gpt-6-luna', choices: [{ delta: { content } }] })}\n\n`;
    const stream = [
      'event: usage-note\n',
      talk('usage, usage and more usage'),
      talk('no mention here'),
      `data: ${JSON.stringify({ model: 'gpt-6-luna', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } })}\n\n`,
      talk('the "usage" above was early'),
      `data: ${JSON.stringify({ model: 'gpt-6-luna', choices: [], usage: { prompt_tokens: 30, completion_tokens: 9 } })}\n\n`,
      'data: [DONE]\n\n',
    ].join('');
    const all = bytes(stream);
    for (const size of [1, 2, 3, 7, 64, all.length]) {
      const tap = new UsageTap('text/event-stream');
      for (let at = 0; at < all.length; at += size) tap.write(all.subarray(at, at + size));
      expect(tap.end(), `chunks of ${size}`).toEqual({
        inputTokens: 30,
        outputTokens: 9,
        cachedTokens: 0,
        model: 'gpt-6-luna',
        seen: true,
      });
    }
  });

  it('reads a usage line that the stream leaves unterminated', () => {
    const tap = new UsageTap('text/event-stream');
    tap.write(bytes('data: {"usage":{"prompt_tokens":3,"completion_tokens":2}}'));
    expect(tap.end()).toMatchObject({ inputTokens: 3, outputTokens: 2, seen: true });
  });

  it('adds up Anthropic message_start and message_delta', () => {
    const tap = new UsageTap('text/event-stream');
    tap.write(
      bytes(
        [
          'event: message_start',
          `data: ${JSON.stringify({ type: 'message_start', message: { model: 'claude-x', usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 } } })}`,
          '',
          'event: message_delta',
          `data: ${JSON.stringify({ type: 'message_delta', usage: { output_tokens: 9 } })}`,
          '',
        ].join('\n'),
      ),
    );
    expect(tap.end()).toEqual({
      inputTokens: 15,
      outputTokens: 9,
      cachedTokens: 5,
      model: 'claude-x',
      seen: true,
    });
  });

  it('reads a JSON answer given in one part or in several', () => {
    const body = JSON.stringify({
      model: 'gpt-6-luna',
      usage: { prompt_tokens: 20, completion_tokens: 5 },
      choices: [{ message: { content: 'é ü 日本' } }],
    });
    const whole = new UsageTap('application/json');
    whole.write(bytes(body));
    expect(whole.end()).toMatchObject({ inputTokens: 20, outputTokens: 5, seen: true });
    const encoded = bytes(body);
    for (let cut = 1; cut < encoded.length; cut += 7) {
      const parts = new UsageTap('application/json');
      parts.write(encoded.subarray(0, cut));
      parts.write(encoded.subarray(cut));
      expect(parts.end()).toMatchObject({ inputTokens: 20, outputTokens: 5, seen: true });
    }
  });

  it('sees no usage in an answer without any', () => {
    const tap = new UsageTap('application/json');
    tap.write(bytes('{"error":{"message":"nope"}}'));
    expect(tap.end().seen).toBe(false);
  });
});
