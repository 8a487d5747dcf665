import { type FormEvent, useId, useState } from 'react';
import type { Key, UpdateKeyInput } from '../api/types.js';
import { useOutcome } from '../hooks/use-outcome.js';
import { AliasField, FormDialog, NumberField, TextField } from './form-parts.js';

/** The parts of a key people may rename or reorder; the secret is changed with Replace secret. */
export type KeyDetailsPatch = Pick<UpdateKeyInput, 'alias' | 'description' | 'priority'>;

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
  const [priority, setPriority] = useState(String(keyToEdit.priority));
  const form = useOutcome();
  const priorityValue = priority.trim() === '' ? undefined : Number(priority);
  const priorityProblem =
    priorityValue !== undefined &&
    !(Number.isInteger(priorityValue) && priorityValue >= -1000 && priorityValue <= 1000)
      ? 'Priority is a whole number from -1000 to 1000.'
      : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (priorityProblem || form.busy) return;
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
    void form.run(() => onSave(patch));
  };

  return (
    <FormDialog
      title={`Edit ${name}`}
      formId={`${id}-form`}
      state={form}
      submitLabel="Save changes"
      busyLabel="Saving…"
      onClose={onClose}
      onSubmit={submit}
    >
      <AliasField id={`${id}-alias`} value={alias} onChange={setAlias} />
      <TextField
        id={`${id}-description`}
        label="Description"
        hint="(optional)"
        rows={3}
        value={description}
        maxLength={MAX_DESCRIPTION}
        onChange={setDescription}
      />
      <NumberField
        id={`${id}-priority`}
        label="Priority"
        hint="(lower is tried first)"
        min={-1000}
        max={1000}
        integer
        value={priority}
        problem={priorityProblem}
        onChange={setPriority}
      />
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
  const form = useOutcome();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form.busy) return;
    void form.run(() => onRevoke(reason.trim() === '' ? undefined : reason.trim()));
  };

  return (
    <FormDialog
      title={`Revoke ${name}?`}
      formId={`${id}-form`}
      state={form}
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
      <TextField
        id={`${id}-reason`}
        label="Reason"
        hint="(recorded in the audit log)"
        rows={2}
        maxLength={500}
        value={reason}
        onChange={setReason}
      />
    </FormDialog>
  );
}
