export { AIRouter } from './router.js';
export type {
  AIRouterOptions,
  CallOptions,
  ChatInput,
  ChatMessage,
  ChatResult,
  ChatStream,
  ChatUsage,
  EmbedOptions,
  EmbedResult,
  ProviderFailure,
} from './types.js';
