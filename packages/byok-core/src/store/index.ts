// The store box: every SQL statement of the library, one store per aggregate. Services import the
// store they use from its own file; this list shows the whole box at a glance.
export { type AuditRow, type AuditStore, auditStore, type HeadRow, type StateRow } from './audit-store.js';
export { type DataKeysStore, dataKeysStore, type WrappedDataKey } from './data-keys-store.js';
export { guardIdleConnectionErrors, toDatabase } from './database.js';
export { type EnvImportsStore, envImportsStore } from './env-imports-store.js';
export { type GatewayTokenRow, type GatewayTokensStore, gatewayTokensStore } from './gateway-tokens-store.js';
export { type IncidentsStore, incidentsStore } from './incidents-store.js';
export { type KeyAccessStore, keyAccessStore } from './key-access-store.js';
export { type KeyRow, type KeyRowWithDataKey, type KeysStore, keysStore } from './keys-store.js';
export { type LeasesStore, leasesStore } from './leases-store.js';
export { DatabaseMigration, execScript, type MigrationOptions, type MigrationStatus } from './migrator.js';
export { notifyChannel } from './notify-channel.js';
export { ANY_OWNER, type OwnerScope, ownerCondition } from './owner-filter.js';
export { type StatsStore, statsStore } from './stats-store.js';
export { type SystemFlagsStore, systemFlagsStore } from './system-flags-store.js';
export type { Database, SqlClient } from './types.js';
export { type WorkspacesStore, workspacesStore } from './workspaces-store.js';
