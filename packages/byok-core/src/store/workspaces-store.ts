import type { Owner } from '../crypto/index.js';
import type { SqlClient } from './types.js';

export type WorkspaceRole = 'owner' | 'admin' | 'member';

export interface WorkspaceRow {
  id: string;
  name: string;
  created_by: string;
  created_at: Date;
}

export interface MembershipRow extends WorkspaceRow {
  role: WorkspaceRole;
}

export interface MemberRow {
  user_id: string;
  role: WorkspaceRole;
  created_at: Date;
}

/**
 * `byok.users`, `byok.workspaces` and `byok.workspace_members`. A workspace is the owner of its
 * members: every member read and write names the workspace, so one workspace's call never sees or
 * changes another's members.
 */
export interface WorkspacesStore {
  /** Creates the user's row if missing. */
  ensureUser(db: SqlClient, userId: string): Promise<void>;
  /**
   * Locks the owner's row (user or workspace) until the transaction ends, so that quota checks of
   * two concurrent writes for one owner run one after the other. Returns whether the row exists.
   */
  lockOwner(db: SqlClient, owner: Owner): Promise<boolean>;
  exists(db: SqlClient, workspaceId: string): Promise<boolean>;
  /** Inserts a workspace; returns its creation time. */
  insert(db: SqlClient, row: { id: string; name: string; createdBy: string }): Promise<Date>;
  /** Workspaces the user owns. */
  countOwnedBy(db: SqlClient, userId: string): Promise<number>;
  /** The user's role in the workspace, or null when not a member. */
  role(db: SqlClient, workspaceId: string, userId: string): Promise<WorkspaceRole | null>;
  listForUser(db: SqlClient, userId: string): Promise<MembershipRow[]>;
  listMembers(db: SqlClient, workspaceId: string): Promise<MemberRow[]>;
  /** User ids of the workspace's owners. */
  ownerIds(db: SqlClient, workspaceId: string): Promise<string[]>;
  /** How many members the workspace has and whether `userId` is one. */
  memberCount(
    db: SqlClient,
    workspaceId: string,
    userId: string,
  ): Promise<{ count: number; isMember: boolean }>;
  /** Adds a member or changes their role. */
  upsertMember(db: SqlClient, workspaceId: string, userId: string, role: WorkspaceRole): Promise<void>;
  /** Removes a member of this workspace; false when they were not one. */
  removeMember(db: SqlClient, workspaceId: string, userId: string): Promise<boolean>;
}

export const workspacesStore: WorkspacesStore = {
  async ensureUser(db, userId) {
    await db.query('INSERT INTO byok.users (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [userId]);
  },

  async lockOwner(db, owner) {
    const { rows } = await db.query(
      owner.type === 'user'
        ? 'SELECT 1 FROM byok.users WHERE id = $1 FOR UPDATE'
        : 'SELECT 1 FROM byok.workspaces WHERE id = $1 FOR UPDATE',
      [owner.id],
    );
    return rows.length > 0;
  },

  async exists(db, workspaceId) {
    const { rows } = await db.query('SELECT 1 FROM byok.workspaces WHERE id = $1', [workspaceId]);
    return rows.length > 0;
  },

  async insert(db, row) {
    const { rows } = await db.query<{ created_at: Date }>(
      'INSERT INTO byok.workspaces (id, name, created_by) VALUES ($1, $2, $3) RETURNING created_at',
      [row.id, row.name, row.createdBy],
    );
    return new Date(rows[0]?.created_at ?? Date.now());
  },

  async countOwnedBy(db, userId) {
    const { rows } = await db.query<{ count: string | number }>(
      "SELECT count(*) AS count FROM byok.workspace_members WHERE user_id = $1 AND role = 'owner'",
      [userId],
    );
    return Number(rows[0]?.count ?? 0);
  },

  async role(db, workspaceId, userId) {
    const { rows } = await db.query<{ role: WorkspaceRole }>(
      'SELECT role FROM byok.workspace_members WHERE workspace_id = $1 AND user_id = $2',
      [workspaceId, userId],
    );
    return rows[0]?.role ?? null;
  },

  async listForUser(db, userId) {
    const { rows } = await db.query<MembershipRow>(
      `SELECT w.id, w.name, w.created_by, w.created_at, m.role FROM byok.workspaces w
         JOIN byok.workspace_members m ON m.workspace_id = w.id WHERE m.user_id = $1 ORDER BY w.name, w.id`,
      [userId],
    );
    return rows;
  },

  async listMembers(db, workspaceId) {
    const { rows } = await db.query<MemberRow>(
      'SELECT user_id, role, created_at FROM byok.workspace_members WHERE workspace_id = $1 ORDER BY created_at, user_id',
      [workspaceId],
    );
    return rows;
  },

  async ownerIds(db, workspaceId) {
    const { rows } = await db.query<{ user_id: string }>(
      "SELECT user_id FROM byok.workspace_members WHERE workspace_id = $1 AND role = 'owner'",
      [workspaceId],
    );
    return rows.map((row) => row.user_id);
  },

  async memberCount(db, workspaceId, userId) {
    const { rows } = await db.query<{ count: string | number; already: boolean | null }>(
      'SELECT count(*) AS count, bool_or(user_id = $2) AS already FROM byok.workspace_members WHERE workspace_id = $1',
      [workspaceId, userId],
    );
    return { count: Number(rows[0]?.count ?? 0), isMember: Boolean(rows[0]?.already) };
  },

  async upsertMember(db, workspaceId, userId, role) {
    await db.query(
      `INSERT INTO byok.workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
      [workspaceId, userId, role],
    );
  },

  async removeMember(db, workspaceId, userId) {
    const { rows } = await db.query(
      'DELETE FROM byok.workspace_members WHERE workspace_id = $1 AND user_id = $2 RETURNING 1',
      [workspaceId, userId],
    );
    return rows.length > 0;
  },
};
