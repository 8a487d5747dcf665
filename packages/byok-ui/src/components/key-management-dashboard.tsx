import { type KeyboardEvent, lazy, Suspense, useId, useRef, useState } from 'react';
import { BYOKApiError } from '../api/client.js';
import type { Key, TimeRange } from '../api/types.js';
import { DEFAULT_PROVIDERS, providerName } from '../credentials.js';
import { formatDateTime } from '../format.js';
import { useBYOK } from '../hooks/use-byok.js';
import { useKeyActions } from '../hooks/use-key-actions.js';
import { useKeys } from '../hooks/use-keys.js';
import { useMe } from '../hooks/use-me.js';
import { useProviders } from '../hooks/use-providers.js';
import { AddKeyForm } from './add-key-form.js';
import { AlertsPanel } from './alerts-panel.js';
import { AuditTrail } from './audit-trail.js';
import { FallbackChainEditor } from './fallback-chain-editor.js';
import { GatewayPanel } from './gateway-panel.js';
import { HealthScore, KeyList } from './key-list.js';
import { errorMessage, LoadingState, Notice } from './states.js';
import { WorkspacesPanel } from './workspaces-panel.js';

// Charts (recharts) are most of the bundle: loaded when the Usage tab is first opened.
const UsageDashboard = lazy(() =>
  import('./usage-dashboard.js').then((m) => ({ default: m.UsageDashboard })),
);

export type DashboardTab = 'keys' | 'usage' | 'fallback' | 'alerts' | 'gateway' | 'workspaces' | 'audit';

export interface KeyManagementDashboardProps {
  /** The tab shown (controlled). */
  tab?: DashboardTab | undefined;
  /** The tab shown first (uncontrolled). Default `'keys'`. */
  defaultTab?: DashboardTab | undefined;
  onTabChange?: ((tab: DashboardTab) => void) | undefined;
  /** Where the gateway answers, for the Gateway tab's snippets. Default: this page's origin. */
  gatewayUrl?: string | undefined;
}

const TAB_LABELS: Record<DashboardTab, string> = {
  keys: 'Keys',
  usage: 'Usage',
  fallback: 'Fallback',
  alerts: 'Alerts',
  gateway: 'Gateway',
  workspaces: 'Workspaces',
  audit: 'Audit',
};

/**
 * Everything in one place: keys (add, test, edit, enable, replace, revoke, delete), usage, fallback
 * chains, usage alerts, gateway tokens, workspaces and their members, and the audit trail, with a
 * workspace switcher for members of workspaces.
 *
 * @example
 * <BYOKProvider userId={user.id} apiUrl="/api/byok" enableAnalytics={true}>
 *   <KeyManagementDashboard />
 * </BYOKProvider>
 */
export function KeyManagementDashboard({
  tab: controlledTab,
  defaultTab = 'keys',
  onTabChange,
  gatewayUrl,
}: KeyManagementDashboardProps) {
  const { enableAnalytics } = useBYOK();
  const [ownTab, setOwnTab] = useState<DashboardTab>(defaultTab);
  // Kept here so that the chosen range survives switching tabs.
  const [usageRange, setUsageRange] = useState<TimeRange>('7d');
  const tabs: DashboardTab[] = enableAnalytics
    ? ['keys', 'usage', 'fallback', 'alerts', 'gateway', 'workspaces', 'audit']
    : ['keys', 'fallback', 'alerts', 'gateway', 'workspaces', 'audit'];
  const wanted = controlledTab ?? ownTab;
  const tab = tabs.includes(wanted) ? wanted : 'keys';
  const baseId = useId();
  const tabRefs = useRef(new Map<DashboardTab, HTMLButtonElement>());

  const select = (next: DashboardTab, focus = false) => {
    setOwnTab(next);
    onTabChange?.(next);
    if (focus) tabRefs.current.get(next)?.focus();
  };

  // Arrow keys move between tabs, Home/End jump (the WAI-ARIA tabs pattern, automatic activation).
  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.indexOf(tab);
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    select(tabs[(target + tabs.length) % tabs.length] as DashboardTab, true);
  };

  return (
    <div className="byok byok-dashboard">
      <WorkspaceSwitcher />
      <div role="tablist" aria-label="Key management" className="byok-tabs" onKeyDown={onKeyDown}>
        {tabs.map((id) => (
          <button
            key={id}
            ref={(el) => {
              el ? tabRefs.current.set(id, el) : tabRefs.current.delete(id);
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`${baseId}-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            className="byok-tab"
            onClick={() => select(id)}
          >
            {TAB_LABELS[id]}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${baseId}-panel-${tab}`}
        aria-labelledby={`${baseId}-tab-${tab}`}
        className="byok-panel"
      >
        {tab === 'keys' ? <KeysPanel /> : null}
        {tab === 'usage' ? (
          <Suspense fallback={<LoadingState label="Loading usage…" />}>
            <UsageDashboard
              timeRange={usageRange}
              onTimeRangeChange={setUsageRange}
              showCostBreakdown
              showProviderComparison
            />
          </Suspense>
        ) : null}
        {tab === 'fallback' ? <FallbackChainEditor /> : null}
        {tab === 'alerts' ? <AlertsPanel /> : null}
        {tab === 'gateway' ? <GatewayPanel gatewayUrl={gatewayUrl} /> : null}
        {tab === 'workspaces' ? <WorkspacesPanel /> : null}
        {tab === 'audit' ? <AuditTrail /> : null}
      </div>
    </div>
  );
}

/** Personal keys or a workspace's: shown when the user belongs to at least one workspace. */
function WorkspaceSwitcher() {
  const { workspaceId, setWorkspaceId } = useBYOK();
  const me = useMe();
  const id = useId();
  const workspaces = me.data?.workspaces ?? [];
  if (workspaces.length === 0) return null;
  return (
    <div className="byok-field byok-workspace">
      <label htmlFor={id} className="byok-label">
        Workspace
      </label>
      <select
        id={id}
        className="byok-input"
        value={workspaceId ?? ''}
        onChange={(e) => setWorkspaceId(e.target.value || undefined)}
      >
        <option value="">My own keys</option>
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({w.role})
          </option>
        ))}
      </select>
    </div>
  );
}

function KeysPanel() {
  const [adding, setAdding] = useState(false);
  const [selected, setSelected] = useState<Key | undefined>();
  const [validation, setValidation] = useState<
    { tone: 'success' | 'error' | 'info'; text: string } | undefined
  >();
  const [validating, setValidating] = useState(false);
  const actions = useKeyActions();
  const keys = useKeys();
  const formId = useId();
  const addButton = useRef<HTMLButtonElement>(null);

  const testAll = async () => {
    setValidating(true);
    setValidation(undefined);
    try {
      let results: { isValid: boolean }[];
      try {
        results = await actions.validateAll();
      } catch (error) {
        // An older server without validate-all: test one key after another.
        if (!(error instanceof BYOKApiError && error.isMissingRoute)) throw error;
        results = [];
        for (const key of (keys.data ?? []).filter((k) => k.status !== 'revoked'))
          results.push(await actions.test(key.id));
      }
      const bad = results.filter((r) => !r.isValid).length;
      setValidation(
        bad === 0
          ? { tone: 'success', text: `All ${results.length} key${results.length === 1 ? '' : 's'} work.` }
          : {
              tone: 'error',
              text: `${bad} of ${results.length} keys failed the test. See their health below.`,
            },
      );
    } catch (error) {
      setValidation({ tone: 'error', text: errorMessage(error) });
    } finally {
      setValidating(false);
    }
  };

  const closeForm = () => {
    setAdding(false);
    addButton.current?.focus();
  };

  return (
    <div className="byok-stack">
      <div className="byok-toolbar">
        <h2 className="byok-toolbar__title">Keys</h2>
        <div className="byok-actions">
          <button
            ref={addButton}
            type="button"
            className="byok-button byok-button--primary"
            aria-expanded={adding}
            aria-controls={formId}
            onClick={() => setAdding((open) => !open)}
          >
            Add key
          </button>
          <button
            type="button"
            className="byok-button"
            onClick={testAll}
            disabled={validating || (keys.data ?? []).length === 0}
          >
            {validating ? 'Testing…' : 'Test all keys'}
          </button>
        </div>
      </div>
      {validation ? <Notice tone={validation.tone}>{validation.text}</Notice> : null}
      <div id={formId}>
        {adding ? <AddKeyForm onCancel={closeForm} onKeyAdded={() => undefined} /> : null}
      </div>
      <KeyList
        showHealthStatus
        enableBulkActions
        onKeySelect={setSelected}
        emptyAction={
          adding ? null : (
            <button
              type="button"
              className="byok-button byok-button--primary"
              onClick={() => setAdding(true)}
            >
              Add your first key
            </button>
          )
        }
      />
      {selected ? (
        <KeyDetailsCard keyId={selected.id} fallback={selected} onClose={() => setSelected(undefined)} />
      ) : null}
    </div>
  );
}

function KeyDetailsCard({ keyId, fallback, onClose }: { keyId: string; fallback: Key; onClose(): void }) {
  const keys = useKeys();
  const providers = useProviders().data ?? DEFAULT_PROVIDERS;
  const titleId = useId();
  // Follows the list: after a test or a change the details show the new values.
  const key = keys.data?.find((k) => k.id === keyId) ?? fallback;
  const rows: [string, React.ReactNode][] = [
    ['Provider', providerName(providers, key.provider)],
    ['Alias', key.alias ?? '—'],
    ['Key', <code key="hint">{key.keyHint}</code>],
    ['Fingerprint', <code key="fp">{key.fingerprint}</code>],
    ['Environment', key.environment],
    ['Status', key.status],
    ['Health', <HealthScore key="health" score={key.healthScore} />],
    [
      'Last validation',
      key.lastValidatedAt
        ? `${formatDateTime(key.lastValidatedAt)} (${key.lastValidationStatus ?? 'unknown'})`
        : 'Never',
    ],
    ['Description', key.description ?? '—'],
    ['Created', formatDateTime(key.createdAt)],
    ['Updated', formatDateTime(key.updatedAt)],
  ];
  return (
    <section className="byok-card" aria-labelledby={titleId}>
      <div className="byok-toolbar">
        <h2 id={titleId} className="byok-card__title">
          {key.alias ?? 'Key'} details
        </h2>
        <button type="button" className="byok-button byok-button--quiet" onClick={onClose}>
          Close details
        </button>
      </div>
      <dl className="byok-details-list">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
