/** Audio format of one direction of the conversation. */
export interface AgentAudioFormat {
  /** `linear16` (default), `mulaw`, `alaw`, … */
  encoding: string;
  sample_rate: number;
  /** Output only: `none` (raw, default) or `wav`. */
  container?: string;
}

/** The Settings message sent right after the websocket opens (Deepgram Voice Agent API v1). */
export interface AgentSettingsMessage {
  type: 'Settings';
  audio: { input: AgentAudioFormat; output: AgentAudioFormat };
  agent: {
    language?: string;
    listen: { provider: { type: 'deepgram'; model: string; [setting: string]: unknown } };
    think: {
      provider: { type: string; model?: string; [setting: string]: unknown };
      prompt?: string;
      [setting: string]: unknown;
    };
    speak: { provider: { type: 'deepgram'; model: string; [setting: string]: unknown } };
    greeting?: string;
  };
  tags?: string[];
}

export interface DeepgramVoiceAgentOptions {
  /** Agent websocket. Default `BYOK_DEEPGRAM_AGENT_URL`, else `wss://agent.deepgram.com/v1/agent/converse`. */
  url?: string;
  /** Input audio. Default linear16 at 16 kHz. */
  input?: AgentAudioFormat;
  /** Output audio. Default linear16 at 24 kHz, no container. */
  output?: AgentAudioFormat;
  /** System prompt of the think stage (overrides `think.prompt` of the config). */
  prompt?: string;
  /** What the agent says first. */
  greeting?: string;
  tags?: string[];
  /** `KeepAlive` interval while no audio flows, in ms. Default 8,000 (Deepgram closes idle sockets after ~10 s). */
  keepAliveMs?: number;
  /** Limit for the socket to open and the settings to be applied, in ms. Default 10,000. */
  connectTimeoutMs?: number;
}

/** Messages the agent sends, typed by `type`. Unknown types arrive as `message` events only. */
export type AgentServerMessage =
  | { type: 'Welcome'; request_id: string }
  | { type: 'SettingsApplied' }
  | { type: 'ConversationText'; role: 'user' | 'assistant'; content: string }
  | { type: 'UserStartedSpeaking' }
  | { type: 'AgentThinking'; content?: string }
  | { type: 'AgentStartedSpeaking'; total_latency?: number; tts_latency?: number; ttt_latency?: number }
  | { type: 'AgentAudioDone' }
  | { type: 'Warning'; description: string; code?: string }
  | { type: 'Error'; description: string; code?: string };

/** Events of a `DeepgramVoiceAgent`, name → listener arguments. */
export interface DeepgramVoiceAgentEvents {
  open: [];
  welcome: [message: Extract<AgentServerMessage, { type: 'Welcome' }>];
  settingsApplied: [];
  conversationText: [message: Extract<AgentServerMessage, { type: 'ConversationText' }>];
  userStartedSpeaking: [];
  agentThinking: [message: Extract<AgentServerMessage, { type: 'AgentThinking' }>];
  agentStartedSpeaking: [message: Extract<AgentServerMessage, { type: 'AgentStartedSpeaking' }>];
  agentAudioDone: [];
  /** Agent speech in the output format. */
  audio: [chunk: Uint8Array];
  warning: [message: Extract<AgentServerMessage, { type: 'Warning' }>];
  /** An `Error` message from the agent or a socket failure; the key is never in it. */
  error: [error: Error];
  /** Every JSON message, typed or not. */
  message: [message: { type: string; [field: string]: unknown }];
  close: [summary: VoiceSessionSummary];
}

/** What a session did, as recorded into BYOK when it closes. */
export interface VoiceSessionSummary {
  /** Seconds of input audio sent (from bytes and format; 0 for compressed formats). */
  audioSeconds: number;
  bytesSent: number;
  durationMs: number;
  /** The websocket close code (1000 for a clean close). */
  closeCode: number;
  /** false when the session ended with an error. */
  success: boolean;
  requestId: string | undefined;
}
