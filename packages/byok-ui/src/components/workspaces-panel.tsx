import { useId, useState } from 'react';
import type { Workspace, WorkspaceMember, WorkspaceRole } from '../api/types.js';
import { formatDateTime } from '../format.js';
import { useBYOK } from '../hooks/use-byok.js';
import { useOutcome } from '../hooks/use-outcome.js';
import { useMembers, useWorkspaces } from '../hooks/use-workspaces.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { DataTable, Field, PanelToolbar, TextField } from './form-parts.js';
import { EmptyState, Notice, ResourceStates } from './states.js';
import { RowButton } from './table.js';

const ROLES: readonly WorkspaceRole[] = ['member', 'admin', 'owner'];
const ROLE_HELP: Record<WorkspaceRole, string> = {
  member: 'uses the workspace’s keys',
  admin: 'also manages keys, alerts, gateway tokens and members',
  owner: 'also manages admins and owners',
};

/**
 * Workspaces: create one, switch the dashboard to it (its keys, usage, alerts and tokens), and
 * manage its members and their roles.
 */
export function WorkspacesPanel() {
  const { workspaceId, setWorkspaceId } = useBYOK();
  const workspaces = useWorkspaces();
  const list = workspaces.data ?? [];
  const [managing, setManaging] = useState<string | undefined>(workspaceId);
  const managed = list.find((w) => w.id === (managing ?? workspaceId));

  return (
    <div className="byok-stack">
      <PanelToolbar title="Workspaces" />
      <CreateWorkspaceForm
        onCreated={(workspace) => {
          setManaging(workspace.id);
        }}
      />
      <ResourceStates
        resource={workspaces}
        loadingLabel="Loading workspaces…"
        errorTitle="Could not load your workspaces"
        empty={
          <EmptyState title="No workspaces yet">
            <p>A workspace holds keys that its members share. Create one above.</p>
          </EmptyState>
        }
      />
      {list.length > 0 ? (
        <DataTable caption="Your workspaces" columns={['Workspace', 'Your role', 'Created']}>
          {list.map((workspace) => {
            const current = workspace.id === workspaceId;
            return (
              <tr key={workspace.id}>
                <td>
                  <span className="byok-alias">{workspace.name}</span>{' '}
                  {current ? <span className="byok-badge byok-badge--primary">current</span> : null}
                </td>
                <td data-label="Your role">{workspace.role}</td>
                <td data-label="Created">{formatDateTime(workspace.createdAt)}</td>
                <td className="byok-table__actions">
                  <div className="byok-row-actions">
                    <RowButton
                      label={`Switch to ${workspace.name}`}
                      disabled={current}
                      onClick={() => setWorkspaceId(workspace.id)}
                    >
                      {current ? 'Current' : 'Switch to'}
                    </RowButton>
                    <RowButton
                      label={`Members of ${workspace.name}`}
                      pressed={managed?.id === workspace.id}
                      onClick={() => setManaging(workspace.id)}
                    >
                      Members
                    </RowButton>
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      ) : null}
      {workspaceId ? (
        <p>
          <button type="button" className="byok-button" onClick={() => setWorkspaceId(undefined)}>
            Back to my own keys
          </button>
        </p>
      ) : null}
      {managed ? <MembersCard workspace={managed} /> : null}
    </div>
  );
}

function CreateWorkspaceForm({ onCreated }: { onCreated(workspace: Workspace): void }) {
  const { client } = useBYOK();
  const id = useId();
  const [name, setName] = useState('');
  const { busy, outcome, submitText } = useOutcome();

  const submit = submitText(name, 'Give the workspace a name.', async (trimmed) => {
    const workspace = await client.createWorkspace(trimmed);
    setName('');
    onCreated(workspace);
    return `Workspace “${workspace.name}” created. You are its owner.`;
  });

  return (
    <form className="byok-card byok-form" aria-label="Create a workspace" onSubmit={submit} noValidate>
      <h3 className="byok-card__title">Create a workspace</h3>
      <div className="byok-input-row byok-input-row--end">
        <TextField id={`${id}-name`} label="Workspace name" value={name} maxLength={100} onChange={setName} />
        <button type="submit" className="byok-button byok-button--primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create workspace'}
        </button>
      </div>
      {outcome ? <Notice tone={outcome.tone}>{outcome.text}</Notice> : null}
    </form>
  );
}

function MembersCard({ workspace }: { workspace: Workspace }) {
  const { client } = useBYOK();
  const members = useMembers(workspace.id);
  const titleId = useId();
  const id = useId();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('member');
  const { busy, outcome, run: act, submitText } = useOutcome();
  const [removing, setRemoving] = useState<WorkspaceMember | undefined>();
  const canManage = workspace.role === 'owner' || workspace.role === 'admin';

  const add = submitText(userId, 'Enter the user id of the person to add.', async (trimmed) => {
    await client.setMember(workspace.id, trimmed, role);
    setUserId('');
    return `${trimmed} joined ${workspace.name} with the ${role} role.`;
  });

  return (
    <section className="byok-card byok-stack" aria-labelledby={titleId}>
      <h3 id={titleId} className="byok-card__title">
        Members of {workspace.name}
      </h3>
      <ResourceStates
        resource={members}
        loadingLabel="Loading members…"
        errorTitle="Could not load the members"
      />
      {outcome ? <Notice tone={outcome.tone}>{outcome.text}</Notice> : null}
      {members.data ? (
        <DataTable caption={`Members of ${workspace.name}`} columns={['User', 'Role', 'Added']} compact>
          {members.data.map((member) => (
            <tr key={member.userId}>
              <td>
                <code>{member.userId}</code>
              </td>
              <td data-label="Role">
                {canManage ? (
                  <select
                    className="byok-input"
                    aria-label={`Role of ${member.userId}`}
                    value={member.role}
                    disabled={busy}
                    onChange={(e) => {
                      const next = e.target.value as WorkspaceRole;
                      void act(async () => {
                        await client.setMember(workspace.id, member.userId, next);
                        return `${member.userId} now has the ${next} role.`;
                      });
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                ) : (
                  member.role
                )}
              </td>
              <td data-label="Added">{formatDateTime(member.addedAt)}</td>
              <td className="byok-table__actions">
                {canManage ? (
                  <RowButton
                    label={`Remove ${member.userId}`}
                    danger
                    disabled={busy}
                    onClick={() => setRemoving(member)}
                  >
                    Remove
                  </RowButton>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {canManage ? (
        <form className="byok-form" aria-label="Add a member" onSubmit={add} noValidate>
          <h4 className="byok-subtitle">Add a member</h4>
          <div className="byok-form__row">
            <TextField
              id={`${id}-user`}
              label="User id"
              value={userId}
              maxLength={255}
              autoComplete="off"
              onChange={setUserId}
            />
            <Field id={`${id}-role`} label="Role">
              <select
                id={`${id}-role`}
                className="byok-input"
                value={role}
                aria-describedby={`${id}-role-help`}
                onChange={(e) => setRole(e.target.value as WorkspaceRole)}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <span id={`${id}-role-help`} className="byok-muted">
                A {role} {ROLE_HELP[role]}.
              </span>
            </Field>
          </div>
          <div className="byok-actions">
            <button type="submit" className="byok-button byok-button--primary" disabled={busy}>
              Add member
            </button>
          </div>
        </form>
      ) : (
        <p className="byok-muted">Only the workspace’s admins and owners can change its members.</p>
      )}
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.userId} from ${workspace.name}?`}
          confirmLabel="Remove member"
          onConfirm={() => {
            const target = removing;
            setRemoving(undefined);
            void act(async () => {
              await client.removeMember(workspace.id, target.userId);
              return `${target.userId} was removed.`;
            });
          }}
          onCancel={() => setRemoving(undefined)}
        >
          <p>They lose access to the workspace’s keys at once.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
