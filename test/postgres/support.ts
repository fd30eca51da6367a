/**
 * Helpers of the PostgreSQL store tests: the test cluster's URL (or why there is none), and
 * stores in fresh schemas that are dropped after each test.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { PostgresThreadStore, type PostgresThreadStoreOptions } from 'turnstate/postgres';

/** The test cluster's URL, or `null` when PostgreSQL could not be started. */
export const PG_URL: string | null = inject('turnstatePgUrl');

/** Why the PostgreSQL tests skip (empty when they run). */
export const PG_SKIP_REASON: string = inject('turnstatePgSkipReason');

if (PG_URL === null) console.warn(`skipping PostgreSQL store tests: ${PG_SKIP_REASON}`);

const made: Array<{ store: PostgresThreadStore; schema: string }> = [];
let admin: pg.Pool | null = null;

/** A fresh schema name. */
export const freshSchema = (): string => `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

/** A store over the test cluster in a fresh schema (dropped by {@link dropStores}). */
export function pgStore(options: Partial<PostgresThreadStoreOptions> = {}): PostgresThreadStore {
  if (PG_URL === null) throw new Error(`no PostgreSQL: ${PG_SKIP_REASON}`);
  const schema = options.schema ?? freshSchema();
  const store = new PostgresThreadStore({ connectionString: PG_URL, ...options, schema });
  made.push({ store, schema });
  return store;
}

/** Closes every store made by {@link pgStore} and drops their schemas. */
export async function dropStores(): Promise<void> {
  const stores = made.splice(0);
  for (const { store } of stores) await store.close().catch(() => undefined);
  if (stores.length === 0 || PG_URL === null) return;
  admin ??= new pg.Pool({ connectionString: PG_URL, max: 1 });
  for (const schema of new Set(stores.map((s) => s.schema))) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Ends the admin pool (call from `afterAll`). */
export async function endAdmin(): Promise<void> {
  await admin?.end();
  admin = null;
}
