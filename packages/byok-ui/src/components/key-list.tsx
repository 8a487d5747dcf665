import { type ReactNode, useId, useMemo, useState } from 'react';
import type { Key, KeyData, KeyTestResult, ListKeysFilter } from '../api/types.js';
import {
  cleanKeyData,
  credentialProblems,
  DEFAULT_PROVIDERS,
  environmentLabel,
  formFields,
  providerName,
} from '../credentials.js';
import { formatDateTime, formatRelative, healthLabel } from '../format.js';
import { useKeyActions } from '../hooks/use-key-actions.js';
import { useKeys } from '../hooks/use-keys.js';
import { useOutcome } from '../hooks/use-outcome.js';
import { useProviders } from '../hooks/use-providers.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { CredentialFields } from './credential-fields.js';
import { FillBar } from './fill-bar.js';
import { FormDialog } from './form-parts.js';
import { EditKeyDialog, RevokeKeyDialog } from './key-edit-dialogs.js';
import { EmptyState, ErrorState, errorMessage, LoadingState, Notice } from './states.js';
import { RowButton } from './table.js';
import { TestResultText } from './test-result.js';

/**
 * Tells the user which keys a security incident marked compromised: they are no longer used until
 * the user revokes them at the provider and enters a new secret (Replace secret).
 */
function CompromisedBanner({
  keys,
  providers,
}: {
  keys: readonly Key[];
  providers: Parameters<typeof providerName>[0];
}) {
  const compromised = keys.filter((key) => key.status === 'compromised');
  if (compromised.length === 0) return null;
  return (
    <div className="byok-notice byok-notice--error byok-incident" role="alert">
      <p className="byok-state__title">
        {compromised.length === 1 ? 'One key needs' : `${compromised.length} keys need`} replacing after a
        security incident
      </p>
      <p>
        They are no longer used. Revoke each one at its provider, create a new one there, and enter it here
        with Replace secret.
      </p>
      <ul>
        {compromised.map((key) => (
          <li key={key.id}>
            {providerName(providers, key.provider)} — {key.alias ?? key.keyHint}
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface KeyListProps {
  /** Show each key's health score and last validation. Default true. */
  showHealthStatus?: boolean | undefined;
  /** Checkboxes to test, enable, disable or delete several keys at once. Default false. */
  enableBulkActions?: boolean | undefined;
  /** Makes each key's name a button that calls this. */
  onKeySelect?: ((key: Key) => void) | undefined;
  /** Only these keys. */
  filter?: ListKeysFilter | undefined;
  /** Shown in the empty state (e.g. an "Add key" button). */
  emptyAction?: ReactNode;
}

type RowResult =
  | { kind: 'test'; result: KeyTestResult }
  | { kind: 'error'; message: string }
  | { kind: 'info'; message: string };

type Pending =
  | { kind: 'delete'; keys: Key[] }
  | { kind: 'replace'; key: Key }
  | { kind: 'edit'; key: Key }
  | { kind: 'revoke'; key: Key };

/** A dialog about one key. */
type KeyDialog = Exclude<Pending, { kind: 'delete' }>;

/** What a key's row says once its dialog's write is done. */
const DONE: Record<KeyDialog['kind'], string> = {
  edit: 'Changes saved.',
  revoke: 'Revoked: this key is never used again.',
  replace: 'Secret replaced. Test the key to check the new one.',
};

/** A key's name for people: its alias, or provider and masked hint. */
export function keyName(key: Key, providers?: Parameters<typeof providerName>[0]): string {
  return key.alias ?? `${providerName(providers, key.provider)} ${key.keyHint}`;
}

/**
 * The keys of the current scope with their status and health, and per-key Test, Enable/Disable,
 * Edit (alias, description, priority), Replace secret, Revoke (with a reason) and Delete (after a
 * confirmation). Secrets are never shown: only the masked hint.
 *
 * @example
 * <KeyList showHealthStatus={true} enableBulkActions={true} onKeySelect={(key) => setSelectedKey(key)} />
 */
export function KeyList({
  showHealthStatus = true,
  enableBulkActions = false,
  onKeySelect,
  filter,
  emptyAction,
}: KeyListProps) {
  const keys = useKeys(filter);
  const providers = useProviders();
  const actions = useKeyActions();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<Record<string, RowResult>>({});
  const [pending, setPending] = useState<Pending | undefined>();
  const [bulkNotice, setBulkNotice] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();
  const captionId = useId();

  const list = keys.data ?? [];
  const visibleSelected = useMemo(() => list.filter((key) => selected.has(key.id)), [list, selected]);

  const setRowBusy = (ids: string[], on: boolean) =>
    setBusy((previous) => {
      const next = new Set(previous);
      for (const id of ids) on ? next.add(id) : next.delete(id);
      return next;
    });
  const setResult = (id: string, result: RowResult | undefined) =>
    setResults((previous) => {
      const next = { ...previous };
      if (result) next[id] = result;
      else delete next[id];
      return next;
    });

  /** Runs one action on one key, showing its outcome on the row; true when it worked. */
  const run = async (key: Key, work: () => Promise<RowResult | undefined>): Promise<boolean> => {
    setRowBusy([key.id], true);
    try {
      setResult(key.id, await work());
      return true;
    } catch (error) {
      setResult(key.id, { kind: 'error', message: errorMessage(error) });
      return false;
    } finally {
      setRowBusy([key.id], false);
    }
  };

  const test = (key: Key) => run(key, async () => ({ kind: 'test', result: await actions.test(key.id) }));
  const toggle = (key: Key) =>
    run(key, async () => {
      const enable = key.status === 'disabled';
      await actions.setEnabled(key.id, enable);
      return {
        kind: 'info',
        message: enable ? 'Enabled.' : 'Disabled: this key is not used until you enable it.',
      };
    });

  /** Toggles the keys in `status`; the others are left as they are. */
  const toggleFrom = (status: Key['status']) => (key: Key) =>
    key.status === status ? toggle(key) : Promise.resolve(true);
  const bulkActions: [verb: string, work: (key: Key) => Promise<boolean>][] = [
    ['Test', test],
    ['Enable', toggleFrom('disabled')],
    ['Disable', toggleFrom('active')],
  ];
  const bulk = async (label: string, work: (key: Key) => Promise<boolean>) => {
    const targets = visibleSelected;
    setBulkNotice(undefined);
    let ok = 0;
    for (const key of targets) if (await work(key)) ok += 1;
    const failed = targets.length - ok;
    setBulkNotice(
      failed === 0
        ? { tone: 'success', text: `${label}: done for ${ok} key${ok === 1 ? '' : 's'}.` }
        : { tone: 'error', text: `${label}: ${ok} done, ${failed} failed (see the rows).` },
    );
  };

  /**
   * Waits for a dialog's write (a failure stays in the dialog), then notes what was done on the
   * key's row and closes the dialog.
   */
  const finish = async ({ kind, key }: KeyDialog, work: Promise<unknown>) => {
    await work;
    setResult(key.id, { kind: 'info', message: DONE[kind] });
    setPending(undefined);
  };

  const confirmDelete = async (targets: Key[]) => {
    setPending(undefined);
    let ok = 0;
    for (const key of targets) {
      const removed = await run(key, async () => {
        await actions.remove(key.id);
        return undefined;
      });
      if (removed) ok += 1;
    }
    setSelected((previous) => {
      const next = new Set(previous);
      for (const key of targets) next.delete(key.id);
      return next;
    });
    const failed = targets.length - ok;
    setBulkNotice(
      failed === 0
        ? { tone: 'success', text: `Deleted ${ok} key${ok === 1 ? '' : 's'}.` }
        : { tone: 'error', text: `Deleted ${ok}; ${failed} could not be deleted (see the rows).` },
    );
  };

  if (keys.loading && !keys.data) return <LoadingState label="Loading keys…" />;
  if (keys.error && !keys.data)
    return <ErrorState title="Could not load your keys" error={keys.error} onRetry={keys.reload} />;
  if (list.length === 0) {
    return (
      <EmptyState title="No keys yet">
        <p>Add a provider key to start. It is stored encrypted; only a masked hint is ever shown.</p>
        {emptyAction}
      </EmptyState>
    );
  }

  const allSelected = visibleSelected.length === list.length;
  const providerList = providers.data ?? DEFAULT_PROVIDERS;

  return (
    <div className="byok byok-keylist">
      {keys.error ? (
        <ErrorState title="Could not refresh the list" error={keys.error} onRetry={keys.reload} />
      ) : null}
      {bulkNotice ? <Notice tone={bulkNotice.tone}>{bulkNotice.text}</Notice> : null}
      <CompromisedBanner keys={list} providers={providerList} />
      {enableBulkActions ? (
        <div className="byok-bulkbar">
          <label className="byok-check">
            <input
              type="checkbox"
              checked={allSelected}
              ref={(el) => {
                if (el) el.indeterminate = visibleSelected.length > 0 && !allSelected;
              }}
              onChange={() => setSelected(allSelected ? new Set() : new Set(list.map((key) => key.id)))}
            />
            Select all keys
          </label>
          {visibleSelected.length > 0 ? (
            <fieldset className="byok-bulkbar__actions">
              <legend className="byok-bulkbar__count">{visibleSelected.length} selected</legend>
              {bulkActions.map(([verb, work]) => (
                <button
                  key={verb}
                  type="button"
                  className="byok-button byok-button--small"
                  onClick={() => bulk(verb, work)}
                >
                  {verb} selected
                </button>
              ))}
              <button
                type="button"
                className="byok-button byok-button--small byok-button--danger"
                onClick={() => setPending({ kind: 'delete', keys: visibleSelected })}
              >
                Delete selected
              </button>
            </fieldset>
          ) : null}
        </div>
      ) : null}

      <table className="byok-table" aria-labelledby={captionId}>
        <caption id={captionId} className="byok-sr-only">
          Stored keys
        </caption>
        <thead>
          <tr>
            {enableBulkActions ? (
              <th scope="col">
                <span className="byok-sr-only">Selected</span>
              </th>
            ) : null}
            <th scope="col">Key</th>
            <th scope="col">Environment</th>
            <th scope="col">Status</th>
            {showHealthStatus ? <th scope="col">Health</th> : null}
            {showHealthStatus ? <th scope="col">Last validated</th> : null}
            <th scope="col">
              <span className="byok-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((key) => {
            const name = keyName(key, providerList);
            const rowBusy = busy.has(key.id);
            const result = results[key.id];
            const revoked = key.status === 'revoked';
            const toggleVerb = key.status === 'disabled' ? 'Enable' : 'Disable';
            return (
              <tr key={key.id} aria-busy={rowBusy || undefined}>
                {enableBulkActions ? (
                  <td className="byok-table__select">
                    <input
                      type="checkbox"
                      aria-label={`Select ${name}`}
                      checked={selected.has(key.id)}
                      onChange={() =>
                        setSelected((previous) => {
                          const next = new Set(previous);
                          next.has(key.id) ? next.delete(key.id) : next.add(key.id);
                          return next;
                        })
                      }
                    />
                  </td>
                ) : null}
                <td>
                  <div className="byok-table__key">
                    <span className="byok-provider">{providerName(providerList, key.provider)}</span>
                    {onKeySelect ? (
                      <button type="button" className="byok-link" onClick={() => onKeySelect(key)}>
                        {key.alias ?? 'Unnamed key'}
                      </button>
                    ) : (
                      <span className="byok-alias">{key.alias ?? 'Unnamed key'}</span>
                    )}
                    <code className="byok-hint" title="Masked: the secret is never shown">
                      {key.keyHint}
                    </code>
                    {key.description ? (
                      <span className="byok-muted byok-description">{key.description}</span>
                    ) : null}
                    <span className="byok-muted">Priority {key.priority}</span>
                  </div>
                </td>
                <td data-label="Environment">{environmentLabel(key.environment)}</td>
                <td data-label="Status">
                  <span className={`byok-badge byok-badge--${key.status}`}>{key.status}</span>
                  {key.revokedAt ? (
                    <span className="byok-muted byok-revoked-at">
                      {' '}
                      <time dateTime={key.revokedAt}>{formatDateTime(key.revokedAt)}</time>
                    </span>
                  ) : null}
                </td>
                {showHealthStatus ? (
                  <td data-label="Health">
                    <HealthScore score={key.healthScore} />
                  </td>
                ) : null}
                {showHealthStatus ? (
                  <td data-label="Last validated">
                    {key.lastValidatedAt ? (
                      <time dateTime={key.lastValidatedAt} title={formatDateTime(key.lastValidatedAt)}>
                        {formatRelative(key.lastValidatedAt)}
                      </time>
                    ) : (
                      'Never'
                    )}
                  </td>
                ) : null}
                <td className="byok-table__actions">
                  <div className="byok-row-actions">
                    {revoked ? null : (
                      <>
                        <RowButton label={`Test ${name}`} disabled={rowBusy} onClick={() => test(key)}>
                          {rowBusy ? 'Working…' : 'Test'}
                        </RowButton>
                        <RowButton
                          label={`${toggleVerb} ${name}`}
                          disabled={rowBusy}
                          onClick={() => toggle(key)}
                        >
                          {toggleVerb}
                        </RowButton>
                        <RowButton
                          label={`Replace secret of ${name}`}
                          disabled={rowBusy}
                          onClick={() => setPending({ kind: 'replace', key })}
                        >
                          Replace secret
                        </RowButton>
                        <RowButton
                          label={`Edit ${name}`}
                          disabled={rowBusy}
                          onClick={() => setPending({ kind: 'edit', key })}
                        >
                          Edit
                        </RowButton>
                        <RowButton
                          label={`Revoke ${name}`}
                          danger
                          disabled={rowBusy}
                          onClick={() => setPending({ kind: 'revoke', key })}
                        >
                          Revoke
                        </RowButton>
                      </>
                    )}
                    <RowButton
                      label={`Delete ${name}`}
                      danger
                      disabled={rowBusy}
                      onClick={() => setPending({ kind: 'delete', keys: [key] })}
                    >
                      Delete
                    </RowButton>
                  </div>
                  {result ? (
                    <div className={`byok-row-result byok-row-result--${rowTone(result)}`} role="status">
                      {result.kind === 'test' ? <TestResultText result={result.result} /> : result.message}
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      {pending?.kind === 'delete' ? (
        <DeleteDialog
          keys={pending.keys}
          providers={providerList}
          onCancel={() => setPending(undefined)}
          onConfirm={() => confirmDelete(pending.keys)}
        />
      ) : null}
      {pending?.kind === 'edit' ? (
        <EditKeyDialog
          keyToEdit={pending.key}
          name={keyName(pending.key, providerList)}
          onClose={() => setPending(undefined)}
          onSave={(patch) => finish(pending, actions.edit(pending.key.id, patch))}
        />
      ) : null}
      {pending?.kind === 'revoke' ? (
        <RevokeKeyDialog
          name={keyName(pending.key, providerList)}
          onClose={() => setPending(undefined)}
          onRevoke={(reason) => finish(pending, actions.revoke(pending.key.id, reason))}
        />
      ) : null}
      {pending?.kind === 'replace' ? (
        <ReplaceSecretDialog
          keyToReplace={pending.key}
          onClose={() => setPending(undefined)}
          onReplace={(keyData) => finish(pending, actions.replaceSecret(pending.key.id, keyData))}
        />
      ) : null}
    </div>
  );
}

function rowTone(result: RowResult): 'success' | 'error' | 'info' {
  if (result.kind === 'error') return 'error';
  if (result.kind === 'test') return result.result.isValid ? 'success' : 'error';
  return 'info';
}

/** A score out of 100 as text and a bar. */
export function HealthScore({ score }: { score: number }) {
  const rounded = Math.max(0, Math.min(100, Math.round(score)));
  const label = healthLabel(rounded);
  return (
    <FillBar percent={rounded} tone={label}>
      {rounded}/100 <span className="byok-muted">({label})</span>
    </FillBar>
  );
}

function DeleteDialog({
  keys,
  providers,
  onCancel,
  onConfirm,
}: {
  keys: Key[];
  providers: Parameters<typeof providerName>[0];
  onCancel(): void;
  onConfirm(): void;
}) {
  const one = keys.length === 1 ? keys[0] : undefined;
  return (
    <ConfirmDialog
      title={one ? `Delete ${keyName(one, providers)}?` : `Delete ${keys.length} keys?`}
      confirmLabel={one ? 'Delete key' : `Delete ${keys.length} keys`}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>
        Requests that use {one ? 'this key' : 'these keys'} will stop working, or fall back to another key.
        This cannot be undone.
      </p>
      {one ? null : (
        <ul>
          {keys.map((key) => (
            <li key={key.id}>{keyName(key, providers)}</li>
          ))}
        </ul>
      )}
    </ConfirmDialog>
  );
}

function ReplaceSecretDialog({
  keyToReplace,
  onClose,
  onReplace,
}: {
  keyToReplace: Key;
  onClose(): void;
  onReplace(keyData: KeyData): Promise<void>;
}) {
  const providers = useProviders();
  const idPrefix = useId();
  const [values, setValues] = useState<KeyData>({});
  const [submitted, setSubmitted] = useState(false);
  const form = useOutcome();
  const provider = (providers.data ?? DEFAULT_PROVIDERS).find((p) => p.id === keyToReplace.provider);
  const fields = provider ? formFields(provider) : [];
  const problems = credentialProblems(keyToReplace.provider, fields, values);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(problems).length > 0 || form.busy) return;
    void form.run(async () => {
      await onReplace(cleanKeyData(values));
      setValues({});
    });
  };

  return (
    <FormDialog
      title={`Replace the secret of ${keyToReplace.alias ?? keyToReplace.keyHint}`}
      formId={`${idPrefix}-form`}
      state={form}
      submitLabel="Save new secret"
      busyLabel="Saving…"
      onClose={onClose}
      onSubmit={submit}
    >
      <p className="byok-muted">
        The old secret is overwritten. The new one is stored encrypted and never shown again.
      </p>
      <CredentialFields
        provider={keyToReplace.provider}
        fields={fields}
        values={values}
        onChange={(name, value) => setValues((previous) => ({ ...previous, [name]: value }))}
        submitProblems={submitted ? problems : {}}
        idPrefix={idPrefix}
      />
    </FormDialog>
  );
}
