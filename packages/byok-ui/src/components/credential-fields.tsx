import { useState } from 'react';
import type { KeyData } from '../api/types.js';
import { type FormField, fieldProblem, isFieldRequired } from '../credentials.js';

export interface CredentialFieldsProps {
  provider: string;
  fields: FormField[];
  values: KeyData;
  onChange(name: string, value: string): void;
  /** Problems found on submit (required fields, combinations); format problems show live anyway. */
  submitProblems: Record<string, string>;
  idPrefix: string;
  /** Put rarely needed fields behind "More options". Default true. */
  groupAdvanced?: boolean;
}

/** The inputs of one credential, with a format check under each as the user types. */
export function CredentialFields(props: CredentialFieldsProps) {
  const { fields, groupAdvanced = true } = props;
  const primary = groupAdvanced ? fields.filter((field) => !field.advanced) : fields;
  const advanced = groupAdvanced ? fields.filter((field) => field.advanced) : [];
  const advancedFilled = advanced.some((field) => (props.values[field.name] ?? '') !== '');
  return (
    <>
      {primary.map((field) => (
        <CredentialInput key={field.name} field={field} {...props} />
      ))}
      {advanced.length > 0 ? (
        <details className="byok-details" open={advancedFilled || undefined}>
          <summary>
            More options{props.provider === 'twilio' ? ' (API key instead of Auth Token, region)' : ''}
          </summary>
          {advanced.map((field) => (
            <CredentialInput key={field.name} field={field} {...props} />
          ))}
        </details>
      ) : null}
    </>
  );
}

function CredentialInput({
  field,
  provider,
  values,
  onChange,
  submitProblems,
  idPrefix,
}: CredentialFieldsProps & { field: FormField }) {
  const [revealed, setRevealed] = useState(false);
  const value = values[field.name] ?? '';
  const id = `${idPrefix}-${field.name}`;
  const messageId = `${id}-message`;
  const formatProblem = fieldProblem(provider, field.name, value);
  const problem = formatProblem ?? submitProblems[field.name];
  const required = isFieldRequired(provider, field, values);
  const looksRight = value.trim() !== '' && !problem;
  return (
    <div className="byok-field">
      <label htmlFor={id} className="byok-label">
        {field.label}
        {required ? null : <span className="byok-optional"> (optional)</span>}
      </label>
      <div className="byok-input-row">
        <input
          id={id}
          name={field.name}
          className="byok-input byok-input--mono"
          type={field.secret && !revealed ? 'password' : 'text'}
          value={value}
          onChange={(event) => onChange(field.name, event.target.value)}
          placeholder={field.placeholder}
          required={required}
          aria-required={required}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem || looksRight ? messageId : undefined}
          // Keep password managers and browser autofill away from third-party secrets.
          autoComplete="off"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          data-1p-ignore=""
          data-lpignore="true"
        />
        {field.secret ? (
          <button
            type="button"
            className="byok-button byok-button--small"
            aria-pressed={revealed}
            aria-label={`${revealed ? 'Hide' : 'Show'} ${field.label}`}
            onClick={() => setRevealed((shown) => !shown)}
          >
            {revealed ? 'Hide' : 'Show'}
          </button>
        ) : null}
      </div>
      {problem ? (
        <p id={messageId} className="byok-field__error">
          {problem}
        </p>
      ) : looksRight ? (
        <p id={messageId} className="byok-field__ok">
          Format looks right
        </p>
      ) : null}
    </div>
  );
}
