import type { AlertService, KeyCompromisePayload } from '../alerts/index.js';
import type { AuditLog, RequestContext } from '../audit/index.js';
import type { KeyCache } from '../cache/index.js';
import type { Owner } from '../crypto/index.js';
import { newId } from '../ids/index.js';
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

const OPEN_STATUSES = ['active', 'disabled', 'invalid'];

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
    const ownerFilter =
      input.owners === undefined
        ? { sql: '', params: [] as unknown[] }
        : {
            sql: 'AND (owner_type, owner_id) IN (SELECT * FROM unnest($3::text[], $4::text[]))',
            params: [input.owners.map((o) => o.type), input.owners.map((o) => o.id)],
          };
    const { rows } = await tx.query<KeyRow>(
      `UPDATE byok.keys SET status = 'compromised', compromised_at = now(), compromise_incident = $1, updated_at = now()
        WHERE status = ANY($2::text[]) ${ownerFilter.sql}
        RETURNING *`,
      [id, OPEN_STATUSES, ...ownerFilter.params],
    );
    await tx.query(
      `INSERT INTO byok.incidents (id, reason, scope, started_by, master_fingerprint, keys_marked, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        input.reason,
        JSON.stringify(scope),
        input.context?.actor ?? 'system',
        input.masterFingerprint ?? null,
        rows.length,
        startedAt,
      ],
    );
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
  const { rows: uses } = await db.query<{
    key_id: string;
    hour: Date | string;
    access_count: string | number;
    first_used_at: Date | string;
    last_used_at: Date | string;
    owner_type: 'user' | 'workspace' | null;
    owner_id: string | null;
    provider: string | null;
  }>(
    `SELECT a.key_id, a.hour, a.access_count, a.first_used_at, a.last_used_at, k.owner_type, k.owner_id, k.provider
       FROM byok.key_access_hourly a LEFT JOIN byok.keys k ON k.id = a.key_id
      WHERE a.last_used_at >= $1 AND a.first_used_at < $2
      ORDER BY a.hour, a.key_id`,
    [window.since, until],
  );
  const { rows: audited } = await db.query<{
    target_id: string;
    action: string;
    actor: string;
    owner_type: 'user' | 'workspace' | null;
    owner_id: string | null;
    details: Record<string, unknown> | string;
    context: Record<string, unknown> | string;
    created_at: Date | string;
  }>(
    `SELECT target_id, action, actor, owner_type, owner_id, details, context, created_at
       FROM byok.audit_log
      WHERE target_type = 'key' AND created_at >= $1 AND created_at < $2
      ORDER BY created_at, id`,
    [window.since, until],
  );
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
