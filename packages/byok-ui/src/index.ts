export {
  BYOKApiError,
  type BYOKClient,
  type BYOKClientOptions,
  createBYOKClient,
  type TokenSource,
} from './api/client.js';
export type * from './api/types.js';
export { AddKeyForm, type AddKeyFormProps } from './components/add-key-form.js';
export { AlertsPanel } from './components/alerts-panel.js';
export { AuditTrail, type AuditTrailProps } from './components/audit-trail.js';
export { BYOKProvider, type BYOKProviderProps } from './components/byok-provider.js';
export { FallbackChainEditor, type FallbackChainEditorProps } from './components/fallback-chain-editor.js';
export { GatewayPanel, type GatewayPanelProps } from './components/gateway-panel.js';
export { KeyList, type KeyListProps } from './components/key-list.js';
export {
  type DashboardTab,
  KeyManagementDashboard,
  type KeyManagementDashboardProps,
} from './components/key-management-dashboard.js';
export { UsageDashboard, type UsageDashboardProps } from './components/usage-dashboard.js';
export { WorkspacesPanel } from './components/workspaces-panel.js';
export type { BYOKContextValue } from './context.js';
export { credentialProblems, fieldProblem } from './credentials.js';
export { formatCost } from './format.js';
export { type AuditTrailState, useAuditTrail } from './hooks/use-audit-trail.js';
export { useBYOK } from './hooks/use-byok.js';
export { useFallbackChain } from './hooks/use-fallback-chain.js';
export { useGatewayTokens } from './hooks/use-gateway-tokens.js';
export { type KeyActions, useKeyActions } from './hooks/use-key-actions.js';
export { useKeys } from './hooks/use-keys.js';
export { useMe } from './hooks/use-me.js';
export { useProviders } from './hooks/use-providers.js';
export type { Resource } from './hooks/use-resource.js';
export { useUsageAnalytics } from './hooks/use-usage-analytics.js';
export { useMembers, useWorkspaces } from './hooks/use-workspaces.js';
