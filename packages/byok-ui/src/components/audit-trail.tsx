import { useId } from 'react';
import type { AuditActor, AuditEntry } from '../api/types.js';
import { formatDateTime } from '../format.js';
import { useAuditTrail } from '../hooks/use-audit-trail.js';
import { EmptyState, ErrorState, LoadingState } from './states.js';
import { Table } from './table.js';

export interface AuditTrailProps {
  /** Entries per page. Default 50. */
  pageSize?: number | undefined;
}

/** `key.created` → "Key created". */
export function describeAction(action: string): string {
  const words = action.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Plain values of an entry's details, for one line; nested objects are left out. */
function detailText(details: AuditEntry['details']): string {
  return Object.entries(details)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(' · ');
}

/** Who did what to which key or workspace, newest first. The log is tamper-evident on the server. */
export function AuditTrail({ pageSize = 50 }: AuditTrailProps) {
  const audit = useAuditTrail(pageSize);
  const titleId = useId();

  let body: React.ReactNode;
  if (audit.entries.length === 0 && audit.loading) body = <LoadingState label="Loading the audit trail…" />;
  else if (audit.entries.length === 0 && audit.error) {
    body = <ErrorState title="Could not load the audit trail" error={audit.error} onRetry={audit.reload} />;
  } else if (audit.entries.length === 0) body = <EmptyState title="No activity yet" />;
  else {
    body = (
      <>
        <Table
          caption="Audit entries, newest first"
          hideCaption
          columns={['When', 'Who', 'What', 'Target', 'Details']}
          compact
          wrap="byok-table-wrap byok-audit"
        >
          {audit.entries.map((entry) => (
            <tr key={entry.id}>
              <td data-label="When">
                <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
              </td>
              <td data-label="Who">{actorText(entry.actor)}</td>
              <td data-label="What">{describeAction(entry.action)}</td>
              <td data-label="Target">
                {entry.targetType}
                {entry.targetId ? <code className="byok-hint"> {entry.targetId}</code> : null}
              </td>
              <td data-label="Details" className="byok-muted">
                {detailText(entry.details) || '—'}
              </td>
            </tr>
          ))}
        </Table>
        {audit.error ? (
          <ErrorState title="Could not load more entries" error={audit.error} onRetry={audit.loadMore} />
        ) : null}
        {audit.hasMore ? (
          <button type="button" className="byok-button" onClick={audit.loadMore} disabled={audit.loading}>
            {audit.loading ? 'Loading…' : 'Load older entries'}
          </button>
        ) : null}
      </>
    );
  }

  return (
    <section className="byok byok-card" aria-labelledby={titleId}>
      <h2 id={titleId} className="byok-card__title">
        Audit trail
      </h2>
      {body}
    </section>
  );
}

function actorText(actor: AuditActor): string {
  if (actor.type === 'service') return actor.onBehalfOf ? `Service (for ${actor.onBehalfOf})` : 'Service';
  if (actor.type === 'system') return `System (${actor.id})`;
  return actor.id;
}
