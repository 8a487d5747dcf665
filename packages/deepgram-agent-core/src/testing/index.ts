export { type FakeAgentServer, type FakeAgentSession, startFakeAgentServer } from './fake-agent-server.js';
