import { EventEmitter } from 'node:events';
import { BYOKError, type BYOKVoiceAgentConfig } from '@stack-2025/byok-core';
import WebSocket from 'ws';
import { bytesPerSecond, settingsFor } from './settings.js';
import type {
  AgentServerMessage,
  AgentSettingsMessage,
  DeepgramVoiceAgentEvents,
  DeepgramVoiceAgentOptions,
  VoiceSessionSummary,
} from './types.js';

const DEFAULT_URL = 'wss://agent.deepgram.com/v1/agent/converse';
const DEFAULT_KEEPALIVE_MS = 8_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The event each typed server message raises besides `message`, and whether the message is its argument. */
const EVENTS = new Map<string, [event: keyof DeepgramVoiceAgentEvents, withMessage: boolean]>([
  ['Welcome', ['welcome', true]],
  ['SettingsApplied', ['settingsApplied', false]],
  ['ConversationText', ['conversationText', true]],
  ['UserStartedSpeaking', ['userStartedSpeaking', false]],
  ['AgentThinking', ['agentThinking', true]],
  ['AgentStartedSpeaking', ['agentStartedSpeaking', true]],
  ['AgentAudioDone', ['agentAudioDone', false]],
  ['Warning', ['warning', true]],
]);

/** A listener of event `E`, called with the event's arguments. */
type Listener<E extends keyof DeepgramVoiceAgentEvents> = (...args: DeepgramVoiceAgentEvents[E]) => void;

type State = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/**
 * A Deepgram Voice Agent session on a user's own Deepgram key, from the config
 * `createVoiceAgentConfig` returns. Nothing is opened until `connect()`; then the Settings
 * message (listen / think / speak from the config) is sent, audio goes in with `sendAudio`, and
 * typed events come out (`conversationText`, `audio`, `agentStartedSpeaking`, …). `close()` ends
 * the session cleanly and records its audio time into BYOK against the key that served.
 *
 * @example
 * const agent = new DeepgramVoiceAgent(voiceConfig);
 * agent.on('conversationText', ({ role, content }) => console.log(role, content));
 * agent.on('audio', (chunk) => speaker.write(chunk));
 * await agent.connect();
 * microphone.on('data', (chunk) => agent.sendAudio(chunk));
 * const { audioSeconds } = await agent.close();
 */
export class DeepgramVoiceAgent {
  readonly #config: BYOKVoiceAgentConfig;
  readonly #options: DeepgramVoiceAgentOptions;
  readonly #emitter = new EventEmitter();
  #socket: WebSocket | undefined;
  #state: State = 'idle';
  #bytesSent = 0;
  #startedAt = 0;
  #requestId: string | undefined;
  #failed = false;
  #keepAlive: NodeJS.Timeout | undefined;
  #closed: Promise<VoiceSessionSummary> | undefined;

  constructor(config: BYOKVoiceAgentConfig, options: DeepgramVoiceAgentOptions = {}) {
    if (typeof config !== 'object' || config === null || typeof config.apiKey !== 'string') {
      throw new BYOKError(
        'INVALID_INPUT',
        'DeepgramVoiceAgent needs the config createVoiceAgentConfig returns',
      );
    }
    this.#config = config;
    this.#options = options;
    // An 'error' with no listener would crash the process; the default is to keep it for `connect()`/`close()`.
    this.#emitter.on('error', () => undefined);
  }

  /** The Settings message this agent sends on connect. */
  get settings(): AgentSettingsMessage {
    return settingsFor(this.#config, this.#options);
  }

  /** The agent websocket URL (never carries the key). */
  get url(): string {
    return this.#options.url ?? process.env.BYOK_DEEPGRAM_AGENT_URL ?? DEFAULT_URL;
  }

  get state(): State {
    return this.#state;
  }

  on<E extends keyof DeepgramVoiceAgentEvents>(event: E, listener: Listener<E>): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<E extends keyof DeepgramVoiceAgentEvents>(event: E, listener: Listener<E>): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof DeepgramVoiceAgentEvents>(event: E, listener: Listener<E>): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /**
   * Opens the websocket with `Authorization: Token <key>`, sends the Settings message and
   * resolves once the agent has applied it. Rejects (and closes) on refusal or timeout.
   */
  async connect(): Promise<void> {
    if (this.#state !== 'idle') {
      throw new BYOKError('INVALID_INPUT', `connect() was already called (state: ${this.#state})`);
    }
    this.#state = 'connecting';
    this.#startedAt = performance.now();
    const socket = new WebSocket(this.url, {
      headers: { authorization: `Token ${this.#config.apiKey}` },
      handshakeTimeout: this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    this.#socket = socket;
    const settings = this.settings;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new BYOKError('PROVIDER_UNAVAILABLE', 'The Deepgram agent did not apply the settings in time'),
        );
      }, this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.#emitter.off('settingsApplied', onApplied);
        this.#emitter.off('error', onError);
        socket.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onApplied = (): void => done();
      const onError = (error: Error): void => done(error);
      const onClose = (code: number): void =>
        done(
          new BYOKError('PROVIDER_UNAVAILABLE', `The Deepgram agent closed the connection (code ${code})`),
        );
      this.#emitter.on('settingsApplied', onApplied);
      this.#emitter.on('error', onError);
      socket.on('close', onClose);
    });
    socket.on('open', () => {
      this.#state = 'open';
      this.#emitter.emit('open');
      socket.send(JSON.stringify(settings));
      this.#armKeepAlive();
    });
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      this.#fail(
        new BYOKError(
          status === 401 || status === 403 ? 'PROVIDER_VALIDATION_FAILED' : 'PROVIDER_UNAVAILABLE',
          `The Deepgram agent refused the connection (HTTP ${status})`,
          { details: { provider: 'deepgram', statusCode: status } },
        ),
      );
      socket.terminate();
    });
    socket.on('error', (error) =>
      this.#fail(
        new BYOKError('PROVIDER_UNAVAILABLE', `Deepgram agent socket error: ${this.#scrub(error.message)}`),
      ),
    );
    socket.on('close', (code) => this.#finish(code));
    try {
      await ready;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Sends input audio (in the `input` format). Ignored before `connect()` resolves or after `close()`. */
  sendAudio(chunk: Uint8Array | ArrayBuffer): void {
    if (this.#state !== 'open' || !this.#socket) return;
    const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk);
    this.#bytesSent += bytes.byteLength;
    this.#socket.send(bytes);
    this.#armKeepAlive();
  }

  /** Sends a text turn as if the user had said it. */
  injectUserMessage(content: string): void {
    this.#sendJson({ type: 'InjectUserMessage', content });
  }

  /** Sends any client message (`UpdatePrompt`, `UpdateSpeak`, `InjectAgentMessage`, …). */
  send(message: { type: string; [field: string]: unknown }): void {
    this.#sendJson(message);
  }

  /** Closes the session cleanly (code 1000) and resolves with its summary once usage is recorded. */
  close(): Promise<VoiceSessionSummary> {
    if (this.#closed) return this.#closed;
    const socket = this.#socket;
    this.#closed = new Promise<VoiceSessionSummary>((resolve) => {
      this.#emitter.once('close', resolve);
    });
    if (!socket || this.#state === 'idle') {
      this.#finish(1000);
    } else if (socket.readyState === WebSocket.CLOSED) {
      this.#finish(1006);
    } else if (this.#state !== 'closed') {
      this.#state = 'closing';
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'client closed');
      else socket.terminate();
      // A peer that never answers the close frame must not hold the session open.
      const timer = setTimeout(() => socket.terminate(), 2_000);
      socket.once('close', () => clearTimeout(timer));
    }
    return this.#closed;
  }

  #sendJson(message: object): void {
    if (this.#state !== 'open' || !this.#socket) {
      throw new BYOKError('INVALID_INPUT', 'The voice agent is not connected');
    }
    this.#socket.send(JSON.stringify(message));
    this.#armKeepAlive();
  }

  #armKeepAlive(): void {
    clearTimeout(this.#keepAlive);
    const every = this.#options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
    if (every <= 0) return;
    this.#keepAlive = setTimeout(() => {
      if (this.#state === 'open') this.#sendJson({ type: 'KeepAlive' });
    }, every);
    this.#keepAlive.unref();
  }

  #receive(data: WebSocket.RawData, isBinary: boolean): void {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) {
      this.#emitter.emit('audio', new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
      return;
    }
    let message: { type?: unknown; [field: string]: unknown };
    try {
      message = JSON.parse(buffer.toString('utf8')) as typeof message;
    } catch {
      this.#emitter.emit('warning', {
        type: 'Warning',
        description: 'The agent sent a message that is not JSON',
      });
      return;
    }
    if (typeof message.type !== 'string') return;
    this.#emitter.emit('message', message);
    const typed = message as AgentServerMessage;
    if (typed.type === 'Error') {
      this.#fail(
        new BYOKError(
          'PROVIDER_UNAVAILABLE',
          `Deepgram agent error: ${this.#scrub(String(typed.description))}`,
          {
            details: { provider: 'deepgram', code: typed.code },
          },
        ),
      );
      return;
    }
    if (typed.type === 'Welcome') this.#requestId = typed.request_id;
    const raised = EVENTS.get(typed.type);
    if (!raised) return;
    const [event, withMessage] = raised;
    if (withMessage) this.#emitter.emit(event, typed);
    else this.#emitter.emit(event);
  }

  #fail(error: Error): void {
    this.#failed = true;
    this.#emitter.emit('error', error);
  }

  #scrub(text: string): string {
    return text.split(this.#config.apiKey).join('[redacted]');
  }

  #finish(code: number): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#keepAlive);
    const perSecond = bytesPerSecond(this.settings.audio.input);
    const summary: VoiceSessionSummary = {
      audioSeconds: perSecond ? this.#bytesSent / perSecond : 0,
      bytesSent: this.#bytesSent,
      durationMs: this.#startedAt ? Math.round(performance.now() - this.#startedAt) : 0,
      closeCode: code,
      success: !this.#failed && (code === 1000 || code === 1005),
      requestId: this.#requestId,
    };
    this.#closed ??= new Promise<VoiceSessionSummary>((resolve) => this.#emitter.once('close', resolve));
    const opened = this.#startedAt !== 0;
    const recorded = opened
      ? this.#config.recordSession({
          audioSeconds: summary.audioSeconds,
          durationMs: summary.durationMs,
          success: summary.success,
        })
      : Promise.resolve();
    void recorded.then(() => this.#emitter.emit('close', summary));
  }
}
