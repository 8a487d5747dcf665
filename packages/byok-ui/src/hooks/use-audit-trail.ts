import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditEntry } from '../api/types.js';
import { useBYOK } from './use-byok.js';

export interface AuditTrailState {
  entries: AuditEntry[];
  loading: boolean;
  error: Error | undefined;
  /** True when older entries exist. */
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
}

/** Audit entries of the current scope, newest first, a page at a time. */
export function useAuditTrail(pageSize = 50): AuditTrailState {
  const { client, workspaceId, userId, revision } = useBYOK();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | undefined>();
  const [nonce, setNonce] = useState(0);
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (before: string | undefined, append: boolean) => {
      const mine = append ? generation.current : ++generation.current;
      setLoading(true);
      setError(undefined);
      try {
        const page = await client.audit({ limit: pageSize, ...(before ? { before } : {}) }, { workspaceId });
        if (mine !== generation.current) return;
        setEntries((previous) => (append ? [...previous, ...page.entries] : page.entries));
        setNextBefore(page.nextBefore);
      } catch (err) {
        if (mine !== generation.current) return;
        setError(err instanceof Error ? err : new Error(String(err)));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [client, workspaceId, pageSize],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: userId, revision and nonce trigger a fresh first page.
  useEffect(() => {
    setEntries([]);
    void fetchPage(undefined, false);
  }, [fetchPage, userId, revision, nonce]);

  const loadMore = useCallback(() => {
    if (nextBefore) void fetchPage(nextBefore, true);
  }, [fetchPage, nextBefore]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { entries, loading, error, hasMore: nextBefore !== null, loadMore, reload };
}
