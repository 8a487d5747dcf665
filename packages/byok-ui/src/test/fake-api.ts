import type {
  AuditEntry,
  FallbackChain,
  FallbackChainInput,
  GatewayTokenWithUsage,
  Key,
  KeyData,
  KeyTestResult,
  Me,
  ProviderInfo,
  UsageAnalytics,
  UsageFigures,
} from '../api/types.js';
import { DEFAULT_PROVIDERS } from '../credentials.js';

/**
 * An in-memory stand-in for the BYOK REST API, answering `fetch` calls the way
 * packages/byok-core/src/http does (same paths, bodies and error shape). Component tests pass
 * its `fetch` to the client; they can make any route fail or hang.
 */

export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

interface Failure {
  status: number;
  code: string;
  message: string;
}

export interface FakeApiOptions {
  keys?: Key[];
  me?: Me;
  usage?: UsageAnalytics;
  /** Saved chains by `provider:environment`. */
  chains?: Record<string, FallbackChainInput>;
  audit?: AuditEntry[];
  providers?: ProviderInfo[];
  gatewayTokens?: GatewayTokenWithUsage[];
}

export interface FakeApi {
  fetch: typeof fetch;
  calls: RecordedCall[];
  keys: Key[];
  secrets: Map<string, KeyData>;
  chains: Record<string, FallbackChain>;
  /** Makes `METHOD /path-pattern` fail with this error until cleared (pattern: regex source). */
  fail(route: string, failure: Failure): void;
  /** Makes `METHOD /path-pattern` wait until the returned function is called. */
  hold(route: string): () => void;
  clear(): void;
}

export const NOW = new Date('2026-03-10T12:00:00.000Z');

let counter = 0;

export function makeKey(overrides: Partial<Key> = {}): Key {
  counter += 1;
  const id = overrides.id ?? `key_${counter.toString().padStart(4, '0')}`;
  return {
    id,
    provider: 'openai',
    environment: 'production',
    owner: { type: 'user', id: 'user_1' },
    userId: 'user_1',
    workspaceId: null,
    alias: `Key ${counter}`,
    description: null,
    priority: 0,
    status: 'active',
    isActive: true,
    keyHint: 'sk-proj-…abcd',
    fingerprint: `fp_${id}`,
    healthScore: 100,
    lastValidatedAt: '2026-03-10T11:58:00.000Z',
    lastValidationStatus: 'valid',
    cooldownUntil: null,
    createdBy: 'user_1',
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    revokedAt: null,
    ...overrides,
  };
}

export function makeGatewayToken(overrides: Partial<GatewayTokenWithUsage> = {}): GatewayTokenWithUsage {
  counter += 1;
  return {
    id: `gt_${counter.toString().padStart(4, '0')}`,
    owner: { type: 'user', id: 'user_1' },
    name: `Token ${counter}`,
    hint: 'byok_gt_…abcd',
    status: 'active',
    environment: 'production',
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    revokedAt: null,
    expiresAt: null,
    allowedProviders: null,
    allowedModels: null,
    monthlyBudgetUsd: null,
    requestsPerMinute: null,
    allowSystemKeys: false,
    usage: { month: '2026-03', requests: 0, costUsd: 0, budgetRemainingUsd: null },
    ...overrides,
  };
}

export const EMPTY_FIGURES: UsageFigures = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
  audioSeconds: 0,
  minutes: 0,
};

export function figures(partial: Partial<UsageFigures>): UsageFigures {
  const merged = { ...EMPTY_FIGURES, ...partial };
  return { ...merged, totalTokens: partial.totalTokens ?? merged.inputTokens + merged.outputTokens };
}

/** A week of usage: OpenAI priced, an unpriced model on Anthropic. */
export function sampleUsage(keyIds: { openai: string; anthropic: string }): UsageAnalytics {
  const days = [
    '2026-03-04',
    '2026-03-05',
    '2026-03-06',
    '2026-03-07',
    '2026-03-08',
    '2026-03-09',
    '2026-03-10',
  ];
  const openai = figures({ requests: 100, errors: 3, inputTokens: 9000, outputTokens: 3000, costUsd: 1.25 });
  const anthropic = figures({
    requests: 40,
    inputTokens: 3000,
    outputTokens: 1000,
    costUsd: null,
    unpricedRequests: 40,
  });
  return {
    timeRange: { from: '2026-03-03T12:00:00.000Z', to: NOW.toISOString() },
    groupBy: 'day',
    metrics: ['requests', 'tokens', 'minutes', 'cost'],
    owner: { type: 'user', id: 'user_1' },
    providers: null,
    totals: figures({
      requests: 140,
      errors: 3,
      inputTokens: 12_000,
      outputTokens: 4_000,
      costUsd: 1.25,
      unpricedRequests: 40,
    }),
    series: days.map((day, i) => ({
      bucket: `${day}T00:00:00.000Z`,
      ...figures({
        requests: 20,
        inputTokens: 1500 + i * 100,
        outputTokens: 500,
        costUsd: i === 6 ? null : 0.2,
        unpricedRequests: i === 6 ? 20 : 3,
      }),
    })),
    byProvider: [
      { provider: 'openai', ...openai },
      { provider: 'anthropic', ...anthropic },
    ],
    byKey: [
      { keyId: keyIds.openai, ...openai },
      { keyId: keyIds.anthropic, ...anthropic },
    ],
  };
}

/** A chain as the server answers it, saved by user_1 for `provider:environment`. */
function savedChain(id: string, input: FallbackChainInput): FallbackChain {
  const [provider, environment] = id.split(':') as [FallbackChain['provider'], FallbackChain['environment']];
  return {
    provider,
    environment,
    owner: { type: 'user', id: 'user_1' },
    configured: true,
    primaryKeyId: input.primaryKeyId ?? null,
    fallbackSequence: input.fallbackSequence ?? [],
    useSystemFallback: input.useSystemFallback ?? false,
    maxRetries: input.maxRetries ?? 3,
    retryDelayMs: input.retryDelayMs ?? 1000,
    updatedAt: NOW.toISOString(),
  };
}

/** What a test answers: the provider refused a `bad` credential (a secret with "bad", a key called Broken). */
function testAnswer(bad: boolean) {
  const common = { testsRun: ['authentication'], validatedAt: NOW.toISOString() };
  return bad
    ? {
        ...common,
        isValid: false,
        healthScore: 0,
        status: 'invalid_key',
        errorCode: 'invalid_api_key',
        errorMessage: 'Incorrect API key provided',
        responseTime: 87,
      }
    : { ...common, isValid: true, healthScore: 100, status: 'valid', responseTime: 123 };
}

// The server's labels (packages/byok-core/src/http/serialize.ts), which differ a little from the UI's defaults.
const SERVER_LABELS: Record<string, string> = { authToken: 'Auth token' };

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req_test' },
  });
}

function error(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message, requestId: 'req_test' } });
}

const hint = (provider: string, keyData: KeyData): string => {
  const value = provider === 'twilio' ? (keyData.accountSid ?? '') : (keyData.apiKey ?? '');
  const prefix = ['sk-proj-', 'sk-ant-', 'sk-or-', 'sk-', 'AC'].find((p) => value.startsWith(p)) ?? '';
  return value.length < 12 ? `${prefix}…` : `${prefix}…${value.slice(-4)}`;
};

export function createFakeApi(options: FakeApiOptions = {}): FakeApi {
  const keys: Key[] = [...(options.keys ?? [])];
  const secrets = new Map<string, KeyData>();
  const chains: Record<string, FallbackChain> = Object.fromEntries(
    Object.entries(options.chains ?? {}).map(([id, input]) => [id, savedChain(id, input)]),
  );
  const calls: RecordedCall[] = [];
  const failures = new Map<string, Failure>();
  const holds = new Map<string, Promise<void>>();
  const providers =
    options.providers ??
    DEFAULT_PROVIDERS.map((p) => ({
      ...p,
      credentialFields: p.credentialFields.map((f) => ({ ...f, label: SERVER_LABELS[f.name] ?? f.label })),
    }));
  const me: Me = options.me ?? { userId: 'user_1', isServiceToken: false, workspaces: [] };
  const isBroken = (keyId: string) => keys.find((k) => k.id === keyId)?.alias === 'Broken';
  const testKey = (key: Key): KeyTestResult => ({
    ...testAnswer(isBroken(key.id)),
    provider: key.provider,
    keyId: key.id,
    cooldownUntil: null,
  });

  const findFailure = (method: string, path: string) => {
    for (const [route, failure] of failures) {
      const [m, pattern] = route.split(' ') as [string, string];
      if (m === method && new RegExp(`^${pattern}$`).test(path)) return failure;
    }
    return undefined;
  };
  const findHold = (method: string, path: string) => {
    for (const [route, hold] of holds) {
      const [m, pattern] = route.split(' ') as [string, string];
      if (m === method && new RegExp(`^${pattern}$`).test(path)) return hold;
    }
    return undefined;
  };

  async function handle(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): Promise<Response> {
    const keyMatch = /^\/(?:keys|workspaces\/[^/]+\/ai-providers)\/([^/]+)(\/[a-z-]+)?$/.exec(path);
    if (method === 'GET' && path === '/me') return json(200, me);
    if (method === 'GET' && path === '/providers') return json(200, { providers });
    if (method === 'POST' && path === '/keys/test-credential') {
      const input = body as { provider: Key['provider']; keyData: KeyData };
      const bad = Object.values(input.keyData).join(' ').includes('bad');
      return json(200, { result: { ...testAnswer(bad), provider: input.provider, keyId: null } });
    }
    if (method === 'POST' && /^\/(?:keys|workspaces\/[^/]+\/ai-providers)\/validate-all$/.test(path)) {
      return json(200, { results: keys.map(testKey) });
    }
    if (method === 'GET' && /^\/(?:keys|workspaces\/[^/]+\/ai-providers)$/.test(path)) {
      const ws = /^\/workspaces\/([^/]+)/.exec(path)?.[1];
      const list = keys.filter(
        (k) =>
          (ws ? k.workspaceId === ws : k.workspaceId === null) &&
          (!query.get('provider') || k.provider === query.get('provider')) &&
          (!query.get('environment') || k.environment === query.get('environment')) &&
          (!query.get('status') || k.status === query.get('status')),
      );
      return json(200, { keys: list });
    }
    if (method === 'POST' && /^\/(?:keys|workspaces\/[^/]+\/ai-providers)$/.test(path)) {
      const input = body as {
        provider: Key['provider'];
        keyData: KeyData;
        alias?: string;
        environment?: Key['environment'];
      };
      const ws = /^\/workspaces\/([^/]+)/.exec(path)?.[1] ?? null;
      const key = makeKey({
        provider: input.provider,
        alias: input.alias ?? null,
        environment: input.environment ?? 'production',
        keyHint: hint(input.provider, input.keyData),
        workspaceId: ws,
        lastValidatedAt: null,
        lastValidationStatus: null,
      });
      keys.push(key);
      secrets.set(key.id, input.keyData);
      return json(201, { key });
    }
    if (keyMatch) {
      const [, id, action] = keyMatch;
      const index = keys.findIndex((k) => k.id === id);
      const key = keys[index];
      if (!key) return error(404, 'KEY_NOT_FOUND', `Key ${id} not found`);
      if (method === 'POST' && action === '/test') {
        const result = testKey(key);
        keys[index] = {
          ...key,
          healthScore: result.healthScore,
          lastValidatedAt: NOW.toISOString(),
          status: result.isValid ? key.status : 'invalid',
        };
        return json(200, { result });
      }
      if (method === 'PATCH' && !action) {
        const patch = body as {
          enabled?: boolean;
          keyData?: KeyData;
          alias?: string | null;
          description?: string | null;
          priority?: number;
        };
        const next = { ...key };
        if (patch.alias !== undefined) next.alias = patch.alias;
        if (patch.description !== undefined) next.description = patch.description;
        if (patch.priority !== undefined) next.priority = patch.priority;
        if (patch.enabled !== undefined) {
          next.status = patch.enabled ? 'active' : 'disabled';
          next.isActive = patch.enabled;
        }
        if (patch.keyData) {
          secrets.set(key.id, patch.keyData);
          next.keyHint = hint(key.provider, patch.keyData);
        }
        keys[index] = next;
        return json(200, { key: next });
      }
      if (method === 'POST' && action === '/revoke') {
        const next = { ...key, status: 'revoked' as const, isActive: false, revokedAt: NOW.toISOString() };
        keys[index] = next;
        return json(200, { key: next });
      }
      if (method === 'DELETE' && !action) {
        keys.splice(index, 1);
        return new Response(null, { status: 204 });
      }
    }
    if (method === 'GET' && path === '/usage/analytics') {
      if (!options.usage)
        return json(200, {
          ...sampleUsage({ openai: 'x', anthropic: 'y' }),
          totals: EMPTY_FIGURES,
          series: [],
          byProvider: [],
          byKey: [],
        });
      return json(200, options.usage);
    }
    const chainMatch = /^\/fallback-chains\/([a-z]+)$/.exec(path);
    if (chainMatch) {
      const id = `${chainMatch[1]}:${query.get('environment') ?? 'production'}`;
      if (method === 'GET') return json(200, { chain: chains[id] ?? null });
      if (method === 'PUT') {
        chains[id] = savedChain(id, body as FallbackChainInput);
        return json(200, { chain: chains[id] });
      }
    }
    if (method === 'GET' && path === '/gateway-tokens') {
      const ws = query.get('workspaceId');
      const owned = (options.gatewayTokens ?? []).filter((t) =>
        ws ? t.owner.type === 'workspace' && t.owner.id === ws : t.owner.type === 'user',
      );
      return json(200, { gatewayTokens: owned });
    }
    if (method === 'GET' && path === '/audit') {
      const all = options.audit ?? [];
      const limit = Number(query.get('limit') ?? 100);
      const before = query.get('before');
      const start = before ? all.findIndex((e) => e.id === before) + 1 : 0;
      const page = all.slice(start, start + limit);
      const nextBefore =
        page.length === limit && start + limit < all.length ? (page.at(-1)?.id ?? null) : null;
      return json(200, { entries: page, nextBefore });
    }
    return error(404, 'NOT_FOUND', `No route for ${method} ${path}`);
  }

  const fakeFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(
      new URL(String(input instanceof Request ? input.url : input), 'http://localhost'),
      init,
    );
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/api(?:\/byok)?/, '');
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({
      method: request.method,
      path: `${path}${url.search}`,
      body,
      authorization: request.headers.get('authorization'),
    });
    const hold = findHold(request.method, path);
    if (hold) await hold;
    const failure = findFailure(request.method, path);
    if (failure) return error(failure.status, failure.code, failure.message);
    return handle(request.method, path, url.searchParams, body);
  }) as typeof fetch;

  return {
    fetch: fakeFetch,
    calls,
    keys,
    secrets,
    chains,
    fail(route, failure) {
      failures.set(route, failure);
    },
    hold(route) {
      let release!: () => void;
      holds.set(route, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        holds.delete(route);
        release();
      };
    },
    clear() {
      failures.clear();
    },
  };
}
