import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type BYOKApiError, type BYOKClient, createBYOKClient, type TokenSource } from '../api/client.js';
import { BYOKContext, type BYOKContextValue } from '../context.js';

export interface BYOKProviderProps {
  /** The signed-in user's id. Used to tell sessions apart; the bearer token is what the API trusts. */
  userId?: string | undefined;
  /** Where the BYOK REST API is mounted. Default `/api`. */
  apiUrl?: string | undefined;
  /** Show usage analytics (the Usage tab and `<UsageDashboard>`). Default true. */
  enableAnalytics?: boolean | undefined;
  /** Bearer token sent with every request. Without `token` or `getToken`, requests carry cookies only. */
  token?: string | null | undefined;
  /** Called before each request for a fresh token; wins over `token`. */
  getToken?: TokenSource | undefined;
  /** Show this workspace's keys instead of the user's own. */
  workspaceId?: string | undefined;
  /** Hears the workspace switcher. */
  onWorkspaceChange?: ((workspaceId: string | undefined) => void) | undefined;
  /** Called when the API answers 401 (token missing or expired). */
  onUnauthorized?: ((error: BYOKApiError) => void) | undefined;
  /** A ready client (tests, custom transports); `apiUrl`, `token` and `getToken` are then ignored. */
  client?: BYOKClient | undefined;
  children?: ReactNode;
}

/**
 * Gives the BYOK components their API client and shared state.
 *
 * @example
 * <BYOKProvider userId={user.id} apiUrl="/api/byok" enableAnalytics={true} getToken={() => session.token}>
 *   <KeyManagementDashboard />
 * </BYOKProvider>
 */
export function BYOKProvider(props: BYOKProviderProps) {
  const { userId, apiUrl = '/api', enableAnalytics = true, client: givenClient, children } = props;
  // Token and callbacks are read through a ref: a new token must not rebuild the client and reload everything.
  const latest = useRef(props);
  latest.current = props;

  const client = useMemo(
    () =>
      givenClient ??
      createBYOKClient({
        apiUrl,
        getToken: () => (latest.current.getToken ? latest.current.getToken() : latest.current.token),
        onError: (error) => {
          if (error.status === 401) latest.current.onUnauthorized?.(error);
        },
      }),
    [apiUrl, givenClient],
  );

  const [workspaceId, setWorkspaceState] = useState(props.workspaceId);
  useEffect(() => setWorkspaceState(props.workspaceId), [props.workspaceId]);
  const setWorkspaceId = useCallback((id: string | undefined) => {
    setWorkspaceState(id);
    latest.current.onWorkspaceChange?.(id);
  }, []);

  const [revision, setRevision] = useState(0);
  const invalidate = useCallback(() => setRevision((value) => value + 1), []);

  const value = useMemo<BYOKContextValue>(
    () => ({
      client,
      apiUrl: client.apiUrl,
      userId,
      enableAnalytics,
      workspaceId,
      setWorkspaceId,
      revision,
      invalidate,
    }),
    [client, userId, enableAnalytics, workspaceId, setWorkspaceId, revision, invalidate],
  );

  return <BYOKContext value={value}>{children}</BYOKContext>;
}
