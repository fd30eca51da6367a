/**
 * The versioned schema of the PostgreSQL thread store. Each migration runs once per schema, in
 * version order, inside one transaction that holds a transaction-scoped advisory lock, so
 * workers starting at the same time never apply a migration twice.
 *
 * Hand-written rather than a migration library: the store needs a handful of idempotent DDL
 * steps run from inside a library (no CLI, no migration files on disk, a schema chosen at run
 * time); node-pg-migrate and postgres-migrations both expect files in a directory.
 */
import type { Pool } from 'pg';
import { PostgresSchemaError } from './errors.js';

/** Class id of the advisory lock that guards migrations (the schema name's hash is the second key). */
const MIGRATION_LOCK_CLASS = 0x7475726e; // 'turn'

/**
 * Quoted SQL names of a store's schema objects.
 * @example
 * const names = schemaNames('turnstate'); names.threads; // '"turnstate".threads'
 */
export interface SchemaNames {
  schema: string;
  threads: string;
  lines: string;
  leases: string;
  goals: string;
  migrations: string;
  /** NOTIFY channel of appended lines (payload: `<thread id> <line count>`). */
  channel: string;
  fn(name: string): string;
}

/**
 * The quoted names for a schema (validated by the caller to `[a-z_][a-z0-9_]*`).
 * @example
 * schemaNames('ts_test').lines; // '"ts_test".rollout_lines'
 */
export function schemaNames(schema: string): SchemaNames {
  const q = `"${schema}"`;
  return {
    schema: q,
    threads: `${q}.threads`,
    lines: `${q}.rollout_lines`,
    leases: `${q}.leases`,
    goals: `${q}.goals`,
    migrations: `${q}.schema_migrations`,
    channel: `${schema}.rollout_lines`,
    fn: (name) => `${q}.${name}`,
  };
}

interface Migration {
  version: number;
  name: string;
  sql(n: SchemaNames): string;
}

/** Raises the writer check of every write: the caller's lease must be current, or nobody's live. */
const checkWriter = (n: SchemaNames) => `
CREATE FUNCTION ${n.fn('check_writer')}(p_thread text, p_holder text, p_token bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE l record;
BEGIN
  -- FOR SHARE: a takeover (UPDATE of this row) waits for writes in flight and vice versa.
  SELECT holder, fencing_token, expires_at INTO l FROM ${n.leases} WHERE thread_id = p_thread FOR SHARE;
  IF p_holder IS NOT NULL THEN
    IF NOT FOUND OR l.holder IS DISTINCT FROM p_holder OR l.fencing_token <> p_token THEN
      RAISE EXCEPTION 'lease lost' USING ERRCODE = 'TS002', DETAIL = coalesce(l.holder, '');
    END IF;
  ELSIF FOUND AND l.holder IS NOT NULL AND l.expires_at > clock_timestamp() THEN
    RAISE EXCEPTION 'thread busy' USING ERRCODE = 'TS003', DETAIL = l.holder;
  END IF;
END $fn$;`;

const insertLines = (n: SchemaNames) => `
CREATE FUNCTION ${n.fn('insert_lines')}(p_thread text, p_base integer, p_ts timestamptz[], p_kinds text[], p_payloads text[], p_texts text[]) RETURNS integer
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO ${n.lines} (thread_id, ordinal, ts, kind, payload, payload_text)
    SELECT p_thread, p_base + u.i - 1, u.ts, u.kind, u.payload::jsonb, u.txt
    FROM unnest(p_ts, p_kinds, p_payloads, p_texts) WITH ORDINALITY AS u(ts, kind, payload, txt, i);
  PERFORM pg_notify('${n.channel}', p_thread || ' ' || (p_base + cardinality(p_kinds)));
  RETURN p_base + cardinality(p_kinds);
END $fn$;`;

const createThread = (n: SchemaNames) => `
CREATE FUNCTION ${n.fn('create_thread')}(p_thread text, p_holder text, p_token bigint, p_created timestamptz, p_cwd text,
  p_source jsonb, p_forked_from text, p_parent text, p_name text,
  p_ts timestamptz[], p_kinds text[], p_payloads text[], p_texts text[]) RETURNS integer
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM ${n.fn('check_writer')}(p_thread, p_holder, p_token);
  INSERT INTO ${n.threads} (id, created_at, cwd, source, forked_from_id, parent_thread_id, name, line_count)
    VALUES (p_thread, p_created, p_cwd, p_source, p_forked_from, p_parent, p_name, cardinality(p_kinds))
    ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN RAISE EXCEPTION 'thread exists' USING ERRCODE = 'TS004'; END IF;
  RETURN ${n.fn('insert_lines')}(p_thread, 0, p_ts, p_kinds, p_payloads, p_texts);
END $fn$;`;

const appendLines = (n: SchemaNames) => `
CREATE FUNCTION ${n.fn('append_lines')}(p_thread text, p_holder text, p_token bigint, p_set_name boolean, p_name text,
  p_ts timestamptz[], p_kinds text[], p_payloads text[], p_texts text[]) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE base integer;
BEGIN
  PERFORM ${n.fn('check_writer')}(p_thread, p_holder, p_token);
  -- The row lock on the thread orders concurrent appenders; ordinals stay dense.
  UPDATE ${n.threads} SET line_count = line_count + cardinality(p_kinds), updated_at = now(),
      name = CASE WHEN p_set_name THEN p_name ELSE name END
    WHERE id = p_thread RETURNING line_count - cardinality(p_kinds) INTO base;
  IF NOT FOUND THEN RAISE EXCEPTION 'thread not found' USING ERRCODE = 'TS001'; END IF;
  RETURN ${n.fn('insert_lines')}(p_thread, base, p_ts, p_kinds, p_payloads, p_texts);
END $fn$;`;

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'threads, rollout lines, leases, goals',
    sql: (n) => `
CREATE TABLE ${n.threads} (
  id text COLLATE "C" PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  cwd text,
  name text,
  source jsonb,
  forked_from_id text,
  parent_thread_id text,
  archived boolean NOT NULL DEFAULT false,
  archived_at timestamptz,
  line_count integer NOT NULL
);
CREATE INDEX threads_listing ON ${n.threads} (archived, created_at DESC, id DESC);
CREATE INDEX threads_forked_from ON ${n.threads} (forked_from_id) WHERE forked_from_id IS NOT NULL;
CREATE INDEX threads_parent ON ${n.threads} (parent_thread_id) WHERE parent_thread_id IS NOT NULL;
CREATE TABLE ${n.lines} (
  thread_id text COLLATE "C" NOT NULL REFERENCES ${n.threads} (id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  ts timestamptz NOT NULL,
  kind text NOT NULL,
  payload jsonb,
  -- jsonb cannot hold U+0000 or lone surrogates; such payloads keep their JSON text here.
  payload_text text,
  PRIMARY KEY (thread_id, ordinal),
  CHECK ((payload IS NULL) <> (payload_text IS NULL))
);
CREATE TABLE ${n.leases} (
  thread_id text COLLATE "C" PRIMARY KEY,
  holder text,
  fencing_token bigint NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE ${n.goals} (
  thread_id text COLLATE "C" PRIMARY KEY,
  goal jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
${checkWriter(n)}
${insertLines(n)}
${createThread(n)}
${appendLines(n)}`,
  },
];

/**
 * The newest schema version this code knows.
 * @example
 * LATEST_SCHEMA_VERSION; // 1
 */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/**
 * Brings the schema up to date (creating it when missing); safe to run from many workers at
 * once. Throws `PostgresSchemaError` when the schema was migrated by a newer turnstate.
 * @example
 * await migrate(pool, schemaNames('turnstate'));
 */
export async function migrate(pool: Pool, names: SchemaNames, schema: string): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${names.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${names.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${names.migrations}`);
    const done = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...done);
    if (newest > LATEST_SCHEMA_VERSION) throw new PostgresSchemaError(schema, newest, LATEST_SCHEMA_VERSION);
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql(names));
      await client.query(`INSERT INTO ${names.migrations} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
