export {
  classifyProviderFailure,
  type FailureClassification,
  ProviderCallError,
  type ProviderCallErrorOptions,
} from '../providers/provider-call-error.js';
export { checkedEnvironment, FallbackChains, type FallbackChainsDeps } from './chains.js';
export { KeyCooldowns, type KeyCooldownsDeps } from './cooldowns.js';
export { FallbackManager, type FallbackManagerDeps, SYSTEM_KEY_ID } from './fallback-manager.js';
export { SYSTEM_KEY_ENV, type SystemKeyLookup, systemKeyFor } from './system-keys.js';
export type * from './types.js';
