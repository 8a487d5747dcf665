import { type FormEvent, useId, useMemo, useRef, useState } from 'react';
import { BYOKApiError } from '../api/client.js';
import type { EnvironmentName, Key, KeyData, KeyTestResult, ProviderId } from '../api/types.js';
import { cleanKeyData, credentialProblems, formFields } from '../credentials.js';
import { useBYOK } from '../hooks/use-byok.js';
import { useKeyActions } from '../hooks/use-key-actions.js';
import { useProviders } from '../hooks/use-providers.js';
import { CredentialFields } from './credential-fields.js';
import { AliasField, EnvironmentField, SelectField } from './form-parts.js';
import { ErrorState, errorMessage, LoadingState, Notice } from './states.js';
import { TestResultText } from './test-result.js';

export interface AddKeyFormProps {
  /** The provider chosen at first (`ProviderType.OPENAI` or `'openai'`). Default: the first one. */
  provider?: ProviderId | `${ProviderId}` | undefined;
  /** Called with the new key's id (and its masked details) once it is stored. */
  onKeyAdded?: ((keyId: string, key: Key) => void) | undefined;
  /** Shows a Cancel button that calls this. */
  onCancel?: (() => void) | undefined;
  /** Environment chosen at first. Default production. */
  environment?: EnvironmentName | `${EnvironmentName}` | undefined;
  /** Heading of the form. */
  title?: string | undefined;
}

type Outcome =
  | { kind: 'tested'; result: KeyTestResult }
  | { kind: 'added'; key: Key }
  | { kind: 'error'; message: string };

/**
 * A form to store a key: the provider's credential fields with a live format check, "Test key"
 * (asks the provider through the server, stores nothing) and "Add key". The secret is cleared
 * from memory once stored and never shown again.
 *
 * @example
 * <AddKeyForm provider={ProviderType.OPENAI} onKeyAdded={(keyId) => console.log('Added:', keyId)} onCancel={() => setShowForm(false)} />
 */
export function AddKeyForm({
  provider: initialProvider,
  onKeyAdded,
  onCancel,
  environment: initialEnv,
  title = 'Add a key',
}: AddKeyFormProps) {
  const { client } = useBYOK();
  const providers = useProviders();
  const actions = useKeyActions();
  const idPrefix = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [chosen, setChosen] = useState<string | undefined>(initialProvider);
  const [values, setValues] = useState<KeyData>({});
  const [alias, setAlias] = useState('');
  const [environment, setEnvironment] = useState<EnvironmentName>(initialEnv ?? 'production');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState<'test' | 'add' | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  const list = providers.data ?? [];
  const provider = list.find((p) => p.id === chosen) ?? list[0];
  const fields = useMemo(() => (provider ? formFields(provider) : []), [provider]);
  const allProblems = provider ? credentialProblems(provider.id, fields, values) : {};
  const submitProblems = submitted ? allProblems : {};

  if (providers.loading && !providers.data) return <LoadingState label="Loading providers…" />;
  if (providers.error || !provider) {
    return (
      <ErrorState
        title="Could not load the providers"
        error={providers.error ?? new Error('No providers are enabled on this server')}
        onRetry={providers.reload}
      />
    );
  }

  const setValue = (name: string, value: string) => {
    setValues((previous) => ({ ...previous, [name]: value }));
    if (outcome?.kind !== 'added') setOutcome(undefined);
  };

  /** Shows every problem and focuses the first bad field; true when the credential can be sent. */
  const checkAll = (): boolean => {
    setSubmitted(true);
    const first = fields.find((field) => allProblems[field.name]);
    if (!first) return true;
    const input = formRef.current?.querySelector<HTMLInputElement>(`[name="${first.name}"]`);
    const details = input?.closest('details');
    if (details) details.open = true;
    input?.focus();
    return false;
  };

  const onTest = async () => {
    if (!checkAll()) return;
    setBusy('test');
    setOutcome(undefined);
    try {
      const result = await client.testCredential(provider.id, cleanKeyData(values));
      setOutcome({ kind: 'tested', result });
    } catch (error) {
      const message =
        error instanceof BYOKApiError && error.isMissingRoute
          ? 'This server cannot test a key before it is saved. Add the key, then test it from the list.'
          : errorMessage(error);
      setOutcome({ kind: 'error', message });
    } finally {
      setBusy(undefined);
    }
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !checkAll()) return;
    setBusy('add');
    setOutcome(undefined);
    try {
      const trimmedAlias = alias.trim();
      const key = await actions.add({
        provider: provider.id,
        keyData: cleanKeyData(values),
        environment,
        ...(trimmedAlias ? { alias: trimmedAlias } : {}),
      });
      // The secret leaves memory now: the form never holds or shows a stored key.
      setValues({});
      setAlias('');
      setSubmitted(false);
      setOutcome({ kind: 'added', key });
      onKeyAdded?.(key.id, key);
    } catch (error) {
      setOutcome({ kind: 'error', message: errorMessage(error) });
    } finally {
      setBusy(undefined);
    }
  };

  const headingId = `${idPrefix}-title`;
  return (
    <form
      ref={formRef}
      className="byok byok-card byok-form"
      aria-labelledby={headingId}
      onSubmit={onSubmit}
      noValidate
    >
      <h2 id={headingId} className="byok-card__title">
        {title}
      </h2>
      <SelectField
        id={`${idPrefix}-provider`}
        label="Provider"
        value={provider.id}
        options={list.map((p) => ({ id: p.id, label: p.displayName }))}
        onChange={(id) => {
          // Never carry a secret over to another provider's fields.
          setChosen(id);
          setValues({});
          setSubmitted(false);
          setOutcome(undefined);
        }}
      />

      <CredentialFields
        provider={provider.id}
        fields={fields}
        values={values}
        onChange={setValue}
        submitProblems={submitProblems}
        idPrefix={idPrefix}
      />

      <div className="byok-form__row">
        <AliasField
          id={`${idPrefix}-alias`}
          value={alias}
          onChange={setAlias}
          placeholder="e.g. Production bot"
          autoComplete="off"
        />
        <EnvironmentField id={`${idPrefix}-environment`} value={environment} onChange={setEnvironment} />
      </div>

      {outcome?.kind === 'tested' ? (
        <Notice tone={outcome.result.isValid ? 'success' : 'error'}>
          <TestResultText result={outcome.result} />
        </Notice>
      ) : null}
      {outcome?.kind === 'added' ? (
        <Notice tone="success">
          Key added: {provider.displayName} <code>{outcome.key.keyHint}</code>
          {outcome.key.alias ? ` (${outcome.key.alias})` : ''}. The secret is stored encrypted and will not be
          shown again.
        </Notice>
      ) : null}
      {outcome?.kind === 'error' ? <Notice tone="error">{outcome.message}</Notice> : null}

      <div className="byok-actions">
        <button type="submit" className="byok-button byok-button--primary" disabled={busy !== undefined}>
          {busy === 'add' ? 'Adding…' : 'Add key'}
        </button>
        <button type="button" className="byok-button" onClick={onTest} disabled={busy !== undefined}>
          {busy === 'test' ? 'Testing…' : 'Test key'}
        </button>
        {onCancel ? (
          <button type="button" className="byok-button byok-button--quiet" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
