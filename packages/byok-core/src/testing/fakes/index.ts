export { startFakeProviders } from './server.js';
export {
  FAKE_USAGE,
  type FakeBehavior,
  type FakeProviders,
  type FakeProvidersOptions,
  fakeEmbedding,
  type RecordedRequest,
} from './shared.js';
