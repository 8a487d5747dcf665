import { z } from 'zod';
import type { AuditLog, RequestContext } from '../audit/index.js';
import { BYOKError, parseInput } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { DEFAULT_QUOTAS, type Quotas, quotaExceeded } from '../quotas/index.js';
import type { Database } from '../store/types.js';
import { createWorkspaceSchema as createSchema, workspaceRoleSchema as roleSchema } from './schemas.js';

export type WorkspaceRole = 'owner' | 'admin' | 'member';

export interface Workspace {
  id: string;
  name: string;
  createdBy: string;
  createdAt: Date;
  role?: WorkspaceRole;
}

export interface WorkspaceMember {
  userId: string;
  role: WorkspaceRole;
  addedAt: Date;
}

/** Workspaces and their members. Members use a workspace's keys; admins and owners manage them. */
export class WorkspaceService {
  readonly #db: Database;
  readonly #audit: AuditLog;
  readonly #quotas: Pick<Quotas, 'maxWorkspacesPerUser' | 'maxMembersPerWorkspace'>;

  constructor(
    db: Database,
    audit: AuditLog,
    quotas: Pick<Quotas, 'maxWorkspacesPerUser' | 'maxMembersPerWorkspace'> = DEFAULT_QUOTAS,
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#quotas = quotas;
  }

  async createWorkspace(
    input: { name: string; ownerUserId: string },
    context?: RequestContext,
  ): Promise<Workspace> {
    const { name, ownerUserId } = parseInput(createSchema, input, 'workspace');
    const id = newId('ws');
    return this.#db.transaction(async (tx) => {
      await tx.query('INSERT INTO byok.users (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [ownerUserId]);
      // The user's row lock makes two concurrent creations count one after the other.
      await tx.query('SELECT 1 FROM byok.users WHERE id = $1 FOR UPDATE', [ownerUserId]);
      const { rows: owned } = await tx.query<{ count: string | number }>(
        "SELECT count(*) AS count FROM byok.workspace_members WHERE user_id = $1 AND role = 'owner'",
        [ownerUserId],
      );
      const limit = this.#quotas.maxWorkspacesPerUser;
      if (Number(owned[0]?.count ?? 0) >= limit) {
        throw quotaExceeded(
          `This user already owns ${limit} workspaces, the most allowed`,
          'maxWorkspacesPerUser',
          limit,
        );
      }
      const { rows } = await tx.query<{ created_at: Date }>(
        'INSERT INTO byok.workspaces (id, name, created_by) VALUES ($1, $2, $3) RETURNING created_at',
        [id, name, ownerUserId],
      );
      await tx.query(
        "INSERT INTO byok.workspace_members (workspace_id, user_id, role) VALUES ($1, $2, 'owner')",
        [id, ownerUserId],
      );
      await this.#audit.append(tx, {
        action: 'workspace.created',
        targetType: 'workspace',
        targetId: id,
        owner: { type: 'workspace', id },
        context: { ...context, actor: context?.actor ?? ownerUserId },
        details: { name },
      });
      return {
        id,
        name,
        createdBy: ownerUserId,
        createdAt: new Date(rows[0]?.created_at ?? Date.now()),
        role: 'owner',
      };
    });
  }

  /** The user's role in the workspace, or null when they are not a member (or it does not exist). */
  async getRole(workspaceId: string, userId: string): Promise<WorkspaceRole | null> {
    const { rows } = await this.#db.query<{ role: WorkspaceRole }>(
      'SELECT role FROM byok.workspace_members WHERE workspace_id = $1 AND user_id = $2',
      [workspaceId, userId],
    );
    return rows[0]?.role ?? null;
  }

  async listForUser(userId: string): Promise<Workspace[]> {
    const { rows } = await this.#db.query<{
      id: string;
      name: string;
      created_by: string;
      created_at: Date;
      role: WorkspaceRole;
    }>(
      `SELECT w.id, w.name, w.created_by, w.created_at, m.role FROM byok.workspaces w
         JOIN byok.workspace_members m ON m.workspace_id = w.id WHERE m.user_id = $1 ORDER BY w.name, w.id`,
      [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at),
      role: r.role,
    }));
  }

  async listMembers(workspaceId: string): Promise<WorkspaceMember[]> {
    const { rows } = await this.#db.query<{ user_id: string; role: WorkspaceRole; created_at: Date }>(
      'SELECT user_id, role, created_at FROM byok.workspace_members WHERE workspace_id = $1 ORDER BY created_at, user_id',
      [workspaceId],
    );
    return rows.map((r) => ({ userId: r.user_id, role: r.role, addedAt: new Date(r.created_at) }));
  }

  async addMember(
    workspaceId: string,
    userId: string,
    role: WorkspaceRole,
    context?: RequestContext,
  ): Promise<void> {
    const parsedRole = parseInput(roleSchema, role, 'role');
    parseInput(z.string().min(1).max(255), userId, 'userId');
    await this.#db.transaction(async (tx) => {
      const { rows } = await tx.query('SELECT 1 FROM byok.workspaces WHERE id = $1 FOR UPDATE', [
        workspaceId,
      ]);
      if (rows.length === 0) throw new BYOKError('NOT_FOUND', `Workspace ${workspaceId} not found`);
      // The workspace row lock above serialises membership changes, so this check cannot race.
      const { rows: owners } = await tx.query<{ user_id: string }>(
        "SELECT user_id FROM byok.workspace_members WHERE workspace_id = $1 AND role = 'owner'",
        [workspaceId],
      );
      if (parsedRole !== 'owner' && owners.length === 1 && owners[0]?.user_id === userId) {
        throw new BYOKError('CONFLICT', 'The last owner of a workspace cannot be demoted');
      }
      const { rows: members } = await tx.query<{ count: string | number; already: boolean }>(
        'SELECT count(*) AS count, bool_or(user_id = $2) AS already FROM byok.workspace_members WHERE workspace_id = $1',
        [workspaceId, userId],
      );
      const limit = this.#quotas.maxMembersPerWorkspace;
      if (!members[0]?.already && Number(members[0]?.count ?? 0) >= limit) {
        throw quotaExceeded(
          `Workspace ${workspaceId} already has ${limit} members, the most allowed`,
          'maxMembersPerWorkspace',
          limit,
        );
      }
      await tx.query('INSERT INTO byok.users (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [userId]);
      await tx.query(
        `INSERT INTO byok.workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
        [workspaceId, userId, parsedRole],
      );
      await this.#audit.append(tx, {
        action: 'workspace.member_added',
        targetType: 'workspace',
        targetId: workspaceId,
        owner: { type: 'workspace', id: workspaceId },
        context: context ?? {},
        details: { userId, role: parsedRole },
      });
    });
  }

  async removeMember(workspaceId: string, userId: string, context?: RequestContext): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM byok.workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
      const { rows: owners } = await tx.query<{ user_id: string }>(
        "SELECT user_id FROM byok.workspace_members WHERE workspace_id = $1 AND role = 'owner'",
        [workspaceId],
      );
      if (owners.length === 1 && owners[0]?.user_id === userId) {
        throw new BYOKError('CONFLICT', 'The last owner of a workspace cannot be removed');
      }
      const { rows } = await tx.query(
        'DELETE FROM byok.workspace_members WHERE workspace_id = $1 AND user_id = $2 RETURNING 1',
        [workspaceId, userId],
      );
      if (rows.length === 0)
        throw new BYOKError('NOT_FOUND', `User ${userId} is not a member of workspace ${workspaceId}`);
      await this.#audit.append(tx, {
        action: 'workspace.member_removed',
        targetType: 'workspace',
        targetId: workspaceId,
        owner: { type: 'workspace', id: workspaceId },
        context: context ?? {},
        details: { userId },
      });
    });
  }
}
