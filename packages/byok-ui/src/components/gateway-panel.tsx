import { type FormEvent, useId, useState } from 'react';
import type {
  CreateGatewayTokenInput,
  EnvironmentName,
  GatewayToken,
  GatewayTokenWithUsage,
} from '../api/types.js';
import { environmentLabel } from '../credentials.js';
import { formatDateTime, formatNumber, formatUsd } from '../format.js';
import { useBYOK } from '../hooks/use-byok.js';
import { useGatewayTokens } from '../hooks/use-gateway-tokens.js';
import { useOutcome } from '../hooks/use-outcome.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { FillBar } from './fill-bar.js';
import { DataTable, EnvironmentField, FormCard, NumberField, PanelToolbar, TextField } from './form-parts.js';
import { gatewaySnippets } from './gateway-snippets.js';
import { SecretOnce } from './secret-once.js';
import { EmptyState, Notice, ResourceStates } from './states.js';
import { RowButton } from './table.js';

export interface GatewayPanelProps {
  /** Where the gateway answers (`/v1`, `/anthropic`). Default: this page's origin. */
  gatewayUrl?: string | undefined;
}

/** This month's requests and cost, and the share of the budget used if there is one. */
function TokenUsage({ token }: { token: GatewayTokenWithUsage }) {
  const { requests, costUsd } = token.usage;
  const budget = token.monthlyBudgetUsd;
  return (
    <div className="byok-table__key">
      <span>
        {formatNumber(requests)} {requests === 1 ? 'request' : 'requests'}, {formatUsd(costUsd)} this month
      </span>
      {budget === null ? (
        <span className="byok-muted">No budget</span>
      ) : (
        <BudgetUsed spent={costUsd} budget={budget} />
      )}
    </div>
  );
}

function BudgetUsed({ spent, budget }: { spent: number; budget: number }) {
  // A budget of 0 admits nothing: it is used up from the start.
  const share = budget > 0 ? spent / budget : 1;
  const percent = Math.min(100, Math.round(share * 100));
  const tone = share >= 1 ? 'poor' : share >= 0.8 ? 'fair' : 'good';
  return (
    <FillBar percent={percent} tone={tone}>
      {spent > 0 && percent === 0 ? 'under 1%' : `${percent}%`} of budget {formatUsd(budget)}/month
    </FillBar>
  );
}

/**
 * The gateway: tokens that let an application call providers through this service with the
 * user's keys (which never leave it). Create (the token is shown once), list, revoke, and SDK set-up.
 */
export function GatewayPanel({ gatewayUrl }: GatewayPanelProps) {
  const { client, workspaceId } = useBYOK();
  const tokens = useGatewayTokens();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | undefined>();
  const [revoking, setRevoking] = useState<GatewayToken | undefined>();
  const { outcome: notice, run } = useOutcome();
  const origin = gatewayUrl ?? globalThis.location?.origin ?? 'http://localhost:3000';
  const list = tokens.data ?? [];
  const snippetsId = useId();

  const revoke = (token: GatewayToken) => {
    setRevoking(undefined);
    void run(async () => {
      await client.revokeGatewayToken(token.id, { workspaceId });
      return `Token “${token.name}” revoked: it is refused from now on.`;
    });
  };

  return (
    <div className="byok-stack">
      <PanelToolbar
        title="Gateway tokens"
        create={{ label: 'New token', open: creating, onToggle: () => setCreating((open) => !open) }}
      />
      <p className="byok-muted">
        An application holding a gateway token calls OpenAI, Anthropic and the other providers through this
        service with your keys; the keys never leave it. Revoke a token to cut it off.
      </p>
      {created ? (
        <SecretOnce
          label={`Gateway token “${created.name}”`}
          value={created.token}
          onDone={() => setCreated(undefined)}
        >
          <p className="byok-muted">
            Give it to your application as <code>BYOK_GATEWAY_TOKEN</code> (see the snippets below).
          </p>
        </SecretOnce>
      ) : null}
      {creating ? (
        <CreateTokenForm
          onCancel={() => setCreating(false)}
          onCreated={(name, token) => {
            setCreating(false);
            setCreated({ name, token });
          }}
        />
      ) : null}
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      <ResourceStates
        resource={tokens}
        loadingLabel="Loading gateway tokens…"
        errorTitle="Could not load the gateway tokens"
        empty={
          <EmptyState title="No gateway tokens yet">
            <p>Create one to call the providers through this service.</p>
          </EmptyState>
        }
      />
      {list.length > 0 ? (
        <DataTable caption="Gateway tokens" columns={['Token', 'Environment', 'Status', 'Usage', 'Created']}>
          {list.map((token) => (
            <tr key={token.id}>
              <td>
                <div className="byok-table__key">
                  <span className="byok-alias">{token.name}</span>
                  <code className="byok-hint">{token.hint}</code>
                  {token.allowedModels ? (
                    <span className="byok-muted">Models: {token.allowedModels.join(', ')}</span>
                  ) : null}
                </div>
              </td>
              <td data-label="Environment">{environmentLabel(token.environment)}</td>
              <td data-label="Status">
                <span className={`byok-badge byok-badge--${token.status}`}>{token.status}</span>
                {token.expiresAt ? (
                  <span className="byok-muted"> until {formatDateTime(token.expiresAt)}</span>
                ) : null}
              </td>
              <td data-label="Usage">
                <TokenUsage token={token} />
              </td>
              <td data-label="Created">{formatDateTime(token.createdAt)}</td>
              <td className="byok-table__actions">
                {token.status === 'active' ? (
                  <RowButton label={`Revoke token ${token.name}`} danger onClick={() => setRevoking(token)}>
                    Revoke
                  </RowButton>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <section className="byok-card" aria-labelledby={snippetsId}>
        <h3 id={snippetsId} className="byok-card__title">
          Use it from your code
        </h3>
        <p className="byok-muted">
          Only the base URL changes; the token takes the place of the provider key. Under <code>/v1</code>,
          models are named <code>provider/model</code>.
        </p>
        {gatewaySnippets(origin).map((snippet) => (
          <figure key={snippet.id} className="byok-snippet">
            <figcaption className="byok-label">{snippet.label}</figcaption>
            <pre>
              <code>{snippet.code}</code>
            </pre>
          </figure>
        ))}
      </section>
      {revoking ? (
        <ConfirmDialog
          title={`Revoke the token “${revoking.name}”?`}
          confirmLabel="Revoke token"
          onConfirm={() => revoke(revoking)}
          onCancel={() => setRevoking(undefined)}
        >
          <p>Applications using it are refused at once. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function CreateTokenForm({
  onCancel,
  onCreated,
}: {
  onCancel(): void;
  onCreated(name: string, token: string): void;
}) {
  const { client, workspaceId } = useBYOK();
  const id = useId();
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState<EnvironmentName>('production');
  const [budget, setBudget] = useState('');
  const [rpm, setRpm] = useState('');
  const [models, setModels] = useState('');
  const form = useOutcome();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      form.fail('Give the token a name (what uses it).');
      return;
    }
    const budgetValue = budget.trim() === '' ? undefined : Number(budget);
    const rpmValue = rpm.trim() === '' ? undefined : Number(rpm);
    if (budgetValue !== undefined && !(Number.isFinite(budgetValue) && budgetValue >= 0)) {
      form.fail('The monthly budget is an amount in USD, 0 or more.');
      return;
    }
    if (rpmValue !== undefined && !(Number.isInteger(rpmValue) && rpmValue >= 1)) {
      form.fail('Requests per minute is a whole number, 1 or more.');
      return;
    }
    const allowedModels = models
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    const input: CreateGatewayTokenInput = {
      name: name.trim(),
      environment,
      ...(budgetValue !== undefined ? { monthlyBudgetUsd: budgetValue } : {}),
      ...(rpmValue !== undefined ? { requestsPerMinute: rpmValue } : {}),
      ...(allowedModels.length > 0 ? { allowedModels } : {}),
    };
    void form.run(async () => {
      const created = await client.createGatewayToken(input, { workspaceId });
      onCreated(created.gatewayToken.name, created.token);
    });
  };

  return (
    <FormCard
      label="Create a gateway token"
      title="New gateway token"
      state={form}
      submitLabel="Create token"
      busyLabel="Creating…"
      onSubmit={submit}
      onCancel={onCancel}
    >
      <div className="byok-form__row">
        <TextField id={`${id}-name`} label="Name" value={name} maxLength={100} onChange={setName} />
        <EnvironmentField id={`${id}-env`} value={environment} onChange={setEnvironment} />
      </div>
      <div className="byok-form__row">
        <NumberField
          id={`${id}-budget`}
          label="Monthly budget, USD"
          hint="(optional)"
          value={budget}
          onChange={setBudget}
          min={0}
        />
        <NumberField
          id={`${id}-rpm`}
          label="Requests per minute"
          hint="(optional)"
          value={rpm}
          onChange={setRpm}
          min={1}
          integer
        />
        <TextField
          id={`${id}-models`}
          label="Allowed models"
          hint="(optional, comma-separated, * wildcards)"
          value={models}
          placeholder="openai/gpt-*, anthropic/*"
          onChange={setModels}
        />
      </div>
    </FormCard>
  );
}
