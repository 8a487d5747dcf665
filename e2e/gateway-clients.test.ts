/**
 * The gateway with real clients: the official `openai` SDK, `@anthropic-ai/sdk` and the Vercel AI
 * SDK talk to it with nothing but a gateway token and a base URL; each answer and the usage
 * recorded for it are compared with what the fake provider reported.
 */

import { createOpenAI } from '@ai-sdk/openai';
import Anthropic from '@anthropic-ai/sdk';
import { FAKE_USAGE } from '@stack-2025/byok-core/testing';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anthropicKey,
  type GatewayWorld,
  openaiKey,
  startGatewayWorld,
  uid,
  usageOf,
} from './gateway-support.js';

let world: GatewayWorld;
let userId: string;
let openaiKeyId: string;
let anthropicKeyId: string;

const chat = FAKE_USAGE.chat;
const claude = FAKE_USAGE.anthropic;

async function newToken(extra: Record<string, unknown> = {}) {
  return world.system.manager.createGatewayToken({ userId, name: `t-${uid('n')}`, ...extra });
}

beforeAll(async () => {
  world = await startGatewayWorld();
  userId = uid('alice');
  const manager = world.system.manager;
  openaiKeyId = await manager.addKey({
    userId,
    provider: 'openai',
    keyData: { apiKey: openaiKey() },
  } as never);
  anthropicKeyId = await manager.addKey({
    userId,
    provider: 'anthropic',
    keyData: { apiKey: anthropicKey() },
  } as never);
});
afterAll(async () => {
  await world?.close();
});

describe('openai SDK.happy', () => {
  it('chats, and the recorded usage is what the provider reported', async () => {
    const { id, token } = await newToken();
    const client = new OpenAI({ apiKey: token, baseURL: `${world.url}/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-6-luna', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from the fake provider.');
    expect(response.headers.get('x-byok-key-id')).toBe(openaiKeyId);
    expect(response.headers.get('x-byok-provider')).toBe('openai');
    const rows = await usageOf(world.system, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      key_id: openaiKeyId,
      provider: 'openai',
      model: 'gpt-6-luna',
      input_tokens: String(chat.promptTokens),
      output_tokens: String(chat.completionTokens),
      cached_tokens: String(chat.cachedTokens),
      priced: true,
      success: true,
      status_code: 200,
    });
    expect(Number(rows[0]?.cost_usd)).toBeGreaterThan(0);
    expect(rows[0]?.ttfb_ms).not.toBeNull();
  });

  it('streams chunk by chunk, asks the provider for the usage chunk, and records it', async () => {
    const { id, token } = await newToken();
    const client = new OpenAI({ apiKey: token, baseURL: `${world.url}/v1`, maxRetries: 0 });
    world.fake.clear();
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-6-luna',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      temperature: 0.3,
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from the fake provider.');
    expect(usage?.prompt_tokens).toBe(chat.promptTokens);
    const sent = JSON.parse(world.fake.requests.at(-1)?.body ?? '{}');
    // Passed through untouched apart from `model` and `stream_options.include_usage`.
    expect(sent).toEqual({
      model: 'gpt-6-luna',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      temperature: 0.3,
      stream_options: { include_usage: true },
    });
    const rows = await usageOf(world.system, id);
    expect(rows.map((r) => [r.input_tokens, r.output_tokens, r.cached_tokens, r.success])).toEqual([
      [String(chat.promptTokens), String(chat.completionTokens), String(chat.cachedTokens), true],
    ]);
  });

  it('embeds and answers the Responses API (plain and streamed), recording each usage', async () => {
    const { id, token } = await newToken();
    const client = new OpenAI({ apiKey: token, baseURL: `${world.url}/v1`, maxRetries: 0 });
    const embedding = await client.embeddings.create({ model: 'openai/gpt-6-luna', input: ['a', 'b'] });
    expect(embedding.data).toHaveLength(2);
    // An answer over 1 KiB: its usage is read from its tail, not by parsing it whole.
    const many = await client.embeddings.create({
      model: 'openai/gpt-6-luna',
      input: Array.from({ length: 40 }, (_, i) => `text ${i}`),
    });
    expect(many.data).toHaveLength(40);
    const response = await client.responses.create({ model: 'gpt-6-luna', input: 'hi' });
    expect(response.output_text).toBe('Hello from the fake provider.');
    const events = await client.responses.create({ model: 'gpt-6-luna', input: 'hi', stream: true });
    let streamed = '';
    for await (const event of events)
      if (event.type === 'response.output_text.delta') streamed += event.delta;
    expect(streamed).toBe('Hello from the fake provider.');
    const rows = await usageOf(world.system, id);
    expect(rows.map((r) => [r.input_tokens, r.output_tokens, r.cached_tokens])).toEqual([
      [String(chat.promptTokens), '0', '0'],
      [String(chat.promptTokens), '0', '0'],
      [String(chat.promptTokens), String(chat.completionTokens), String(chat.cachedTokens)],
      [String(chat.promptTokens), String(chat.completionTokens), String(chat.cachedTokens)],
    ]);
  });

  it('routes provider/model to that provider with the owner’s key', async () => {
    const manager = world.system.manager;
    const geminiKeyId = await manager.addKey({
      userId,
      provider: 'gemini',
      keyData: { apiKey: `AIza${'x'.repeat(35)}` },
    } as never);
    const { id, token } = await newToken();
    const client = new OpenAI({ apiKey: token, baseURL: `${world.url}/v1`, maxRetries: 0 });
    const viaClaude = await client.chat.completions
      .create({ model: 'anthropic/claude-haiku-5-5', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(viaClaude.response.headers.get('x-byok-provider')).toBe('anthropic');
    expect(viaClaude.response.headers.get('x-byok-key-id')).toBe(anthropicKeyId);
    const viaGemini = await client.chat.completions
      .create({ model: 'gemini/gemini-3.5-flash', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(viaGemini.response.headers.get('x-byok-key-id')).toBe(geminiKeyId);
    const paths = world.fake.requests.slice(-2).map((r) => r.path);
    expect(paths).toEqual(['/anthropic/v1/chat/completions', '/gemini/v1beta/openai/chat/completions']);
    const rows = await usageOf(world.system, id);
    expect(rows.map((r) => [r.provider, r.model])).toEqual([
      ['anthropic', 'claude-haiku-5-5'],
      ['gemini', 'gemini-3.5-flash'],
    ]);
  });
});

describe('anthropic SDK.happy', () => {
  it('sends messages, plain and streamed, recording Anthropic’s usage', async () => {
    const { id, token } = await newToken();
    const client = new Anthropic({ apiKey: token, baseURL: `${world.url}/anthropic`, maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake provider.' });
    const stream = client.messages.stream({
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe('Hello from the fake provider.');
    expect(final.usage.output_tokens).toBe(claude.outputTokens);
    const counted = await client.messages.countTokens({
      model: 'claude-haiku-5-5',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(counted.input_tokens).toBe(claude.inputTokens);
    const rows = await usageOf(world.system, id);
    expect(rows.slice(0, 2).map((r) => [r.key_id, r.provider, r.input_tokens, r.output_tokens])).toEqual([
      [anthropicKeyId, 'anthropic', String(claude.inputTokens), String(claude.outputTokens)],
      [anthropicKeyId, 'anthropic', String(claude.inputTokens), String(claude.outputTokens)],
    ]);
  });
});

describe('Vercel AI SDK.happy', () => {
  it('generateText and streamText through createOpenAI({ baseURL })', async () => {
    const { id, token } = await newToken();
    const provider = createOpenAI({ apiKey: token, baseURL: `${world.url}/v1` });
    const generated = await generateText({
      model: provider.chat('openai/gpt-6-luna'),
      prompt: 'hi',
      maxRetries: 0,
    });
    expect(generated.text).toBe('Hello from the fake provider.');
    expect(generated.usage.inputTokens).toBe(chat.promptTokens);
    const streamed = streamText({ model: provider.chat('openai/gpt-6-luna'), prompt: 'hi', maxRetries: 0 });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    expect(text).toBe('Hello from the fake provider.');
    expect((await streamed.usage).outputTokens).toBe(chat.completionTokens);
    const rows = await usageOf(world.system, id);
    expect(rows.map((r) => [r.input_tokens, r.output_tokens, r.cached_tokens])).toEqual([
      [String(chat.promptTokens), String(chat.completionTokens), String(chat.cachedTokens)],
      [String(chat.promptTokens), String(chat.completionTokens), String(chat.cachedTokens)],
    ]);
  });
});
