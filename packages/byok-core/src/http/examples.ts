/**
 * Examples shown in the OpenAPI document for the main operations. Made-up values of the real
 * shapes: a key is only ever shown masked, so no example holds a credential either.
 */

const KEY = {
  id: 'key_01JD3XK8W2M4',
  provider: 'openai',
  environment: 'production',
  owner: { type: 'user', id: 'user_123' },
  userId: 'user_123',
  workspaceId: null,
  alias: 'Main OpenAI key',
  description: 'Billing account of the research team',
  priority: 0,
  status: 'active',
  isActive: true,
  keyHint: 'sk-…a1b2',
  fingerprint: 'fp_9c1e07d45f2a',
  healthScore: 100,
  lastValidatedAt: '2026-11-30T01:00:00.000Z',
  lastValidationStatus: 'valid',
  cooldownUntil: null,
  createdBy: 'user_123',
  createdAt: '2026-11-29T18:30:00.000Z',
  updatedAt: '2026-11-30T01:00:00.000Z',
  revokedAt: null,
};

export const createKeyExample = {
  provider: 'openai',
  keyData: { apiKey: 'sk-proj-…' },
  alias: 'Main OpenAI key',
  description: 'Billing account of the research team',
  environment: 'production',
  priority: 0,
};

export const keyResponseExample = { key: KEY };

export const keyListExample = {
  keys: [
    KEY,
    {
      ...KEY,
      id: 'key_01JD3XM0C7Q9',
      provider: 'anthropic',
      alias: 'Claude',
      description: null,
      priority: 1,
      keyHint: 'sk-ant-…f00d',
      fingerprint: 'fp_4d2e8a11b3c0',
      healthScore: 60,
      lastValidationStatus: 'rate_limited',
      cooldownUntil: '2026-11-30T01:05:00.000Z',
    },
  ],
};

export const keyTestExample = {
  result: {
    keyId: 'key_01JD3XK8W2M4',
    provider: 'openai',
    isValid: true,
    healthScore: 100,
    status: 'valid',
    statusCode: 200,
    responseTime: 182,
    testsRun: ['list_models'],
    validatedAt: '2026-11-30T01:00:00.000Z',
    cooldownUntil: null,
  },
};

export const recordUsageExample = {
  keyId: 'key_01JD3XK8W2M4',
  provider: 'openai',
  model: 'gpt-4o-mini',
  inputTokens: 1200,
  outputTokens: 350,
  cachedTokens: 200,
  latencyMs: 840,
  success: true,
};

export const recordUsageResponseExample = {
  usage: { id: 'usg_01JD3Y2P6TQK', costUsd: 0.000375, priced: true },
};

const figures = (requests: number, tokens: number, cost: number) => ({
  requests,
  errors: 0,
  inputTokens: Math.round(tokens * 0.75),
  outputTokens: tokens - Math.round(tokens * 0.75),
  cachedTokens: 0,
  totalTokens: tokens,
  costUsd: cost,
  unpricedRequests: 0,
});

export const usageAnalyticsExample = {
  owner: { type: 'user', id: 'user_123' },
  timeRange: { from: '2026-11-28T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' },
  groupBy: 'day',
  metrics: ['requests', 'tokens', 'cost'],
  providers: null,
  totals: figures(30, 40000, 0.42),
  series: [
    { bucket: '2026-11-28', ...figures(12, 16000, 0.17) },
    { bucket: '2026-11-29', ...figures(18, 24000, 0.25) },
  ],
  byProvider: [{ provider: 'openai', ...figures(30, 40000, 0.42) }],
  byKey: [{ keyId: 'key_01JD3XK8W2M4', ...figures(30, 40000, 0.42) }],
};

export const createAlertExample = {
  alertType: 'cost',
  thresholdValue: 50,
  thresholdPeriod: 'monthly',
  notificationChannels: ['email'],
  email: 'ops@example.com',
};

export const alertResponseExample = {
  alert: {
    id: 'alert_01JD3Z0K2B7N',
    owner: { type: 'user', id: 'user_123' },
    alertType: 'cost',
    thresholdValue: 50,
    thresholdPeriod: 'monthly',
    notificationChannels: ['email'],
    webhookUrl: null,
    email: 'ops@example.com',
    channelProblems: [],
    undeliveredNotifications: 0,
    lastDelivery: null,
    hasSigningSecret: true,
    signingSecretRotatedAt: null,
    lastFiredPeriod: null,
    lastFiredAt: null,
    createdAt: '2026-11-30T01:00:00.000Z',
  },
};

/** The answer that creates an alert: its webhook signing secret, shown this once. */
export const createdAlertResponseExample = {
  ...alertResponseExample,
  signingSecret: 'whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
};
