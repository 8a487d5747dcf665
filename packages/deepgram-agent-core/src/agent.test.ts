import type { PGlite } from '@electric-sql/pglite';
import {
  BYOKManager,
  createBYOKDeepgramIntegration,
  EncryptionService,
  isBYOKError,
} from '@stack-2025/byok-core';
import { createTestDatabase, type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeepgramVoiceAgent } from './index.js';
import { type FakeAgentServer, startFakeAgentServer } from './testing/index.js';

interface UsageRow {
  key_id: string | null;
  provider: string;
  model: string | null;
  requests: number;
  success: boolean;
  audio_seconds: string | number | null;
}

let counter = 0;
const newUser = (): string => `user_agent_${Date.now()}_${counter++}`;
const DEEPGRAM_KEY = '0123456789abcdef0123456789abcdef01234567';

describe('DeepgramVoiceAgent', () => {
  let fake: FakeProviders;
  let agentServer: FakeAgentServer;
  let db: PGlite;
  let manager: BYOKManager;

  const usageOf = async (userId: string): Promise<UsageRow[]> =>
    (await db.query<UsageRow>('SELECT * FROM byok.key_usage WHERE owner_id = $1 ORDER BY id', [userId])).rows;

  const voiceConfigFor = async (userId: string, apiKey = DEEPGRAM_KEY) => {
    const keyId = await manager.addKey({ userId, provider: 'deepgram', keyData: { apiKey } });
    const voiceConfig = await createBYOKDeepgramIntegration(manager).config.createVoiceAgentConfig(userId, {
      listen: { model: 'nova-2-conversational' },
      speak: { model: 'aura-asteria-en' },
      think: { provider: { type: 'open_ai', model: 'gpt-4o-mini' }, prompt: 'Be helpful.' },
    });
    return { keyId, voiceConfig };
  };

  beforeAll(async () => {
    fake = await startFakeProviders();
    agentServer = await startFakeAgentServer();
    db = await createTestDatabase();
    manager = new BYOKManager({
      encryptionKey: EncryptionService.generateMasterKey(),
      database: { client: db },
      providers: { deepgram: { baseUrl: fake.baseUrls.deepgram } },
    });
    await manager.ready();
  });

  afterAll(async () => {
    await manager.close();
    await db.close();
    await agentServer.close();
    await fake.close();
  });

  it('does nothing until connect(); then authenticates with the user key and sends the settings from the config', async () => {
    const userId = newUser();
    const { keyId, voiceConfig } = await voiceConfigFor(userId);
    const agent = new DeepgramVoiceAgent(voiceConfig, { url: agentServer.url, greeting: 'Hi there' });
    const before = agentServer.sessions.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(agentServer.sessions.length).toBe(before);

    const texts: { role: string; content: string }[] = [];
    const audio: Uint8Array[] = [];
    let started = 0;
    agent.on('conversationText', ({ role, content }) => texts.push({ role, content }));
    agent.on('audio', (chunk) => audio.push(chunk));
    agent.on('agentStartedSpeaking', () => started++);
    const audioDone = new Promise<void>((resolve) => agent.once('agentAudioDone', resolve));
    await agent.connect();
    const session = agentServer.sessions.at(-1);
    expect(session?.apiKey).toBe(DEEPGRAM_KEY);
    expect(session?.settings).toMatchObject({
      type: 'Settings',
      audio: { input: { encoding: 'linear16', sample_rate: 16_000 } },
      agent: {
        listen: { provider: { type: 'deepgram', model: 'nova-2-conversational' } },
        think: { provider: { type: 'open_ai', model: 'gpt-4o-mini' }, prompt: 'Be helpful.' },
        speak: { provider: { type: 'deepgram', model: 'aura-asteria-en' } },
        greeting: 'Hi there',
      },
    });

    // 1.5 s of linear16 at 16 kHz, in three chunks.
    for (let i = 0; i < 3; i++) agent.sendAudio(new Uint8Array(16_000));
    await audioDone;
    expect(texts).toEqual([
      { role: 'user', content: '(fake transcript of the audio)' },
      { role: 'assistant', content: 'Hello from the fake agent.' },
    ]);
    expect(started).toBe(1);
    expect(audio.reduce((n, chunk) => n + chunk.byteLength, 0)).toBe(4_800);

    const summary = await agent.close();
    expect(summary).toMatchObject({ audioSeconds: 1.5, bytesSent: 48_000, closeCode: 1000, success: true });
    expect(session?.audioBytes).toBe(48_000);
    await expect.poll(() => session?.closeCode).toBe(1000);
    const rows = await usageOf(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      key_id: keyId,
      provider: 'deepgram',
      model: 'nova-2-conversational',
      success: true,
    });
    expect(Number(rows[0]?.audio_seconds)).toBeCloseTo(1.5);
  });

  it('is refused with a coded error (no key in it) when the agent rejects the key, and records a failed session', async () => {
    const userId = newUser();
    const refused = 'fedcba9876543210fedcba9876543210fedcba98';
    const { voiceConfig } = await voiceConfigFor(userId, refused);
    agentServer.rejectKeys.add(refused);
    const agent = new DeepgramVoiceAgent(voiceConfig, { url: agentServer.url });
    const error = await agent.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBYOKError(error) && error.code).toBe('PROVIDER_VALIDATION_FAILED');
    expect(String((error as Error).message)).not.toContain(refused);
    expect(agent.state).toBe('closed');
    await expect.poll(async () => (await usageOf(userId)).map((r) => r.success)).toEqual([false]);
  });

  it('passes injected text turns and keep-alives through, and closes cleanly', async () => {
    const userId = newUser();
    const { voiceConfig } = await voiceConfigFor(userId);
    const agent = new DeepgramVoiceAgent(voiceConfig, { url: agentServer.url, keepAliveMs: 30 });
    const reply = new Promise<string>((resolve) =>
      agent.on('conversationText', ({ role, content }) => role === 'assistant' && resolve(content)),
    );
    await agent.connect();
    agent.injectUserMessage('What time is it?');
    expect(await reply).toBe('Hello from the fake agent.');
    const session = agentServer.sessions.at(-1);
    await expect.poll(() => session?.messages.some((m) => m.type === 'KeepAlive')).toBe(true);
    expect(session?.messages[0]).toEqual({ type: 'InjectUserMessage', content: 'What time is it?' });
    const summary = await agent.close();
    expect(summary.closeCode).toBe(1000);
    expect(summary.audioSeconds).toBe(0);
  });

  it('never prints the key when the config or the agent is logged', async () => {
    const { voiceConfig } = await voiceConfigFor(newUser());
    const agent = new DeepgramVoiceAgent(voiceConfig, { url: agentServer.url });
    expect(JSON.stringify(voiceConfig)).not.toContain(DEEPGRAM_KEY);
    expect(JSON.stringify(agent.settings)).not.toContain(DEEPGRAM_KEY);
    expect(agent.url).not.toContain(DEEPGRAM_KEY);
  });
});
