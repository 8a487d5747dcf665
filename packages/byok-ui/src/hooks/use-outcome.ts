import { type FormEvent, useState } from 'react';
import { errorMessage } from '../components/states.js';
import { useBYOK } from './use-byok.js';

/** The result line of an action: what happened, or why it failed. */
export type Outcome = { tone: 'success' | 'error'; text: string } | undefined;

/**
 * Runs actions and form submits that change server data: while one runs `busy` is true; its error
 * message, or the success text it returns (a form that closes returns none), becomes the `outcome`;
 * afterwards the cached data is invalidated either way. `error` is the outcome's text when it failed.
 */
export function useOutcome() {
  const { invalidate } = useBYOK();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  const run = async (work: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const text = await work();
      if (typeof text === 'string' && text) setOutcome({ tone: 'success', text });
    } catch (error) {
      setOutcome({ tone: 'error', text: errorMessage(error) });
    } finally {
      setBusy(false);
      invalidate();
    }
  };

  /** Shows why the action cannot run (a form's own check), without running it. */
  const fail = (text: string) => setOutcome({ tone: 'error', text });
  /** A one-field form's submit: a blank `value` shows `missing`; else `work` runs with it trimmed. */
  const submitText =
    (value: string, missing: string, work: (text: string) => Promise<unknown>) => (event: FormEvent) => {
      event.preventDefault();
      const text = value.trim();
      if (text === '') fail(missing);
      else void run(() => work(text));
    };
  const error = outcome?.tone === 'error' ? outcome.text : undefined;
  return { busy, outcome, error, setOutcome, fail, run, submitText };
}
