/**
 * Typed errors of the PostgreSQL thread store, and the mapping of the store's own SQLSTATEs
 * (raised by its PL/pgSQL functions) onto the persistence layer's errors.
 */
import {
  LeaseLostError,
  PersistenceError,
  ThreadBusyError,
  ThreadExistsError,
  ThreadNotFoundError,
  errorMessage,
} from '../persistence/errors.js';

/**
 * `postgresThreadStore` was given options it cannot use (no pool or URL, a bad schema name, …).
 * @example
 * new InvalidPostgresStoreOptionsError('schema must match [a-z_][a-z0-9_]*').code; // 'invalid_postgres_store_options'
 */
export class InvalidPostgresStoreOptionsError extends PersistenceError {
  constructor(message: string) {
    super('invalid_postgres_store_options', 'host', message);
  }
}

/**
 * The schema was migrated by a newer turnstate than this one; this version will not touch it.
 * @example
 * new PostgresSchemaError('turnstate', 3, 1).code; // 'postgres_schema_too_new'
 */
export class PostgresSchemaError extends PersistenceError {
  readonly schema: string;
  readonly version: number;
  constructor(schema: string, version: number, known: number) {
    super('postgres_schema_too_new', 'host', `schema ${schema} is at version ${version}; this turnstate knows versions up to ${known}`);
    this.schema = schema;
    this.version = version;
  }
}

/**
 * A query of the PostgreSQL store failed (connection lost, server error); `cause` is the
 * node-postgres error, `sqlState` its SQLSTATE when the server sent one.
 * @example
 * try { await store.list(); } catch (e) { if (e instanceof PostgresStoreError) console.log(e.sqlState); }
 */
export class PostgresStoreError extends PersistenceError {
  readonly sqlState: string | null;
  constructor(operation: string, cause: unknown) {
    super('postgres_store_failed', 'engine', `PostgreSQL thread store: ${operation} failed: ${errorMessage(cause)}`, { cause });
    this.sqlState = sqlStateOf(cause);
  }
}

function sqlStateOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * Turns an error thrown by a query into the persistence error it stands for.
 * @example
 * try { await pool.query(sql) } catch (e) { throw storeError(e, 'append', threadId); }
 */
export function storeError(error: unknown, operation: string, threadId: string): Error {
  if (error instanceof PersistenceError) return error;
  const detail = typeof error === 'object' && error !== null && 'detail' in error ? String((error as { detail: unknown }).detail ?? '') : '';
  switch (sqlStateOf(error)) {
    case 'TS001':
      return new ThreadNotFoundError(threadId);
    case 'TS002':
      return new LeaseLostError(threadId, detail === '' ? '(nobody)' : detail);
    case 'TS003':
      return new ThreadBusyError(threadId, detail);
    case 'TS004':
      return new ThreadExistsError(threadId);
    default:
      return new PostgresStoreError(operation, error);
  }
}
