/**
 * PostgreSQL settings of the embedded database. PGlite starts with 160 MB of shared buffers, sized
 * for a server; the embedded store of one service holds a few megabytes of keys and reads through
 * the OS page cache anyway, so 16 MB is plenty and takes ~120 MB off the idle RSS (measured in
 * bench/http.ts). Production installations use PostgreSQL (`DATABASE_URL`), not these.
 */
export const PGLITE_SETTINGS = [
  'shared_buffers = 16MB',
  'wal_buffers = 1MB',
  'temp_buffers = 1MB',
  'work_mem = 2MB',
  'maintenance_work_mem = 16MB',
];
