import { type FormEvent, useId, useState } from 'react';
import type { AlertChannel, AlertPeriod, AlertType, CreateAlertInput, UsageAlert } from '../api/types.js';
import { formatDateTime } from '../format.js';
import { useAlerts } from '../hooks/use-alerts.js';
import { useBYOK } from '../hooks/use-byok.js';
import { useOutcome } from '../hooks/use-outcome.js';
import { ConfirmDialog } from './confirm-dialog.js';
import {
  DataTable,
  FormCard,
  NumberField,
  optionsOf,
  PanelToolbar,
  SelectField,
  TextField,
} from './form-parts.js';
import { SecretOnce } from './secret-once.js';
import { EmptyState, Notice, ResourceStates } from './states.js';
import { RowButton } from './table.js';

const TYPES: Record<AlertType, string> = {
  cost: 'Cost (USD)',
  requests: 'Requests',
  tokens: 'Tokens',
  errors: 'Errors',
};
const PERIODS: Record<AlertPeriod, string> = { daily: 'per day', weekly: 'per week', monthly: 'per month' };

const UNITS: Record<Exclude<AlertType, 'cost'>, [one: string, many: string]> = {
  requests: ['request', 'requests'],
  tokens: ['token', 'tokens'],
  errors: ['error', 'errors'],
};

/** `cost` 50 monthly → "$50 per month"; `requests` 1000 daily → "1,000 requests per day". */
export function thresholdText(
  alert: Pick<UsageAlert, 'alertType' | 'thresholdValue' | 'thresholdPeriod'>,
): string {
  const period = PERIODS[alert.thresholdPeriod];
  if (alert.alertType === 'cost') {
    return `$${alert.thresholdValue.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${period}`;
  }
  const [one, many] = UNITS[alert.alertType];
  return `${alert.thresholdValue.toLocaleString('en-US')} ${alert.thresholdValue === 1 ? one : many} ${period}`;
}

/** Notifications still to go out: waiting for a channel, queued or being retried. */
export function waitingCount(alert: UsageAlert): number {
  return alert.undeliveredNotifications;
}

function lastDeliveryText(alert: UsageAlert): React.ReactNode {
  const last = alert.lastDelivery;
  if (last?.at) {
    return (
      <>
        <time dateTime={last.at}>{formatDateTime(last.at)}</time>
        {last.status ? ` (${last.status}${last.channel ? `, ${last.channel}` : ''})` : ''}
        {last.errorCode ? <span className="byok-muted"> — {last.errorCode}</span> : null}
      </>
    );
  }
  if (alert.lastFiredAt) {
    return (
      <>
        fired <time dateTime={alert.lastFiredAt}>{formatDateTime(alert.lastFiredAt)}</time>
      </>
    );
  }
  return 'Never';
}

/** Usage alerts of the current scope: create, list with delivery status, delete. */
export function AlertsPanel() {
  const { client, workspaceId } = useBYOK();
  const alerts = useAlerts();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<UsageAlert | undefined>();
  const { outcome: notice, setOutcome: setNotice, run } = useOutcome();
  const list = alerts.data ?? [];

  const remove = (alert: UsageAlert) => {
    setDeleting(undefined);
    void run(async () => {
      await client.deleteAlert(alert.id, { workspaceId });
      return 'Alert deleted.';
    });
  };

  return (
    <div className="byok-stack">
      <PanelToolbar
        title="Usage alerts"
        create={{ label: 'New alert', open: creating, onToggle: () => setCreating((open) => !open) }}
      >
        <button type="button" className="byok-button" onClick={alerts.reload} disabled={alerts.loading}>
          {alerts.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </PanelToolbar>
      {secret ? (
        <SecretOnce label="Webhook signing secret" value={secret} onDone={() => setSecret(undefined)}>
          <p className="byok-muted">
            Check each webhook’s signature with it, so that you know the notification came from here.
          </p>
        </SecretOnce>
      ) : null}
      {creating ? (
        <CreateAlertForm
          onCancel={() => setCreating(false)}
          onCreated={(alert) => {
            setCreating(false);
            setSecret(alert.signingSecret);
            setNotice({ tone: 'success', text: `Alert created: ${thresholdText(alert)}.` });
          }}
        />
      ) : null}
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      <ResourceStates
        resource={alerts}
        loadingLabel="Loading alerts…"
        errorTitle="Could not load the alerts"
        empty={
          <EmptyState title="No alerts yet">
            <p>
              An alert tells you by webhook or e-mail when usage passes a threshold in a day, week or month.
            </p>
          </EmptyState>
        }
      />
      {list.length > 0 ? (
        <DataTable caption="Usage alerts" columns={['Threshold', 'Channels', 'Last delivery', 'Waiting']}>
          {list.map((alert) => {
            const waiting = waitingCount(alert);
            const name = thresholdText(alert);
            return (
              <tr key={alert.id}>
                <td>
                  <span className="byok-alias">{name}</span>
                </td>
                <td data-label="Channels">
                  {alert.notificationChannels
                    .map((c) =>
                      c === 'webhook' ? (alert.webhookUrl ?? 'webhook') : (alert.email ?? 'e-mail'),
                    )
                    .join(', ')}
                  {alert.channelProblems.map((problem) => (
                    <p key={problem} className="byok-field__error">
                      {problem}
                    </p>
                  ))}
                </td>
                <td data-label="Last delivery">{lastDeliveryText(alert)}</td>
                <td data-label="Waiting">
                  {waiting === 0 ? (
                    'None'
                  ) : (
                    <span className="byok-waiting">
                      {waiting} waiting deliver{waiting === 1 ? 'y' : 'ies'}
                    </span>
                  )}
                </td>
                <td className="byok-table__actions">
                  <RowButton label={`Delete alert ${name}`} danger onClick={() => setDeleting(alert)}>
                    Delete
                  </RowButton>
                </td>
              </tr>
            );
          })}
        </DataTable>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the alert “${thresholdText(deleting)}”?`}
          confirmLabel="Delete alert"
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(undefined)}
        >
          <p>No more notifications are sent for it, including those still waiting.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function CreateAlertForm({ onCancel, onCreated }: { onCancel(): void; onCreated(alert: UsageAlert): void }) {
  const { client, workspaceId } = useBYOK();
  const id = useId();
  const [alertType, setAlertType] = useState<AlertType>('cost');
  const [threshold, setThreshold] = useState('');
  const [period, setPeriod] = useState<AlertPeriod>('monthly');
  const [channels, setChannels] = useState<ReadonlySet<AlertChannel>>(new Set(['webhook']));
  const [webhookUrl, setWebhookUrl] = useState('');
  const [email, setEmail] = useState('');
  const form = useOutcome();

  const value = Number(threshold);
  const problem =
    threshold.trim() === '' || !(Number.isFinite(value) && value > 0)
      ? 'Enter a threshold above 0.'
      : channels.size === 0
        ? 'Choose at least one channel.'
        : undefined;

  const toggle = (channel: AlertChannel) =>
    setChannels((previous) => {
      const next = new Set(previous);
      next.has(channel) ? next.delete(channel) : next.add(channel);
      return next;
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem) {
      form.fail(problem);
      return;
    }
    const input: CreateAlertInput = {
      alertType,
      thresholdValue: value,
      thresholdPeriod: period,
      notificationChannels: [...channels],
      ...(channels.has('webhook') && webhookUrl.trim() ? { webhookUrl: webhookUrl.trim() } : {}),
      ...(channels.has('email') && email.trim() ? { email: email.trim() } : {}),
    };
    void form.run(async () => {
      onCreated(await client.createAlert(input, { workspaceId }));
    });
  };

  return (
    <FormCard
      label="Create an alert"
      title="New usage alert"
      state={form}
      submitLabel="Create alert"
      busyLabel="Creating…"
      onSubmit={submit}
      onCancel={onCancel}
    >
      <div className="byok-form__row">
        <SelectField
          id={`${id}-type`}
          label="Measure"
          value={alertType}
          options={optionsOf(TYPES)}
          onChange={setAlertType}
        />
        <NumberField
          id={`${id}-threshold`}
          label="Threshold"
          value={threshold}
          onChange={setThreshold}
          min={0}
        />
        <SelectField
          id={`${id}-period`}
          label="Period"
          value={period}
          options={optionsOf(PERIODS)}
          onChange={setPeriod}
        />
      </div>
      <fieldset className="byok-fieldset">
        <legend className="byok-label">Notify by</legend>
        <label className="byok-check">
          <input type="checkbox" checked={channels.has('webhook')} onChange={() => toggle('webhook')} />
          Webhook
        </label>
        <label className="byok-check">
          <input type="checkbox" checked={channels.has('email')} onChange={() => toggle('email')} />
          E-mail
        </label>
      </fieldset>
      <div className="byok-form__row">
        {channels.has('webhook') ? (
          <TextField
            id={`${id}-url`}
            label="Webhook URL"
            hint="(optional: else the server’s default)"
            type="url"
            value={webhookUrl}
            placeholder="https://example.com/hooks/byok"
            onChange={setWebhookUrl}
          />
        ) : null}
        {channels.has('email') ? (
          <TextField
            id={`${id}-email`}
            label="E-mail address"
            hint="(optional: else yours)"
            type="email"
            value={email}
            onChange={setEmail}
          />
        ) : null}
      </div>
    </FormCard>
  );
}
