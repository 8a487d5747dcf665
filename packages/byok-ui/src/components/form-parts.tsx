import type { ChangeEvent, ReactNode } from 'react';
import type { EnvironmentName } from '../api/types.js';
import { ENVIRONMENTS } from '../credentials.js';
import { Dialog } from './dialog.js';
import { Notice } from './states.js';
import { Table } from './table.js';

/** A labelled form field: the label (and its muted `hint`, e.g. "(optional)") names the control whose id is `id`. */
export function Field({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="byok-field">
      <label htmlFor={id} className="byok-label">
        {label}
        {hint ? (
          <>
            {' '}
            <span className="byok-optional">{hint}</span>
          </>
        ) : null}
      </label>
      {children}
    </div>
  );
}

/**
 * A labelled number box holding its text as typed (empty when left out); `integer` for whole numbers.
 * A `problem` is shown under it and marks it invalid.
 */
export function NumberField({
  id,
  label,
  hint,
  value,
  onChange,
  min,
  max,
  step,
  integer = false,
  problem,
}: {
  id: string;
  label: ReactNode;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  min: number;
  max?: number;
  /** Default 1 for whole numbers, any otherwise. */
  step?: number;
  integer?: boolean;
  problem?: string | undefined;
}) {
  const problemId = `${id}-problem`;
  return (
    <Field id={id} label={label} {...(hint ? { hint } : {})}>
      <input
        id={id}
        className="byok-input"
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : 'any')}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {problem ? (
        <p id={problemId} className="byok-field__error">
          {problem}
        </p>
      ) : null}
    </Field>
  );
}

/** A labelled text box, or a text area of `rows` lines. */
export function TextField({
  id,
  label,
  hint,
  value,
  onChange,
  rows,
  type,
  ...attributes
}: {
  id: string;
  label: ReactNode;
  hint?: string;
  value: string;
  onChange(value: string): void;
  rows?: number;
  type?: 'url' | 'email';
  maxLength?: number;
  placeholder?: string;
  autoComplete?: 'off';
}) {
  const box = {
    id,
    className: 'byok-input',
    value,
    ...attributes,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(e.target.value),
  };
  return (
    <Field id={id} label={label} {...(hint ? { hint } : {})}>
      {rows ? <textarea rows={rows} {...box} /> : <input type={type} {...box} />}
    </Field>
  );
}

/** A key's alias: optional, at most 100 characters (the server's limit). */
export function AliasField(props: {
  id: string;
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  autoComplete?: 'off';
}) {
  return <TextField label="Alias" hint="(optional)" maxLength={100} {...props} />;
}

/** A labelled drop-down of `options` (id and label each). */
export function SelectField<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: T;
  options: readonly { id: T; label: string }[];
  onChange(value: NoInfer<T>): void;
}) {
  return (
    <Field id={id} label={label}>
      <select id={id} className="byok-input" value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The Environment drop-down: production, staging or development. */
export function EnvironmentField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: EnvironmentName;
  onChange(value: EnvironmentName): void;
}) {
  return <SelectField id={id} label="Environment" value={value} options={ENVIRONMENTS} onChange={onChange} />;
}

/** The options of a {@link SelectField} from a record of labels by id (in the record's order). */
export function optionsOf<T extends string>(labels: Record<T, string>): { id: T; label: string }[] {
  return (Object.entries(labels) as [T, string][]).map(([id, label]) => ({ id, label }));
}

/** While a form is submitted, and why the last submit failed. */
interface FormState {
  busy: boolean;
  error: string | undefined;
}

/** A form in a card: a title, the fields, the error if any, then the submit and Cancel buttons. */
export function FormCard({
  label,
  title,
  state,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
  children,
}: {
  /** The form's accessible name. */
  label: string;
  title: string;
  /** The submit's state, as {@link useOutcome} keeps it. */
  state: FormState;
  submitLabel: string;
  busyLabel: string;
  onSubmit(event: React.FormEvent): void;
  onCancel(): void;
  children: ReactNode;
}) {
  return (
    <form className="byok-card byok-form" aria-label={label} onSubmit={onSubmit} noValidate>
      <h3 className="byok-card__title">{title}</h3>
      {children}
      {state.error ? <Notice tone="error">{state.error}</Notice> : null}
      <FormActions busy={state.busy} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} />
    </form>
  );
}

/** The submit and Cancel buttons under a form; the submit button is disabled while `busy`. */
function FormActions({
  busy,
  submitLabel,
  busyLabel,
  onCancel,
}: {
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  onCancel(): void;
}) {
  return (
    <div className="byok-actions">
      <button type="submit" className="byok-button byok-button--primary" disabled={busy}>
        {busy ? busyLabel : submitLabel}
      </button>
      <button type="button" className="byok-button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** A dialog whose body is a form submitted by the dialog's first button, then the error if any. */
export function FormDialog({
  title,
  formId,
  state,
  submitLabel,
  busyLabel,
  danger = false,
  initialFocus,
  onClose,
  onSubmit,
  children,
}: {
  title: string;
  formId: string;
  state: FormState;
  submitLabel: string;
  busyLabel: string;
  danger?: boolean;
  initialFocus?: string;
  onClose(): void;
  onSubmit(event: React.FormEvent): void;
  children: ReactNode;
}) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      {...(initialFocus ? { initialFocus } : {})}
      actions={
        <>
          <button
            type="submit"
            form={formId}
            className={`byok-button ${danger ? 'byok-button--danger' : 'byok-button--primary'}`}
            disabled={state.busy}
          >
            {state.busy ? busyLabel : submitLabel}
          </button>
          <button type="button" className="byok-button" onClick={onClose}>
            Cancel
          </button>
        </>
      }
    >
      <form id={formId} className="byok-form" onSubmit={onSubmit} noValidate>
        {children}
        {state.error ? <Notice tone="error">{state.error}</Notice> : null}
      </form>
    </Dialog>
  );
}

/** A responsive table with a screen-reader caption, column headers and a last, unnamed actions column. */
export function DataTable({
  caption,
  columns,
  compact = false,
  children,
}: {
  caption: ReactNode;
  columns: readonly string[];
  compact?: boolean;
  children: ReactNode;
}) {
  return (
    <Table caption={caption} hideCaption columns={columns} actions compact={compact}>
      {children}
    </Table>
  );
}

/** A panel's heading row: its title, a "New …" button that opens and closes the create form, and other actions. */
export function PanelToolbar({
  title,
  create,
  children,
}: {
  title: string;
  create?: { label: string; open: boolean; onToggle(): void };
  children?: ReactNode;
}) {
  return (
    <div className="byok-toolbar">
      <h2 className="byok-toolbar__title">{title}</h2>
      {create || children ? (
        <div className="byok-actions">
          {create ? (
            <button
              type="button"
              className="byok-button byok-button--primary"
              aria-expanded={create.open}
              onClick={create.onToggle}
            >
              {create.label}
            </button>
          ) : null}
          {children}
        </div>
      ) : null}
    </div>
  );
}
