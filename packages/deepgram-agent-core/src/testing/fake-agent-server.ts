import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** One session the fake agent saw. */
export interface FakeAgentSession {
  /** The key the client authenticated with (header `Token <key>` or subprotocol `token, <key>`). */
  apiKey: string;
  /** The Settings message, once received. */
  settings: Record<string, unknown> | undefined;
  /** Input audio bytes received. */
  audioBytes: number;
  /** JSON messages received after Settings (`KeepAlive`, `InjectUserMessage`, …). */
  messages: Record<string, unknown>[];
  /** Close code the client sent; undefined while open. */
  closeCode: number | undefined;
}

export interface FakeAgentServer {
  /** `ws://127.0.0.1:<port>/v1/agent/converse` */
  url: string;
  sessions: FakeAgentSession[];
  /** Keys refused with 401 at the handshake. */
  rejectKeys: Set<string>;
  close(): Promise<void>;
}

const PATH = '/v1/agent/converse';
/** Speech the fake "says" back: 100 ms of silence in linear16 at 24 kHz. */
const REPLY_AUDIO = new Uint8Array(4_800);

/**
 * A local stand-in for Deepgram's Voice Agent websocket (127.0.0.1 only): checks the auth at the
 * handshake (401 without a key or with a refused one), sends `Welcome`, requires a valid
 * `Settings` message before anything else (else `Error` and close), answers `SettingsApplied`,
 * and replies to the first audio or injected message with a short conversation turn.
 */
export async function startFakeAgentServer(): Promise<FakeAgentServer> {
  const sessions: FakeAgentSession[] = [];
  const rejectKeys = new Set<string>();
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: PATH,
    handleProtocols: (protocols) => (protocols.has('token') ? 'token' : false),
    verifyClient: (info, done) => {
      const key = keyOf(info.req.headers.authorization, info.req.headers['sec-websocket-protocol']);
      if (!key || rejectKeys.has(key)) done(false, 401, 'Unauthorized');
      else done(true);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });

  server.on('connection', (socket, request) => {
    const session: FakeAgentSession = {
      apiKey: keyOf(request.headers.authorization, request.headers['sec-websocket-protocol']) ?? '',
      settings: undefined,
      audioBytes: 0,
      messages: [],
      closeCode: undefined,
    };
    sessions.push(session);
    let replied = false;
    const send = (message: object): void => socket.send(JSON.stringify(message));
    const reply = (userText: string): void => {
      if (replied) return;
      replied = true;
      send({ type: 'UserStartedSpeaking' });
      send({ type: 'ConversationText', role: 'user', content: userText });
      send({ type: 'AgentThinking', content: '' });
      send({ type: 'ConversationText', role: 'assistant', content: 'Hello from the fake agent.' });
      send({ type: 'AgentStartedSpeaking', total_latency: 0.4, tts_latency: 0.1, ttt_latency: 0.3 });
      socket.send(REPLY_AUDIO);
      send({ type: 'AgentAudioDone' });
    };
    const refuse = (description: string): void => {
      send({ type: 'Error', description, code: 'INVALID_SETTINGS' });
      socket.close(1008, 'invalid settings');
    };
    send({ type: 'Welcome', request_id: randomUUID() });
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        if (!session.settings) return refuse('Audio received before Settings');
        session.audioBytes += Array.isArray(data)
          ? data.reduce((n, b) => n + b.length, 0)
          : (data as Buffer).length;
        reply('(fake transcript of the audio)');
        return;
      }
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return refuse('Message is not JSON');
      }
      if (!session.settings) {
        const problem = settingsProblem(message);
        if (problem) return refuse(problem);
        session.settings = message;
        send({ type: 'SettingsApplied' });
        return;
      }
      session.messages.push(message);
      if (message.type === 'InjectUserMessage' && typeof message.content === 'string') reply(message.content);
    });
    socket.on('close', (code) => {
      session.closeCode = code;
    });
  });

  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}${PATH}`,
    sessions,
    rejectKeys,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

function keyOf(
  authorization: string | undefined,
  protocols: string | string[] | undefined,
): string | undefined {
  const header = /^Token\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (header) return header;
  const list = (Array.isArray(protocols) ? protocols.join(',') : (protocols ?? ''))
    .split(',')
    .map((p) => p.trim());
  return list[0] === 'token' && list[1] ? list[1] : undefined;
}

type Json = Record<string, unknown>;
const rec = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/** What is wrong with a Settings message (the checks Deepgram makes that matter to a client), or undefined. */
function settingsProblem(message: Json): string | undefined {
  if (message.type !== 'Settings') return 'The first message must be Settings';
  const input = rec(rec(message.audio)?.input);
  if (!input || typeof input.encoding !== 'string' || typeof input.sample_rate !== 'number') {
    return 'audio.input needs encoding and sample_rate';
  }
  const agent = rec(message.agent);
  for (const stage of ['listen', 'think', 'speak']) {
    const provider = rec(rec(agent?.[stage])?.provider);
    if (!provider || typeof provider.type !== 'string') return `agent.${stage}.provider.type is required`;
  }
  if (typeof rec(rec(agent?.listen)?.provider)?.model !== 'string')
    return 'agent.listen.provider.model is required';
  if (typeof rec(rec(agent?.speak)?.provider)?.model !== 'string')
    return 'agent.speak.provider.model is required';
  return undefined;
}
