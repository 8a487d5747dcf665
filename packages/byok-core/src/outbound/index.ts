export { addressRestriction, isPublicAddress } from './address-policy.js';
export { type PinnedPostInput, pinnedLookup, pinnedPost } from './pinned-post.js';
export {
  type DestinationPolicy,
  DestinationRefusedError,
  type HostResolver,
  literalHostRestriction,
  normalizeHost,
  type ResolvedAddress,
  resolveDestination,
  systemResolver,
} from './resolve-destination.js';
