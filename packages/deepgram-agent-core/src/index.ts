export { DeepgramVoiceAgent } from './agent.js';
export { settingsFor } from './settings.js';
export type {
  AgentAudioFormat,
  AgentServerMessage,
  AgentSettingsMessage,
  DeepgramVoiceAgentEvents,
  DeepgramVoiceAgentOptions,
  VoiceSessionSummary,
} from './types.js';
