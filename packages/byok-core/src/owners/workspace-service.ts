import { z } from 'zod';
import type { AuditLog, RequestContext } from '../audit/index.js';
import { BYOKError, parseInput } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { DEFAULT_QUOTAS, type Quotas, quotaExceeded } from '../quotas/index.js';
import type { Database, SqlClient } from '../store/types.js';
import { type WorkspaceRole, workspacesStore } from '../store/workspaces-store.js';
import { createWorkspaceSchema as createSchema, workspaceRoleSchema as roleSchema } from './schemas.js';

export type { WorkspaceRole };

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
      await workspacesStore.ensureUser(tx, ownerUserId);
      // The user's row lock makes two concurrent creations count one after the other.
      await workspacesStore.lockOwner(tx, { type: 'user', id: ownerUserId });
      const limit = this.#quotas.maxWorkspacesPerUser;
      if ((await workspacesStore.countOwnedBy(tx, ownerUserId)) >= limit) {
        throw quotaExceeded(
          `This user already owns ${limit} workspaces, the most allowed`,
          'maxWorkspacesPerUser',
          limit,
        );
      }
      const createdAt = await workspacesStore.insert(tx, { id, name, createdBy: ownerUserId });
      await workspacesStore.upsertMember(tx, id, ownerUserId, 'owner');
      await this.#record(
        tx,
        'workspace.created',
        id,
        { ...context, actor: context?.actor ?? ownerUserId },
        { name },
      );
      return {
        id,
        name,
        createdBy: ownerUserId,
        createdAt,
        role: 'owner',
      };
    });
  }

  /** The user's role in the workspace, or null when they are not a member (or it does not exist). */
  async getRole(workspaceId: string, userId: string): Promise<WorkspaceRole | null> {
    return workspacesStore.role(this.#db, workspaceId, userId);
  }

  async listForUser(userId: string): Promise<Workspace[]> {
    const rows = await workspacesStore.listForUser(this.#db, userId);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at),
      role: r.role,
    }));
  }

  async listMembers(workspaceId: string): Promise<WorkspaceMember[]> {
    const rows = await workspacesStore.listMembers(this.#db, workspaceId);
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
      if (!(await workspacesStore.lockOwner(tx, { type: 'workspace', id: workspaceId })))
        throw new BYOKError('NOT_FOUND', `Workspace ${workspaceId} not found`);
      // The workspace row lock above serialises membership changes, so this check cannot race.
      const owners = await workspacesStore.ownerIds(tx, workspaceId);
      if (parsedRole !== 'owner' && owners.length === 1 && owners[0] === userId) {
        throw new BYOKError('CONFLICT', 'The last owner of a workspace cannot be demoted');
      }
      const members = await workspacesStore.memberCount(tx, workspaceId, userId);
      const limit = this.#quotas.maxMembersPerWorkspace;
      if (!members.isMember && members.count >= limit) {
        throw quotaExceeded(
          `Workspace ${workspaceId} already has ${limit} members, the most allowed`,
          'maxMembersPerWorkspace',
          limit,
        );
      }
      await workspacesStore.ensureUser(tx, userId);
      await workspacesStore.upsertMember(tx, workspaceId, userId, parsedRole);
      await this.#record(tx, 'workspace.member_added', workspaceId, context ?? {}, {
        userId,
        role: parsedRole,
      });
    });
  }

  async removeMember(workspaceId: string, userId: string, context?: RequestContext): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await workspacesStore.lockOwner(tx, { type: 'workspace', id: workspaceId });
      const owners = await workspacesStore.ownerIds(tx, workspaceId);
      if (owners.length === 1 && owners[0] === userId) {
        throw new BYOKError('CONFLICT', 'The last owner of a workspace cannot be removed');
      }
      if (!(await workspacesStore.removeMember(tx, workspaceId, userId)))
        throw new BYOKError('NOT_FOUND', `User ${userId} is not a member of workspace ${workspaceId}`);
      await this.#record(tx, 'workspace.member_removed', workspaceId, context ?? {}, { userId });
    });
  }

  /** The audit entry of a change to a workspace, in the change's transaction. */
  #record(
    tx: SqlClient,
    action: 'workspace.created' | 'workspace.member_added' | 'workspace.member_removed',
    workspaceId: string,
    context: RequestContext,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.#audit.append(tx, {
      action,
      targetType: 'workspace',
      targetId: workspaceId,
      owner: { type: 'workspace', id: workspaceId },
      context,
      details,
    });
  }
}
