import createClient from 'openapi-fetch';
import type { paths } from './openapi.gen.js';
import type {
  AuditPage,
  CreateAlertInput,
  CreatedGatewayToken,
  CreateGatewayTokenInput,
  CreateKeyInput,
  EnvironmentName,
  FallbackChain,
  FallbackChainInput,
  GatewayToken,
  GatewayTokenWithUsage,
  Key,
  KeyData,
  KeyTestResult,
  ListKeysFilter,
  Me,
  ProviderId,
  ProviderInfo,
  Scope,
  UpdateKeyInput,
  UsageAlert,
  UsageAnalytics,
  UsageQuery,
  Workspace,
  WorkspaceMember,
  WorkspaceRole,
} from './types.js';

/** A bearer token, or nothing (the host app authenticates with a cookie instead). */
export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

export interface BYOKClientOptions {
  /** Where the REST API is mounted. Default `/api`. */
  apiUrl?: string;
  /** Bearer token for every request. */
  token?: string | null | undefined;
  /** Called before every request; wins over `token`. Lets the host app refresh short-lived tokens. */
  getToken?: TokenSource | undefined;
  /** Replaces the global `fetch` (tests, SSR). Read at call time, so a later stub is seen. */
  fetch?: typeof fetch | undefined;
  /** Hears every failed call before it is thrown (e.g. a 401 to send the user back to sign-in). */
  onError?: ((error: BYOKApiError) => void) | undefined;
}

/**
 * The API said no, or could not be reached. `code` is the server's (`KEY_NOT_FOUND`, …) or
 * `NETWORK_ERROR`. Standalone rather than a `BYOKError`: byok-core has no browser-safe entry point
 * for its error class (its root pulls in node:crypto and the database drivers), and the UI's codes
 * (`NETWORK_ERROR`, `HTTP_502`) are not in the server's table. The fields are the same: `code`, `status`.
 */
export class BYOKApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, requestId?: string) {
    super(message);
    this.name = 'BYOKApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }

  /** True for answers meaning "this server has no such route" (an older server), read from status and code. */
  get isMissingRoute(): boolean {
    return (
      (this.status === 404 && this.code === 'NOT_FOUND') ||
      (this.status === 405 && this.code === 'METHOD_NOT_ALLOWED')
    );
  }
}

/** Every call of the REST API the components make. */
export interface BYOKClient {
  readonly apiUrl: string;
  me(): Promise<Me>;
  listProviders(): Promise<ProviderInfo[]>;
  listKeys(filter?: ListKeysFilter, scope?: Scope): Promise<Key[]>;
  addKey(input: CreateKeyInput, scope?: Scope): Promise<Key>;
  updateKey(keyId: string, patch: UpdateKeyInput, scope?: Scope): Promise<Key>;
  deleteKey(keyId: string, scope?: Scope): Promise<void>;
  revokeKey(keyId: string, reason?: string, scope?: Scope): Promise<Key>;
  testKey(keyId: string, scope?: Scope): Promise<KeyTestResult>;
  /** Tests a credential before it is saved; the server stores nothing. */
  testCredential(provider: ProviderId, keyData: KeyData): Promise<KeyTestResult>;
  validateAll(scope?: Scope): Promise<KeyTestResult[]>;
  usageAnalytics(query?: UsageQuery, scope?: Scope): Promise<UsageAnalytics>;
  getFallbackChain(
    provider: ProviderId,
    environment: EnvironmentName,
    scope?: Scope,
  ): Promise<FallbackChain | null>;
  saveFallbackChain(
    provider: ProviderId,
    environment: EnvironmentName,
    chain: FallbackChainInput,
    scope?: Scope,
  ): Promise<FallbackChain>;
  audit(query?: { limit?: number; before?: string }, scope?: Scope): Promise<AuditPage>;
  listWorkspaces(): Promise<Workspace[]>;
  createWorkspace(name: string): Promise<Workspace>;
  listMembers(workspaceId: string): Promise<WorkspaceMember[]>;
  /** Adds a member, or changes a member's role. */
  setMember(workspaceId: string, userId: string, role: WorkspaceRole): Promise<WorkspaceMember>;
  removeMember(workspaceId: string, userId: string): Promise<void>;
  listAlerts(scope?: Scope): Promise<UsageAlert[]>;
  createAlert(input: CreateAlertInput, scope?: Scope): Promise<UsageAlert>;
  deleteAlert(alertId: string, scope?: Scope): Promise<void>;
  /** Each with its usage this UTC month. */
  listGatewayTokens(scope?: Scope): Promise<GatewayTokenWithUsage[]>;
  createGatewayToken(input: CreateGatewayTokenInput, scope?: Scope): Promise<CreatedGatewayToken>;
  revokeGatewayToken(tokenId: string, scope?: Scope): Promise<GatewayToken>;
}

/** What openapi-fetch answers: data on success, the parsed error body otherwise. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** A query without empty values (the server reads `?x=` as a value). */
function query<T extends object>(values: T): T {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined && value !== ''),
  ) as T;
}

function errorFrom(response: Response, body: unknown): BYOKApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; requestId?: unknown } } | undefined)
    ?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`;
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : `The server answered ${response.status} ${response.statusText}`.trim();
  const requestId =
    typeof error?.requestId === 'string'
      ? error.requestId
      : (response.headers.get('x-request-id') ?? undefined);
  return new BYOKApiError(response.status, code, message, requestId);
}

// openapi-fetch builds a `Request`, which needs an absolute URL; outside a browser page (tests, SSR)
// a relative `apiUrl` is resolved against this placeholder and handed to `fetch` relative again.
const PLACEHOLDER_ORIGIN = 'http://byok-client.invalid';

class RelativeRequest extends Request {
  /** The URL as the caller wrote it (relative when `apiUrl` is). */
  readonly target: string;

  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const target = input instanceof Request ? input.url : String(input);
    const base = globalThis.location?.href ?? PLACEHOLDER_ORIGIN;
    super(new URL(target, base), init);
    this.target = target;
  }
}

/**
 * A typed client of the BYOK REST API, on `openapi-fetch` and the types generated from the
 * server's OpenAPI document. The components use one through `<BYOKProvider>`; host apps can use it
 * directly.
 *
 * @example
 * const client = createBYOKClient({ apiUrl: '/api', getToken: () => session.token });
 * const keys = await client.listKeys({ provider: 'openai' });
 */
export function createBYOKClient(options: BYOKClientOptions = {}): BYOKClient {
  const apiUrl = (options.apiUrl ?? '/api').replace(/\/+$/, '');

  const api = createClient<paths>({
    baseUrl: apiUrl,
    Request: RelativeRequest,
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store',
    async fetch(request: Request) {
      const target = request instanceof RelativeRequest ? request.target : request.url;
      const token = options.getToken ? await options.getToken() : options.token;
      const headers = new Headers(request.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
      const doFetch = options.fetch ?? globalThis.fetch;
      try {
        return await doFetch(target, {
          method: request.method,
          headers,
          ...(body !== '' ? { body } : {}),
          credentials: 'same-origin',
          cache: 'no-store',
        });
      } catch {
        throw new BYOKApiError(
          0,
          'NETWORK_ERROR',
          'Could not reach the server. Check your connection and try again.',
        );
      }
    },
  });

  /** The answer's data, or the API's error thrown (and reported to `onError`). */
  async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
    let result: FetchResult<T>;
    try {
      result = await call;
      if (!result.response.ok) throw errorFrom(result.response, result.error);
    } catch (error) {
      if (error instanceof BYOKApiError) options.onError?.(error);
      throw error;
    }
    return result.data as T;
  }

  const ws = (scope: Scope | undefined) => scope?.workspaceId;

  /** A key route: the caller's own keys (`/keys…`), or with a workspace its keys (`/workspaces/{id}/ai-providers…`). */
  function onKeys<T>(
    scope: Scope | undefined,
    own: () => Promise<FetchResult<T>>,
    workspace: (workspaceId: string) => Promise<FetchResult<T>>,
  ): Promise<T> {
    const id = ws(scope);
    return unwrap(id ? workspace(id) : own());
  }

  /** A call on one key, by its own route (`/keys/{id}…`) or its workspace's (`…/ai-providers/{keyId}…`). */
  function onKey<T>(
    keyId: string,
    scope: Scope | undefined,
    own: (params: { path: { id: string } }) => Promise<FetchResult<T>>,
    workspace: (params: { path: { id: string; keyId: string } }) => Promise<FetchResult<T>>,
  ): Promise<T> {
    return onKeys(
      scope,
      () => own({ path: { id: keyId } }),
      (id) => workspace({ path: { id, keyId } }),
    );
  }

  return {
    apiUrl,
    me: () => unwrap(api.GET('/me')),
    async listProviders() {
      const body = await unwrap(api.GET('/providers'));
      // Accept `fields` too: early drafts of the API used that name.
      return body.providers.map((p) => {
        const legacy = p as ProviderInfo & { fields?: ProviderInfo['credentialFields'] };
        return { ...p, credentialFields: p.credentialFields ?? legacy.fields ?? [] };
      });
    },
    async listKeys(filter = {}, scope) {
      const params = { query: query(filter) };
      const body = await onKeys(
        scope,
        () => api.GET('/keys', { params }),
        (id) => api.GET('/workspaces/{id}/ai-providers', { params: { ...params, path: { id } } }),
      );
      return body.keys;
    },
    async addKey(input, scope) {
      const body = await onKeys(
        scope,
        () => api.POST('/keys', { body: input }),
        (id) => api.POST('/workspaces/{id}/ai-providers', { params: { path: { id } }, body: input }),
      );
      return body.key;
    },
    async updateKey(keyId, patch, scope) {
      const body = await onKey(
        keyId,
        scope,
        (params) => api.PATCH('/keys/{id}', { params, body: patch }),
        (params) => api.PATCH('/workspaces/{id}/ai-providers/{keyId}', { params, body: patch }),
      );
      return body.key;
    },
    async deleteKey(keyId, scope) {
      await onKey(
        keyId,
        scope,
        (params) => api.DELETE('/keys/{id}', { params }),
        (params) => api.DELETE('/workspaces/{id}/ai-providers/{keyId}', { params }),
      );
    },
    async revokeKey(keyId, reason, scope) {
      const body = reason ? { reason } : {};
      const answer = await onKey(
        keyId,
        scope,
        (params) => api.POST('/keys/{id}/revoke', { params, body }),
        (params) => api.POST('/workspaces/{id}/ai-providers/{keyId}/revoke', { params, body }),
      );
      return answer.key;
    },
    async testKey(keyId, scope) {
      const answer = await onKey(
        keyId,
        scope,
        (params) => api.POST('/keys/{id}/test', { params, body: {} }),
        (params) => api.POST('/workspaces/{id}/ai-providers/{keyId}/test', { params, body: {} }),
      );
      return answer.result;
    },
    async testCredential(provider, keyData) {
      const { result } = await unwrap(api.POST('/keys/test-credential', { body: { provider, keyData } }));
      // openapi-fetch's answer type drops a property whose only value is null; the server sends it.
      return { ...result, keyId: null };
    },
    async validateAll(scope) {
      const body = await onKeys(
        scope,
        () => api.POST('/keys/validate-all', { body: {} }),
        (id) =>
          api.POST('/workspaces/{id}/ai-providers/validate-all', { params: { path: { id } }, body: {} }),
      );
      return body.results;
    },
    usageAnalytics(q = {}, scope) {
      return unwrap(
        api.GET('/usage/analytics', {
          params: {
            query: query({
              timeRange: q.timeRange,
              groupBy: q.groupBy,
              providers: q.providers?.join(','),
              workspaceId: ws(scope),
            }),
          },
        }),
      );
    },
    async getFallbackChain(provider, environment, scope) {
      const { chain } = await unwrap(
        api.GET('/fallback-chains/{provider}', {
          params: { path: { provider }, query: query({ environment, workspaceId: ws(scope) }) },
        }),
      );
      // A default chain (`configured: false`) means the same as none: nothing was saved.
      return chain && chain.configured !== false ? chain : null;
    },
    async saveFallbackChain(provider, environment, chain, scope) {
      const body = await unwrap(
        api.PUT('/fallback-chains/{provider}', {
          params: { path: { provider }, query: query({ environment, workspaceId: ws(scope) }) },
          body: chain,
        }),
      );
      return body.chain;
    },
    async audit(q = {}, scope) {
      const { entries, nextBefore } = await unwrap(
        api.GET('/audit', {
          params: { query: query({ limit: q.limit, before: q.before, workspaceId: ws(scope) }) },
        }),
      );
      return { entries, nextBefore };
    },
    async listWorkspaces() {
      return (await unwrap(api.GET('/workspaces'))).workspaces;
    },
    async createWorkspace(name) {
      return (await unwrap(api.POST('/workspaces', { body: { name } }))).workspace;
    },
    async listMembers(workspaceId) {
      return (await unwrap(api.GET('/workspaces/{id}/members', { params: { path: { id: workspaceId } } })))
        .members;
    },
    async setMember(workspaceId, userId, role) {
      return (
        await unwrap(
          api.POST('/workspaces/{id}/members', {
            params: { path: { id: workspaceId } },
            body: { userId, role },
          }),
        )
      ).member;
    },
    async removeMember(workspaceId, userId) {
      await unwrap(
        api.DELETE('/workspaces/{id}/members/{userId}', { params: { path: { id: workspaceId, userId } } }),
      );
    },
    async listAlerts(scope) {
      return (await unwrap(api.GET('/alerts', { params: { query: query({ workspaceId: ws(scope) }) } })))
        .alerts;
    },
    async createAlert(input, scope) {
      const { alert, signingSecret } = await unwrap(
        api.POST('/alerts', { params: { query: query({ workspaceId: ws(scope) }) }, body: input }),
      );
      // The secret comes this once, beside the alert (null from a server that does not sign webhooks).
      return signingSecret ? { ...alert, signingSecret } : alert;
    },
    async deleteAlert(alertId, scope) {
      await unwrap(
        api.DELETE('/alerts/{id}', {
          params: { path: { id: alertId }, query: query({ workspaceId: ws(scope) }) },
        }),
      );
    },
    async listGatewayTokens(scope) {
      return (
        await unwrap(api.GET('/gateway-tokens', { params: { query: query({ workspaceId: ws(scope) }) } }))
      ).gatewayTokens;
    },
    createGatewayToken(input, scope) {
      return unwrap(
        api.POST('/gateway-tokens', { params: { query: query({ workspaceId: ws(scope) }) }, body: input }),
      );
    },
    async revokeGatewayToken(tokenId, scope) {
      return (
        await unwrap(
          api.POST('/gateway-tokens/{id}/revoke', {
            params: { path: { id: tokenId }, query: query({ workspaceId: ws(scope) }) },
          }),
        )
      ).gatewayToken;
    },
  };
}
