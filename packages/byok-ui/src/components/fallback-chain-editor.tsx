import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { BYOKApiError } from '../api/client.js';
import type { EnvironmentName, FallbackChain, FallbackChainInput, Key, ProviderId } from '../api/types.js';
import { DEFAULT_PROVIDERS } from '../credentials.js';
import { useBYOK } from '../hooks/use-byok.js';
import { useFallbackChain } from '../hooks/use-fallback-chain.js';
import { useKeys } from '../hooks/use-keys.js';
import { useOutcome } from '../hooks/use-outcome.js';
import { useProviders } from '../hooks/use-providers.js';
import { EnvironmentField, NumberField, SelectField } from './form-parts.js';
import { keyName } from './key-list.js';
import { EmptyState, ErrorState, LoadingState, Notice } from './states.js';

export interface FallbackChainEditorProps {
  /** Provider shown first. Default OpenAI. */
  provider?: ProviderId | `${ProviderId}` | undefined;
  /** Environment shown first. Default production. */
  environment?: EnvironmentName | `${EnvironmentName}` | undefined;
  /** Called after a chain is saved. */
  onSaved?: ((chain: FallbackChain) => void) | undefined;
}

/**
 * Which keys are tried, in which order, when the first one fails; and whether the system key
 * comes last. Reordering uses Up/Down buttons (keyboard and screen-reader friendly, no dragging).
 */
export function FallbackChainEditor({
  provider: initialProvider = 'openai',
  environment: initialEnv = 'production',
  onSaved,
}: FallbackChainEditorProps) {
  const providers = useProviders();
  const idPrefix = useId();
  const [provider, setProvider] = useState<ProviderId>(initialProvider as ProviderId);
  const [environment, setEnvironment] = useState<EnvironmentName>(initialEnv as EnvironmentName);
  const list = providers.data ?? DEFAULT_PROVIDERS;

  return (
    <section className="byok byok-card" aria-labelledby={`${idPrefix}-title`}>
      <h2 id={`${idPrefix}-title`} className="byok-card__title">
        Fallback chain
      </h2>
      <p className="byok-muted">
        When a key fails (invalid, out of credit, rate limited), the next one in the chain is used.
      </p>
      <div className="byok-form__row">
        <SelectField
          id={`${idPrefix}-provider`}
          label="Provider"
          value={provider}
          options={list.map((p) => ({ id: p.id as ProviderId, label: p.displayName }))}
          onChange={setProvider}
        />
        <EnvironmentField id={`${idPrefix}-environment`} value={environment} onChange={setEnvironment} />
      </div>
      <ChainForm
        key={`${provider}:${environment}`}
        provider={provider}
        environment={environment}
        onSaved={onSaved}
      />
    </section>
  );
}

interface Draft {
  order: string[];
  included: ReadonlySet<string>;
  useSystemFallback: boolean;
  maxRetries: number;
  retryDelayMs: number;
}

function draftFrom(chain: FallbackChain | null, keys: Key[]): Draft {
  const usable = keys.filter((key) => key.status !== 'revoked');
  const ids = new Set(usable.map((key) => key.id));
  const inChain = chain
    ? [chain.primaryKeyId, ...chain.fallbackSequence].filter((id): id is string => id !== null && ids.has(id))
    : [];
  const rest = usable
    .filter((key) => !inChain.includes(key.id))
    .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))
    .map((key) => key.id);
  return {
    order: [...inChain, ...rest],
    // With no chain yet, every usable key takes part, in priority order.
    included: new Set(chain ? inChain : usable.map((key) => key.id)),
    useSystemFallback: chain?.useSystemFallback ?? false,
    maxRetries: chain?.maxRetries ?? 3,
    retryDelayMs: chain?.retryDelayMs ?? 1000,
  };
}

function ChainForm({
  provider,
  environment,
  onSaved,
}: {
  provider: ProviderId;
  environment: EnvironmentName;
  onSaved: FallbackChainEditorProps['onSaved'];
}) {
  const { client, workspaceId } = useBYOK();
  const providers = useProviders().data ?? DEFAULT_PROVIDERS;
  const keys = useKeys({ provider, environment });
  const chain = useFallbackChain(provider, environment);
  const idPrefix = useId();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const { busy: saving, outcome: status, fail, run } = useOutcome();
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const focusAfterMove = useRef<string | undefined>(undefined);

  const ready = keys.data !== undefined && chain.data !== undefined;
  useEffect(() => {
    if (ready && !draft) setDraft(draftFrom(chain.data ?? null, keys.data ?? []));
  }, [ready, draft, chain.data, keys.data]);

  useEffect(() => {
    const target = focusAfterMove.current;
    if (!target) return;
    focusAfterMove.current = undefined;
    const [id, direction] = target.split('|');
    const button = buttons.current.get(`${id}|${direction}`);
    const other = buttons.current.get(`${id}|${direction === 'up' ? 'down' : 'up'}`);
    (button && !button.disabled ? button : other)?.focus();
  });

  if (chain.error) {
    const missing = chain.error instanceof BYOKApiError && chain.error.isMissingRoute;
    return missing ? (
      <EmptyState title="Fallback chains are not available on this server" />
    ) : (
      <ErrorState title="Could not load the fallback chain" error={chain.error} onRetry={chain.reload} />
    );
  }
  if (keys.error)
    return <ErrorState title="Could not load your keys" error={keys.error} onRetry={keys.reload} />;
  if (!ready || !draft) return <LoadingState label="Loading the fallback chain…" />;

  const byId = new Map((keys.data ?? []).map((key) => [key.id, key]));
  const order = draft.order.filter((id) => byId.has(id));
  if (order.length === 0) {
    return (
      <EmptyState title="No keys for this provider and environment">
        <p>Add keys first; then choose the order they are tried in.</p>
      </EmptyState>
    );
  }

  const move = (id: string, by: -1 | 1) => {
    const from = order.indexOf(id);
    const to = from + by;
    if (to < 0 || to >= order.length) return;
    const next = [...order];
    next.splice(from, 1);
    next.splice(to, 0, id);
    setDraft({ ...draft, order: next });
    focusAfterMove.current = `${id}|${by < 0 ? 'up' : 'down'}`;
    const key = byId.get(id);
    setAnnouncement(`${key ? keyName(key, providers) : id} moved to position ${to + 1} of ${order.length}.`);
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const chosen = order.filter((id) => draft.included.has(id));
    if (chosen.length === 0) {
      fail('Choose at least one key for the chain.');
      return;
    }
    const body: FallbackChainInput = {
      primaryKeyId: chosen[0] ?? null,
      fallbackSequence: chosen.slice(1),
      useSystemFallback: draft.useSystemFallback,
      maxRetries: draft.maxRetries,
      retryDelayMs: draft.retryDelayMs,
    };
    void run(async () => {
      onSaved?.(await client.saveFallbackChain(provider, environment, body, { workspaceId }));
      return 'Fallback chain saved.';
    });
  };

  const firstIncluded = order.find((id) => draft.included.has(id));
  return (
    <form onSubmit={save} className="byok-form byok-chain-form" noValidate>
      {chain.data === null ? (
        <p className="byok-muted">No chain saved yet: keys are tried in priority order.</p>
      ) : null}
      <ol className="byok-chain" aria-label="Keys in the order they are tried">
        {order.map((id, index) => {
          const key = byId.get(id) as Key;
          const name = keyName(key, providers);
          const included = draft.included.has(id);
          return (
            <li key={id} className={`byok-chain__item${included ? '' : ' byok-chain__item--off'}`}>
              <span className="byok-chain__position" aria-hidden="true">
                {index + 1}
              </span>
              <label className="byok-check byok-chain__name">
                <input
                  type="checkbox"
                  checked={included}
                  onChange={() => {
                    const next = new Set(draft.included);
                    next.has(id) ? next.delete(id) : next.add(id);
                    setDraft({ ...draft, included: next });
                  }}
                />
                <span>
                  {name} <code className="byok-hint">{key.keyHint}</code>
                  {id === firstIncluded ? (
                    <span className="byok-badge byok-badge--primary">Primary</span>
                  ) : null}
                  {key.status !== 'active' ? (
                    <span className={`byok-badge byok-badge--${key.status}`}>{key.status}</span>
                  ) : null}
                </span>
              </label>
              <span className="byok-chain__moves">
                <button
                  type="button"
                  className="byok-button byok-button--small"
                  ref={(el) => {
                    el ? buttons.current.set(`${id}|up`, el) : buttons.current.delete(`${id}|up`);
                  }}
                  disabled={index === 0}
                  aria-label={`Move ${name} up`}
                  onClick={() => move(id, -1)}
                >
                  Up
                </button>
                <button
                  type="button"
                  className="byok-button byok-button--small"
                  ref={(el) => {
                    el ? buttons.current.set(`${id}|down`, el) : buttons.current.delete(`${id}|down`);
                  }}
                  disabled={index === order.length - 1}
                  aria-label={`Move ${name} down`}
                  onClick={() => move(id, 1)}
                >
                  Down
                </button>
              </span>
            </li>
          );
        })}
      </ol>
      <p className="byok-sr-only" aria-live="polite">
        {announcement}
      </p>

      <label className="byok-switch">
        <input
          type="checkbox"
          role="switch"
          aria-checked={draft.useSystemFallback}
          checked={draft.useSystemFallback}
          onChange={(e) => setDraft({ ...draft, useSystemFallback: e.target.checked })}
        />
        <span className="byok-switch__track" aria-hidden="true" />
        <span>Use the system key when all of these fail</span>
      </label>

      <div className="byok-form__row">
        <NumberField
          id={`${idPrefix}-retries`}
          label="Retries per key"
          min={0}
          max={10}
          integer
          value={String(draft.maxRetries)}
          onChange={(value) => setDraft({ ...draft, maxRetries: clamp(Number(value), 0, 10) })}
        />
        <NumberField
          id={`${idPrefix}-delay`}
          label="Delay between retries (ms)"
          min={0}
          max={60_000}
          step={100}
          integer
          value={String(draft.retryDelayMs)}
          onChange={(value) => setDraft({ ...draft, retryDelayMs: clamp(Number(value), 0, 60_000) })}
        />
      </div>
      {status ? <Notice tone={status.tone}>{status.text}</Notice> : null}
      <div className="byok-actions">
        <button type="submit" className="byok-button byok-button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save chain'}
        </button>
        <button
          type="button"
          className="byok-button byok-button--quiet"
          onClick={() => setDraft(draftFrom(chain.data ?? null, keys.data ?? []))}
        >
          Reset
        </button>
      </div>
    </form>
  );
}

function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}
