/** What kind of party acted: a signed-in user, the service token, or the system itself (jobs, CLI). */
export type AuditActorType = 'user' | 'service' | 'system';

/**
 * Who made a change. A user's id comes from their verified token's subject; `service` is the
 * service (admin) token, with `onBehalfOf` naming the user it acted for. The type is set by how the
 * caller authenticated, never parsed from the id, so no token subject can pass for the service.
 */
export interface AuditActor {
  type: AuditActorType;
  id: string;
  onBehalfOf?: string;
}

/** A structured actor, or a plain id (library callers): a plain id is a user. */
export type ActorInput = AuditActor | string;

const TYPES: ReadonlySet<string> = new Set(['user', 'service', 'system']);

export function toAuditActor(actor: ActorInput | undefined, fallback: AuditActor): AuditActor {
  if (actor === undefined) return fallback;
  if (typeof actor === 'string') return { type: 'user', id: actor };
  return actor.onBehalfOf === undefined
    ? { type: actor.type, id: actor.id }
    : { type: actor.type, id: actor.id, onBehalfOf: actor.onBehalfOf };
}

/** The actor of a user-owned change made without a stated actor: the owner, or the system. */
export function defaultActor(owner: { type: 'user' | 'workspace'; id: string }): AuditActor {
  return owner.type === 'user' ? { type: 'user', id: owner.id } : { type: 'system', id: 'system' };
}

/** One-line form for places that keep a plain string (`createdBy`): `service:<user>` for the service. */
export function actorLabel(actor: ActorInput): string {
  if (typeof actor === 'string') return actor;
  if (actor.type === 'service') return actor.onBehalfOf ? `service:${actor.onBehalfOf}` : 'service';
  return actor.id;
}

/**
 * The actor of a row written before actors were structured (a plain string then): best effort,
 * since such a string could not tell a user named `service:x` from the service.
 */
export function legacyActor(actor: string): AuditActor {
  if (actor === 'system' || actor.startsWith('cli:')) return { type: 'system', id: actor };
  if (actor === 'service') return { type: 'service', id: 'service' };
  if (actor.startsWith('service:')) return { type: 'service', id: 'service', onBehalfOf: actor.slice(8) };
  return { type: 'user', id: actor };
}

export function rowActor(row: {
  actor: string;
  actor_type: string | null;
  actor_for: string | null;
}): AuditActor {
  if (!row.actor_type || !TYPES.has(row.actor_type)) return legacyActor(row.actor);
  const actor: AuditActor = { type: row.actor_type as AuditActorType, id: row.actor };
  if (row.actor_for !== null) actor.onBehalfOf = row.actor_for;
  return actor;
}
