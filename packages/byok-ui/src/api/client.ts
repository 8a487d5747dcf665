import type {
  AuditPage,
  CreateKeyInput,
  EnvironmentName,
  FallbackChain,
  Key,
  KeyData,
  KeyTestResult,
  ListKeysFilter,
  Me,
  ProviderId,
  ProviderInfo,
  Scope,
  UpdateKeyInput,
  UsageAnalytics,
  UsageQuery,
  Workspace,
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

/** The API said no, or could not be reached. `code` is the server's (`KEY_NOT_FOUND`, …) or `NETWORK_ERROR`. */
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

  /** True for answers meaning "this server has no such route" (an older server). */
  get isMissingRoute(): boolean {
    return (this.status === 404 || this.status === 405) && /no route/i.test(this.message);
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
    chain: FallbackChain,
    scope?: Scope,
  ): Promise<FallbackChain>;
  audit(query?: { limit?: number; before?: string }, scope?: Scope): Promise<AuditPage>;
  listWorkspaces(): Promise<Workspace[]>;
  createWorkspace(name: string): Promise<Workspace>;
}

type Query = Record<string, string | number | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;

/** `/keys`, or `/workspaces/:id/ai-providers` for a workspace's keys. */
function keysPath(scope: Scope | undefined): string {
  return scope?.workspaceId ? `/workspaces/${enc(scope.workspaceId)}/ai-providers` : '/keys';
}

async function errorFrom(response: Response): Promise<BYOKApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
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

/**
 * A typed client of the BYOK REST API, on `fetch`. The components use one through
 * `<BYOKProvider>`; host apps can use it directly.
 *
 * @example
 * const client = createBYOKClient({ apiUrl: '/api', getToken: () => session.token });
 * const keys = await client.listKeys({ provider: 'openai' });
 */
export function createBYOKClient(options: BYOKClientOptions = {}): BYOKClient {
  const apiUrl = (options.apiUrl ?? '/api').replace(/\/+$/, '');

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await send<T>(method, path, body);
    } catch (error) {
      if (error instanceof BYOKApiError) options.onError?.(error);
      throw error;
    }
  }

  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = options.getToken ? await options.getToken() : options.token;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const doFetch = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await doFetch(`${apiUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
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
    if (!response.ok) throw await errorFrom(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  const get = <T>(path: string) => request<T>('GET', path);

  return {
    apiUrl,
    me: () => get<Me>('/me'),
    async listProviders() {
      const body = await get<{ providers: (ProviderInfo & { fields?: ProviderInfo['credentialFields'] })[] }>(
        '/providers',
      );
      // Accept `fields` too: early drafts of the API used that name.
      return body.providers.map((p) => ({ ...p, credentialFields: p.credentialFields ?? p.fields ?? [] }));
    },
    async listKeys(filter = {}, scope) {
      const body = await get<{ keys: Key[] }>(`${keysPath(scope)}${queryString({ ...filter })}`);
      return body.keys;
    },
    async addKey(input, scope) {
      return (await request<{ key: Key }>('POST', keysPath(scope), input)).key;
    },
    async updateKey(keyId, patch, scope) {
      return (await request<{ key: Key }>('PATCH', `${keysPath(scope)}/${enc(keyId)}`, patch)).key;
    },
    async deleteKey(keyId, scope) {
      await request<void>('DELETE', `${keysPath(scope)}/${enc(keyId)}`);
    },
    async revokeKey(keyId, reason, scope) {
      const body = reason ? { reason } : {};
      return (await request<{ key: Key }>('POST', `${keysPath(scope)}/${enc(keyId)}/revoke`, body)).key;
    },
    async testKey(keyId, scope) {
      return (await request<{ result: KeyTestResult }>('POST', `${keysPath(scope)}/${enc(keyId)}/test`, {}))
        .result;
    },
    async testCredential(provider, keyData) {
      return (
        await request<{ result: KeyTestResult }>('POST', '/keys/test-credential', { provider, keyData })
      ).result;
    },
    async validateAll(scope) {
      return (await request<{ results: KeyTestResult[] }>('POST', `${keysPath(scope)}/validate-all`, {}))
        .results;
    },
    usageAnalytics(query = {}, scope) {
      return get<UsageAnalytics>(
        `/usage/analytics${queryString({
          timeRange: query.timeRange,
          groupBy: query.groupBy,
          providers: query.providers?.join(','),
          workspaceId: scope?.workspaceId,
        })}`,
      );
    },
    async getFallbackChain(provider, environment, scope) {
      const qs = queryString({ environment, workspaceId: scope?.workspaceId });
      const { chain } = await get<{ chain: FallbackChain | null }>(`/fallback-chains/${enc(provider)}${qs}`);
      // A default chain (`configured: false`) means the same as none: nothing was saved.
      return chain && chain.configured !== false ? chain : null;
    },
    async saveFallbackChain(provider, environment, chain, scope) {
      const qs = queryString({ environment, workspaceId: scope?.workspaceId });
      const { configured: _ignored, ...input } = chain;
      const body = await request<{ chain: FallbackChain }>(
        'PUT',
        `/fallback-chains/${enc(provider)}${qs}`,
        input,
      );
      return body.chain ?? chain;
    },
    async audit(query = {}, scope) {
      const body = await get<{ entries: AuditPage['entries']; nextBefore?: string | null }>(
        `/audit${queryString({ limit: query.limit, before: query.before, workspaceId: scope?.workspaceId })}`,
      );
      return { entries: body.entries, nextBefore: body.nextBefore ?? null };
    },
    async listWorkspaces() {
      return (await get<{ workspaces: Workspace[] }>('/workspaces')).workspaces;
    },
    async createWorkspace(name) {
      return (await request<{ workspace: Workspace }>('POST', '/workspaces', { name })).workspace;
    },
  };
}
