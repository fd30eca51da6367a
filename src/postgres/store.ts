/**
 * `ThreadStore` over PostgreSQL (node-postgres). Invariants:
 * - a thread is a `threads` row plus its `rollout_lines` rows, ordinals dense from 0
 *   (`session_meta`); `create` and each `append` are one transaction (one PL/pgSQL call), so a
 *   returned write is committed and a failed one left nothing behind;
 * - every write presents this store's lease on the thread (holder + fencing token), checked in
 *   the write's own transaction; without a lease a write goes through only while nobody holds
 *   a live lease on the thread;
 * - operations on one thread from this store instance run one at a time, in call order.
 */
import pg from 'pg';
import type { Pool } from 'pg';
import type { ThreadGoal } from '../protocol/goal.js';
import { InvalidCursorError, InvalidRolloutLinesError, ThreadNotFoundError } from '../persistence/errors.js';
import { KeyedQueue } from '../persistence/fs-utils.js';
import { loadRollout } from '../persistence/rollout-codec.js';
import type { RolloutLine, SessionMeta } from '../persistence/rollout-schema.js';
import { clampPageSize, decodeCursor, encodeCursor, firstSessionMeta, toThreadRef } from '../persistence/store.js';
import type { AcquireOptions, ListThreadsOptions, StoredRollout, ThreadLease, ThreadPage, ThreadRef, ThreadStore } from '../persistence/store.js';
import { InvalidPostgresStoreOptionsError, storeError } from './errors.js';
import { LeaseManager } from './leases.js';
import { encodeLines, LINE_COLUMNS, lineText, spawnParent, type LineRow } from './lines.js';
import { migrate, schemaNames, type SchemaNames } from './migrations.js';
import { LineListener, tailLines, type TailedLine, type TailOptions } from './tail.js';

/**
 * Options of `postgresThreadStore`. Give `pool` (the store uses it and never ends it) or
 * `connectionString` (the store makes a pool and ends it on `close`).
 * @example
 * postgresThreadStore({ connectionString: 'postgres://app@127.0.0.1:5432/app', schema: 'turnstate', leaseMs: 15_000 });
 */
export interface PostgresThreadStoreOptions {
  pool?: Pool;
  connectionString?: string;
  /** Schema holding the store's tables (default `turnstate`; `[a-z_][a-z0-9_]*`, at most 40 characters). */
  schema?: string;
  /** Lease lifetime without renewal, ms (default 30 000): how long a crashed worker blocks a thread. */
  leaseMs?: number;
  /** Lease renewal interval, ms (default a third of `leaseMs`). */
  renewMs?: number;
  /** How often `tail` polls when no notification arrives, ms (default 1 000). */
  tailPollMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/**
 * The PostgreSQL thread store; see `postgresThreadStore`.
 * @example
 * const store = new PostgresThreadStore({ connectionString: process.env.DATABASE_URL });
 * for await (const { ordinal, line } of store.tail(threadId)) console.log(ordinal, line.type);
 */
export class PostgresThreadStore implements ThreadStore {
  readonly schema: string;
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #names: SchemaNames;
  readonly #queue = new KeyedQueue();
  readonly #leases: LeaseManager;
  readonly #listener: LineListener;
  readonly #tailPollMs: number;
  #ready: Promise<Pool> | null = null;

  constructor(options: PostgresThreadStoreOptions) {
    if (options.pool === undefined && !options.connectionString) {
      throw new InvalidPostgresStoreOptionsError('postgresThreadStore needs a pool or a connectionString');
    }
    this.schema = options.schema ?? 'turnstate';
    if (!SCHEMA_NAME.test(this.schema)) throw new InvalidPostgresStoreOptionsError(`schema ${JSON.stringify(this.schema)} must match ${SCHEMA_NAME.source}`);
    const leaseMs = options.leaseMs ?? 30_000;
    const renewMs = options.renewMs ?? Math.floor(leaseMs / 3);
    if (!(leaseMs > 0) || !(renewMs > 0) || renewMs >= leaseMs) {
      throw new InvalidPostgresStoreOptionsError(`renewMs (${renewMs}) must be positive and below leaseMs (${leaseMs})`);
    }
    this.#ownsPool = options.pool === undefined;
    this.#pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
    // An idle connection that breaks (server restart) must not crash the host: the pool drops
    // it and the next query connects again. A pool the host passes in is the host's to watch.
    if (this.#ownsPool) this.#pool.on('error', () => undefined);
    this.#names = schemaNames(this.schema);
    this.#tailPollMs = options.tailPollMs ?? 1_000;
    const ready = () => this.ready();
    this.#leases = new LeaseManager(ready, this.#names, { leaseMs, renewMs }, (threadId) => this.#queue.run(threadId, async () => undefined));
    this.#listener = new LineListener(ready, this.#names);
  }

  /** Runs the schema migrations once (every other method waits for them); returns the pool. */
  ready(): Promise<Pool> {
    if (this.#ready === null) {
      const pending = migrate(this.#pool, this.#names, this.schema).then(() => this.#pool);
      this.#ready = pending;
      pending.catch(() => {
        if (this.#ready === pending) this.#ready = null;
      });
    }
    return this.#ready;
  }

  pathFor(meta: SessionMeta): string {
    return `postgres:${this.schema}/${meta.id}`;
  }

  async create(lines: readonly RolloutLine[]): Promise<string> {
    const meta = firstSessionMeta(lines);
    const created = new Date(meta.timestamp);
    if (Number.isNaN(created.getTime())) throw new InvalidRolloutLinesError(`thread ${meta.id} has an invalid creation time`);
    return this.#queue.run(meta.id, async () => {
      const batch = encodeLines(lines);
      const writer = this.#leases.writer(meta.id);
      await this.#query('create', meta.id, `SELECT ${this.#names.fn('create_thread')}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
        meta.id,
        writer?.holder ?? null,
        writer?.token ?? null,
        created.toISOString(),
        meta.cwd,
        JSON.stringify(meta.source ?? null),
        meta.forked_from_id ?? null,
        spawnParent(meta),
        batch.name.value,
        batch.ts,
        batch.kinds,
        batch.payloads,
        batch.texts,
      ]);
      return this.pathFor(meta);
    });
  }

  append(threadId: string, lines: readonly RolloutLine[]): Promise<void> {
    return this.#queue.run(threadId, async () => {
      if (lines.length === 0) return void (await this.#requireThread(threadId));
      const batch = encodeLines(lines);
      const writer = this.#leases.writer(threadId);
      await this.#query('append', threadId, `SELECT ${this.#names.fn('append_lines')}($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        threadId,
        writer?.holder ?? null,
        writer?.token ?? null,
        batch.name.set,
        batch.name.value,
        batch.ts,
        batch.kinds,
        batch.payloads,
        batch.texts,
      ]);
    });
  }

  /** Appends are committed when they resolve; flush waits for those in flight and checks the thread. */
  flush(threadId: string): Promise<void> {
    return this.#queue.run(threadId, () => this.#requireThread(threadId));
  }

  read(ref: string | ThreadRef): Promise<StoredRollout> {
    const target = toThreadRef(ref);
    if ('threadId' in target) return this.#queue.run(target.threadId, () => this.#read(target.threadId, target.threadId));
    const prefix = `postgres:${this.schema}/`;
    const threadId = target.path.startsWith(prefix) ? target.path.slice(prefix.length) : null;
    if (threadId === null || threadId === '') return Promise.reject(new ThreadNotFoundError(target.path));
    return this.#queue.run(threadId, () => this.#read(threadId, target.path));
  }

  async #read(threadId: string, ref: string): Promise<StoredRollout> {
    const { rows } = await this.#query<LineRow & { archived: boolean }>(
      'read',
      threadId,
      `SELECT t.archived, l.* FROM ${this.#names.threads} t
       JOIN LATERAL (SELECT ordinal, ${LINE_COLUMNS} FROM ${this.#names.lines} WHERE thread_id = t.id) l ON true
       WHERE t.id = $1 ORDER BY l.ordinal`,
      [threadId],
    );
    const first = rows[0];
    if (first === undefined) throw new ThreadNotFoundError(ref);
    const path = `postgres:${this.schema}/${threadId}`;
    return { ...loadRollout(rows.map(lineText).join(''), path), path, archived: first.archived };
  }

  async list(options: ListThreadsOptions = {}): Promise<ThreadPage> {
    const pageSize = clampPageSize(options.pageSize);
    const cursor = options.cursor ? decodeCursor(options.cursor) : null;
    const after = cursor === null ? null : new Date(cursor.time);
    if (after !== null && Number.isNaN(after.getTime())) throw new InvalidCursorError(options.cursor ?? '');
    const archived = options.archived === true;
    const { rows } = await this.#query<{ id: string; created_at: Date }>(
      'list',
      '',
      `SELECT id, created_at FROM ${this.#names.threads}
       WHERE archived = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text COLLATE "C"))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [archived, after?.toISOString() ?? null, cursor?.threadId ?? '', pageSize + 1],
    );
    const page = rows.slice(0, pageSize).map((row) => ({
      threadId: row.id,
      path: `postgres:${this.schema}/${row.id}`,
      createdAt: row.created_at.toISOString(),
      archived,
    }));
    const last = page.at(-1);
    const nextCursor = rows.length > pageSize && last !== undefined ? encodeCursor({ time: last.createdAt, threadId: last.threadId }) : null;
    return { threads: page, nextCursor };
  }

  archive(threadId: string): Promise<void> {
    return this.#queue.run(threadId, async () => {
      const { rowCount } = await this.#query(
        'archive',
        threadId,
        `UPDATE ${this.#names.threads} SET archived = true, archived_at = coalesce(archived_at, now()) WHERE id = $1`,
        [threadId],
      );
      if (rowCount === 0) throw new ThreadNotFoundError(threadId);
    });
  }

  delete(threadId: string): Promise<void> {
    return this.#queue.run(threadId, async () => {
      const { rowCount } = await this.#query(
        'delete',
        threadId,
        `WITH gone AS (DELETE FROM ${this.#names.threads} WHERE id = $1 RETURNING id),
              goal AS (DELETE FROM ${this.#names.goals} WHERE thread_id IN (SELECT id FROM gone))
         SELECT id FROM gone`,
        [threadId],
      );
      if (rowCount === 0) throw new ThreadNotFoundError(threadId);
    });
  }

  async findPath(threadId: string): Promise<string | null> {
    const { rowCount } = await this.#query('findPath', threadId, `SELECT 1 FROM ${this.#names.threads} WHERE id = $1`, [threadId]);
    return rowCount === 0 ? null : `postgres:${this.schema}/${threadId}`;
  }

  async acquire(threadId: string, options?: AcquireOptions): Promise<ThreadLease> {
    return this.#leases.acquire(threadId, options);
  }

  /**
   * The lease this store instance holds on a thread (holder and fencing token), or `null`.
   * @example
   * store.heldLease(threadId)?.fencingToken; // e.g. 3
   */
  heldLease(threadId: string): { holder: string; fencingToken: number } | null {
    const writer = this.#leases.writer(threadId);
    return writer === null ? null : { holder: writer.holder, fencingToken: writer.token };
  }

  async readGoal(threadId: string): Promise<ThreadGoal | null> {
    const { rows } = await this.#query<{ goal: ThreadGoal }>('readGoal', threadId, `SELECT goal FROM ${this.#names.goals} WHERE thread_id = $1`, [threadId]);
    return rows[0]?.goal ?? null;
  }

  /**
   * Fenced like appends: with a lease held, a stale writer's goal write is refused. Throws
   * `ThreadNotFoundError` when the thread is not stored (the `ThreadStore` contract).
   */
  writeGoal(threadId: string, goal: ThreadGoal | null): Promise<void> {
    return this.#queue.run(threadId, async () => {
      const writer = this.#leases.writer(threadId);
      const check = `WITH ok AS (SELECT ${this.#names.fn('check_writer')}($1, $2, $3)),
        thread AS (SELECT id FROM ${this.#names.threads} WHERE id = $1)`;
      const params = [threadId, writer?.holder ?? null, writer?.token ?? null];
      const write =
        goal === null
          ? `gone AS (DELETE FROM ${this.#names.goals} WHERE thread_id IN (SELECT id FROM thread) AND EXISTS (SELECT 1 FROM ok))`
          : `put AS (INSERT INTO ${this.#names.goals} (thread_id, goal) SELECT id, $4::jsonb FROM thread, ok
               ON CONFLICT (thread_id) DO UPDATE SET goal = EXCLUDED.goal, updated_at = now())`;
      const { rows } = await this.#query<{ stored: boolean }>(
        'writeGoal',
        threadId,
        `${check}, ${write} SELECT EXISTS (SELECT 1 FROM thread) AS stored FROM ok`,
        goal === null ? params : [...params, JSON.stringify(goal)],
      );
      if (rows[0]?.stored !== true) throw new ThreadNotFoundError(threadId);
    });
  }

  /**
   * The thread's lines from `fromOrdinal` on, then every line appended later (by any worker),
   * as they commit: LISTEN/NOTIFY with polling as the fallback. Ends on `signal` or when the
   * thread is deleted; throws `ThreadNotFoundError` for a thread that does not exist.
   */
  tail(threadId: string, fromOrdinal = 0, options: TailOptions = {}): AsyncIterable<TailedLine> {
    const pollMs = options.pollMs ?? this.#tailPollMs;
    return tailLines(() => this.ready(), this.#names, this.#listener, threadId, fromOrdinal, { ...options, pollMs });
  }

  /** Releases this store's leases, stops listening, and ends the pool if the store made it. */
  async close(): Promise<void> {
    await this.#leases.releaseAll().catch(() => undefined);
    await this.#listener.close();
    if (this.#ownsPool) await this.#pool.end();
  }

  async #requireThread(threadId: string): Promise<void> {
    if ((await this.findPath(threadId)) === null) throw new ThreadNotFoundError(threadId);
  }

  async #query<R extends object = Record<string, unknown>>(operation: string, threadId: string, sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    const pool = await this.ready();
    try {
      return await pool.query<R>(sql, params);
    } catch (error) {
      throw storeError(error, operation, threadId);
    }
  }
}

/**
 * A `ThreadStore` in PostgreSQL: threads, rollout lines (`jsonb` payloads), goals, and
 * per-thread write leases with fencing tokens; the schema is created and migrated on first use.
 * Throws `InvalidPostgresStoreOptionsError` for unusable options. (ARCHITECTURE "Scaling out".)
 * @example
 * import { postgresThreadStore } from 'turnstate/postgres';
 * const store = postgresThreadStore({ connectionString: process.env.DATABASE_URL });
 * const thread = await createThread({ model, store, resume: { threadId } });
 */
export function postgresThreadStore(options: PostgresThreadStoreOptions): PostgresThreadStore {
  return new PostgresThreadStore(options);
}
