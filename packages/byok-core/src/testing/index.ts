export { type FakeKeyServices, type KeyServiceRequest, startFakeKeyServices } from './fake-key-services.js';
export {
  FAKE_USAGE,
  type FakeBehavior,
  type FakeProviders,
  fakeEmbedding,
  type RecordedRequest,
  startFakeProviders,
} from './fake-providers.js';
export { createTestDatabase } from './test-database.js';
