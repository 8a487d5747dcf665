export { DeepgramVoiceAgent } from './agent.js';
export { settingsFor } from './settings.js';
export type * from './types.js';
