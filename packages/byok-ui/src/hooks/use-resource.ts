import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True while a load is running (also a reload with data already shown). */
  loading: boolean;
  reload(): void;
}

interface State<T> {
  key: string;
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

/**
 * Loads `load()` whenever `key` or `revision` changes. A new `key` (other filter, other workspace)
 * drops the old data; a new `revision` (after a write) keeps showing it while reloading, so that
 * lists do not flash. Answers to superseded loads are ignored.
 */
export function useResource<T>(load: () => Promise<T>, key: string, revision = 0): Resource<T> {
  const [state, setState] = useState<State<T>>({ key, data: undefined, error: undefined, loading: true });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: key, revision and nonce are the triggers.
  useEffect(() => {
    let active = true;
    setState((previous) => ({
      key,
      data: previous.key === key ? previous.data : undefined,
      error: undefined,
      loading: true,
    }));
    loadRef.current().then(
      (data) => {
        if (active) setState({ key, data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!active) return;
        const err = error instanceof Error ? error : new Error(String(error));
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : undefined,
          error: err,
          loading: false,
        }));
      },
    );
    return () => {
      active = false;
    };
  }, [key, revision, nonce]);

  const reload = useCallback(() => setNonce((value) => value + 1), []);
  const current = state.key === key ? state : { data: undefined, error: undefined, loading: true };
  return { data: current.data, error: current.error, loading: current.loading, reload };
}
