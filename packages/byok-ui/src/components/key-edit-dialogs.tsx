import { type FormEvent, useId, useState } from 'react';
import type { Key, UpdateKeyInput } from '../api/types.js';
import { Field, FormDialog } from './form-parts.js';
import { errorMessage, Notice } from './states.js';

/** The parts of a key people may rename or reorder; the secret is changed with Replace secret. */
export type KeyDetailsPatch = Pick<UpdateKeyInput, 'alias' | 'description' | 'priority'>;

const MAX_ALIAS = 100;
const MAX_DESCRIPTION = 500;

/** Alias, description and priority of one key; only the fields that changed are sent. */
export function EditKeyDialog({
  keyToEdit,
  name,
  onClose,
  onSave,
}: {
  keyToEdit: Key;
  name: string;
  onClose(): void;
  onSave(patch: KeyDetailsPatch): Promise<void>;
}) {
  const id = useId();
  const [alias, setAlias] = useState(keyToEdit.alias ?? '');
  const [description, setDescription] = useState(keyToEdit.description ?? '');
  const [priority, setPriority] = useState(
    keyToEdit.priority === undefined ? '' : String(keyToEdit.priority),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const formId = `${id}-form`;
  const priorityValue = priority.trim() === '' ? undefined : Number(priority);
  const priorityProblem =
    priorityValue !== undefined &&
    !(Number.isInteger(priorityValue) && priorityValue >= -1000 && priorityValue <= 1000)
      ? 'Priority is a whole number from -1000 to 1000.'
      : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (priorityProblem || busy) return;
    const patch: KeyDetailsPatch = {};
    const nextAlias = alias.trim() === '' ? null : alias.trim();
    const nextDescription = description.trim() === '' ? null : description.trim();
    if (nextAlias !== keyToEdit.alias) patch.alias = nextAlias;
    if (nextDescription !== keyToEdit.description) patch.description = nextDescription;
    if (priorityValue !== undefined && priorityValue !== keyToEdit.priority) patch.priority = priorityValue;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onSave(patch);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={`Edit ${name}`}
      formId={formId}
      busy={busy}
      submitLabel="Save changes"
      busyLabel="Saving…"
      onClose={onClose}
      onSubmit={submit}
    >
      <Field id={`${id}-alias`} label="Alias" hint="(optional)">
        <input
          id={`${id}-alias`}
          className="byok-input"
          value={alias}
          maxLength={MAX_ALIAS}
          onChange={(e) => setAlias(e.target.value)}
        />
      </Field>
      <Field id={`${id}-description`} label="Description" hint="(optional)">
        <textarea
          id={`${id}-description`}
          className="byok-input"
          rows={3}
          value={description}
          maxLength={MAX_DESCRIPTION}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <Field id={`${id}-priority`} label="Priority" hint="(lower is tried first)">
        <input
          id={`${id}-priority`}
          className="byok-input"
          type="number"
          inputMode="numeric"
          min={-1000}
          max={1000}
          step={1}
          value={priority}
          aria-invalid={priorityProblem ? true : undefined}
          aria-describedby={priorityProblem ? `${id}-priority-problem` : undefined}
          onChange={(e) => setPriority(e.target.value)}
        />
        {priorityProblem ? (
          <p id={`${id}-priority-problem`} className="byok-field__error">
            {priorityProblem}
          </p>
        ) : null}
      </Field>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </FormDialog>
  );
}

/** Revoking is final: the key is never used again. The reason goes to the audit log. */
export function RevokeKeyDialog({
  name,
  onClose,
  onRevoke,
}: {
  name: string;
  onClose(): void;
  onRevoke(reason: string | undefined): Promise<void>;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const formId = `${id}-form`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onRevoke(reason.trim() === '' ? undefined : reason.trim());
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={`Revoke ${name}?`}
      formId={formId}
      busy={busy}
      submitLabel="Revoke key"
      busyLabel="Revoking…"
      danger
      initialFocus="textarea"
      onClose={onClose}
      onSubmit={submit}
    >
      <p>
        A revoked key is never used again and cannot be enabled. Revoke it at the provider too if it may have
        leaked.
      </p>
      <Field id={`${id}-reason`} label="Reason" hint="(recorded in the audit log)">
        <textarea
          id={`${id}-reason`}
          className="byok-input"
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </FormDialog>
  );
}
