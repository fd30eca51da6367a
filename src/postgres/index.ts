/**
 * `turnstate/postgres`: a `ThreadStore` in PostgreSQL over `pg` (node-postgres, an optional
 * peer dependency), with per-thread write leases and fencing, a tail of a thread's lines for
 * other workers, and an import of a rollout tree on disk.
 */
export { PostgresThreadStore, postgresThreadStore, type PostgresThreadStoreOptions } from './store.js';
export { InvalidPostgresStoreOptionsError, PostgresSchemaError, PostgresStoreError } from './errors.js';
export { LATEST_SCHEMA_VERSION } from './migrations.js';
export type { TailedLine, TailOptions } from './tail.js';
export { importRolloutTree, type ImportReport, type ImportRolloutTreeOptions } from './import.js';
