import { useState } from 'react';
import { errorMessage } from '../components/states.js';
import { useBYOK } from './use-byok.js';

/** The result line of an action: what happened, or why it failed. */
export type Outcome = { tone: 'success' | 'error'; text: string } | undefined;

/**
 * Runs actions that change server data: while one runs `busy` is true; its success text or error
 * message becomes the `outcome`; afterwards the cached data is invalidated either way.
 */
export function useOutcome() {
  const { invalidate } = useBYOK();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  const run = async (work: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setOutcome(undefined);
    try {
      setOutcome({ tone: 'success', text: await work() });
    } catch (error) {
      setOutcome({ tone: 'error', text: errorMessage(error) });
    } finally {
      setBusy(false);
      invalidate();
    }
  };

  return { busy, outcome, setOutcome, run };
}
