import type { AlertService, KeyCompromisePayload } from '../alerts/index.js';
import { type AuditLog, actorLabel, type RequestContext } from '../audit/index.js';
import type { KeyCache } from '../cache/index.js';
import type { Owner } from '../crypto/index.js';
import { newId } from '../ids/index.js';
import { incidentsStore } from '../store/incidents-store.js';
import { type KeyStatus, keysStore } from '../store/keys-store.js';
import type { Database } from '../store/types.js';
import { cacheKeysFor } from './key-rows.js';
import type { KeyRow } from './types.js';

export interface IncidentDependencies {
  db: Database;
  audit: Pick<AuditLog, 'append'>;
  cache: Pick<KeyCache, 'invalidate'>;
  alerts: Pick<AlertService, 'enqueueNotice' | 'deliver'>;
}

export interface StartIncidentInput {
  /** Why: shown to owners in the notice and kept in the audit log. */
  reason: string;
  /** Only these owners' keys; every owner when absent. */
  owners?: readonly Owner[];
  /** The active master key after the incident's rotation, for the record. */
  masterFingerprint?: string | null;
  context?: RequestContext;
}

export interface IncidentSummary {
  id: string;
  keysMarked: number;
  owners: number;
  /** Notices queued to owners' alert channels (webhook, e-mail). */
  notices: number;
}

const OPEN_STATUSES: readonly KeyStatus[] = ['active', 'disabled', 'invalid'];

/**
 * Marks credentials compromised in one transaction: every key of the chosen owners (or of
 * everyone) that is not revoked stops being served until its owner enters the secret again; each
 * change is audited, and each owner with alert channels gets one notice listing their keys. Cache
 * entries are dropped after commit, so no instance serves a marked key from memory.
 */
export async function startIncident(
  deps: IncidentDependencies,
  input: StartIncidentInput,
): Promise<IncidentSummary> {
  const id = newId('inc');
  const startedAt = new Date();
  const scope = input.owners?.map((owner) => ({ type: owner.type, id: owner.id })) ?? 'all';
  const { marked, notices } = await deps.db.transaction(async (tx) => {
    const rows = await keysStore.markCompromised(tx, id, OPEN_STATUSES, input.owners);
    await incidentsStore.insert(tx, {
      id,
      reason: input.reason,
      scope,
      startedBy: input.context?.actor !== undefined ? actorLabel(input.context.actor) : 'system',
      masterFingerprint: input.masterFingerprint ?? null,
      keysMarked: rows.length,
      startedAt,
    });
    await deps.audit.append(tx, {
      action: 'incident.started',
      targetType: 'incident',
      targetId: id,
      ...(input.context ? { context: input.context } : {}),
      details: { reason: input.reason, scope, keysMarked: rows.length },
    });
    const byOwner = new Map<string, { owner: Owner; keys: KeyRow[] }>();
    for (const row of rows) {
      const owner: Owner = { type: row.owner_type, id: row.owner_id };
      await deps.audit.append(tx, {
        action: 'key.compromised',
        targetType: 'key',
        targetId: row.id,
        owner,
        ...(input.context ? { context: input.context } : {}),
        details: { provider: row.provider, incident: id },
      });
      const key = `${owner.type}:${owner.id}`;
      const entry = byOwner.get(key) ?? { owner, keys: [] };
      entry.keys.push(row);
      byOwner.set(key, entry);
    }
    const noticeIds: string[] = [];
    for (const { owner, keys } of byOwner.values()) {
      const payload: KeyCompromisePayload = {
        type: 'key_compromise.notice',
        id: `${id}:${owner.type}:${owner.id}`,
        incident: { id, startedAt: startedAt.toISOString(), reason: input.reason },
        owner,
        keys: keys.map((row) => ({
          id: row.id,
          provider: row.provider,
          alias: row.alias,
          hint: row.key_hint,
        })),
      };
      noticeIds.push(...(await deps.alerts.enqueueNotice(tx, owner, payload)));
    }
    return { marked: rows, notices: noticeIds };
  });
  await deps.cache.invalidate(marked.flatMap(cacheKeysFor));
  deps.alerts.deliver(notices);
  return {
    id,
    keysMarked: marked.length,
    owners: new Set(marked.map((row) => `${row.owner_type}:${row.owner_id}`)).size,
    notices: notices.length,
  };
}

/** One line of an incident report: a use of a key in an hour, or an audited action on it. */
export type IncidentReportEvent =
  | {
      type: 'use';
      keyId: string;
      owner: Owner;
      provider: string | null;
      /** Start of the hour (UTC) the uses were counted in. */
      hour: string;
      /** Decryptions for use (`getActiveKey`, fallback, integrations) in that hour. */
      count: number;
      firstUsedAt: string;
      lastUsedAt: string;
    }
  | {
      type: 'audit';
      keyId: string;
      owner: Owner | null;
      provider: string | null;
      action: string;
      actor: string;
      at: string;
      ip: string | null;
    };

/**
 * Every use (hourly access counts: each is a decryption) and every audited action (tests,
 * changes, rotations of its secret) of every key in `[since, until)`, oldest first — what an
 * operator reviews for unauthorised access after a compromise.
 */
export async function incidentReport(
  db: Database,
  window: { since: Date; until?: Date },
): Promise<IncidentReportEvent[]> {
  const until = window.until ?? new Date();
  const uses = await incidentsStore.keyUses(db, window.since, until);
  const audited = await incidentsStore.keyAuditEntries(db, window.since, until);
  const iso = (value: Date | string) => new Date(value).toISOString();
  const json = (value: Record<string, unknown> | string): Record<string, unknown> =>
    typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : value;
  const events: IncidentReportEvent[] = [
    ...uses.map(
      (row): IncidentReportEvent => ({
        type: 'use',
        keyId: row.key_id,
        owner: { type: row.owner_type ?? 'user', id: row.owner_id ?? '(deleted)' },
        provider: row.provider,
        hour: iso(row.hour),
        count: Number(row.access_count),
        firstUsedAt: iso(row.first_used_at),
        lastUsedAt: iso(row.last_used_at),
      }),
    ),
    ...audited.map((row): IncidentReportEvent => {
      const details = json(row.details);
      const context = json(row.context);
      return {
        type: 'audit',
        keyId: row.target_id,
        owner: row.owner_type && row.owner_id ? { type: row.owner_type, id: row.owner_id } : null,
        provider: typeof details.provider === 'string' ? details.provider : null,
        action: row.action,
        actor: row.actor,
        at: iso(row.created_at),
        ip: typeof context.ip === 'string' ? context.ip : null,
      };
    }),
  ];
  const when = (event: IncidentReportEvent) => (event.type === 'use' ? event.firstUsedAt : event.at);
  return events.sort((a, b) => when(a).localeCompare(when(b)));
}
