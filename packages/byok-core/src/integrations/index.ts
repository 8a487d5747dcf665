export { AI_PROVIDERS, createBYOKAIIntegration } from './ai.js';
export { createBYOKDeepgramIntegration } from './deepgram.js';
export { createBYOKTelephonyIntegration } from './telephony.js';
export type {
  AIAttemptUsage,
  AIKeyHandle,
  AIProviderType,
  BYOKAIConfig,
  BYOKAIProviderConfig,
  BYOKTelephonyClient,
  BYOKVoiceAgentConfig,
  ChatMessage,
  CompleteFunction,
  CompleteOptions,
  CompletionInput,
  CompletionResult,
  CompletionUsage,
  CreateAIConfigOptions,
  TelephonyCapability,
  TelephonyClientOptions,
  TelephonyResult,
  TranscribeInput,
  TranscribeOptions,
  TranscriptionResult,
  VoiceAgentOptions,
  WithKeyAttempt,
  WithKeyOptions,
  WithKeyResult,
} from './types.js';
