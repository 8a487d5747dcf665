import type { ReactNode } from 'react';
import { BYOKApiError } from '../api/client.js';
import type { Resource } from '../hooks/use-resource.js';

/** A polite "loading" line that screen readers announce. */
export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="byok-state byok-state--loading" role="status">
      <span className="byok-spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** The message people should read for an error: the server's, or a plainer one for transport failures. */
export function errorMessage(error: unknown): string {
  if (error instanceof BYOKApiError) {
    if (error.status === 401) return 'Your session has ended or the token is not valid. Sign in again.';
    if (error.status === 403) return `You do not have permission to do this. ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorState({
  error,
  title = 'Something went wrong',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: (() => void) | undefined;
}) {
  const requestId = error instanceof BYOKApiError ? error.requestId : undefined;
  return (
    <div className="byok-state byok-state--error" role="alert">
      <p className="byok-state__title">{title}</p>
      <p>{errorMessage(error)}</p>
      {requestId ? <p className="byok-muted">Reference: {requestId}</p> : null}
      {onRetry ? (
        <button type="button" className="byok-button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="byok-state byok-state--empty">
      <p className="byok-state__title">{title}</p>
      {children}
    </div>
  );
}

/** An inline result line: success or failure, announced politely. */
export function Notice({ tone, children }: { tone: 'success' | 'error' | 'info'; children: ReactNode }) {
  return (
    <div className={`byok-notice byok-notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** The loading, error and (when the list is empty) empty states of a listed resource. */
export function ResourceStates({
  resource,
  loadingLabel,
  errorTitle,
  empty,
}: {
  resource: Resource<readonly unknown[]>;
  loadingLabel: string;
  errorTitle: string;
  /** Shown once loaded when the list is empty. */
  empty?: ReactNode;
}) {
  return (
    <>
      {resource.loading && !resource.data ? <LoadingState label={loadingLabel} /> : null}
      {resource.error ? (
        <ErrorState title={errorTitle} error={resource.error} onRetry={resource.reload} />
      ) : null}
      {resource.data && resource.data.length === 0 ? empty : null}
    </>
  );
}
