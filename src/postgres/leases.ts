/**
 * Per-thread write leases in PostgreSQL. A lease is one row (holder, fencing token, expiry)
 * taken in one statement: inserted, or taken over when released or expired, which raises the
 * fencing token. Expiry is judged by the database clock only, so workers' clocks never matter.
 * While held, a timer (unref'd) pushes the expiry forward; a renewal that finds the row taken
 * marks the lease lost. Writes check holder and token inside their own transaction
 * (`check_writer`), so a paused or partitioned worker's late write is refused.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { ThreadBusyError } from '../persistence/errors.js';
import type { AcquireOptions, ThreadLease } from '../persistence/store.js';
import { storeError } from './errors.js';
import type { SchemaNames } from './migrations.js';

/** A lease this store holds: what its writes present to `check_writer`. */
interface HeldLease {
  readonly holder: string;
  readonly token: number;
  timer: NodeJS.Timeout | null;
  lost: boolean;
}

/**
 * Timing of leases, in milliseconds.
 * @example
 * const timing: LeaseTiming = { leaseMs: 30_000, renewMs: 10_000 };
 */
export interface LeaseTiming {
  /** How long a lease lives without renewal (crash → takeover after at most this long). */
  leaseMs: number;
  /** How often a held lease is renewed (below `leaseMs`). */
  renewMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The default holder name: host, pid and a random token.
 * @example
 * defaultHolder(); // 'worker-7:4121:9f1c2a3b'
 */
export function defaultHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Takes, renews and releases leases for one store instance.
 * @example
 * const leases = new LeaseManager(pool, names, { leaseMs: 30_000, renewMs: 10_000 }, drain);
 * const lease = await leases.acquire(threadId, { waitMs: 1_000 });
 */
export class LeaseManager {
  readonly #held = new Map<string, HeldLease>();

  constructor(
    private readonly ready: () => Promise<Pool>,
    private readonly names: SchemaNames,
    private readonly timing: LeaseTiming,
    /** Resolves once this store's writes to the thread issued so far are done. */
    private readonly drain: (threadId: string) => Promise<void>,
  ) {}

  /** Holder and token this store presents when writing the thread (`null`: it holds no lease). */
  writer(threadId: string): { holder: string; token: number } | null {
    const held = this.#held.get(threadId);
    return held === undefined ? null : { holder: held.holder, token: held.token };
  }

  async acquire(threadId: string, options: AcquireOptions = {}): Promise<ThreadLease> {
    const holder = options.holder ?? defaultHolder();
    const deadline = Date.now() + Math.max(options.waitMs ?? 0, 0);
    for (;;) {
      const token = await this.#tryTake(threadId, holder);
      if (typeof token === 'number') return this.#hold(threadId, holder, token);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new ThreadBusyError(threadId, token.holder);
      await sleep(Math.min(remaining, 100));
    }
  }

  /** Releases every lease this store holds (best effort), stopping their renewals. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.#held.keys()].map((threadId) => this.#release(threadId, this.#held.get(threadId))));
  }

  async #tryTake(threadId: string, holder: string): Promise<number | { holder: string }> {
    const pool = await this.ready();
    try {
      const taken = await pool.query<{ fencing_token: string }>(
        `INSERT INTO ${this.names.leases} AS l (thread_id, holder, fencing_token, acquired_at, expires_at)
         VALUES ($1, $2, 1, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (thread_id) DO UPDATE SET holder = EXCLUDED.holder, fencing_token = l.fencing_token + 1,
           acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
         WHERE l.holder IS NULL OR l.expires_at <= clock_timestamp()
         RETURNING fencing_token`,
        [threadId, holder, this.timing.leaseMs],
      );
      const row = taken.rows[0];
      if (row !== undefined) return Number(row.fencing_token);
      const current = await pool.query<{ holder: string | null }>(`SELECT holder FROM ${this.names.leases} WHERE thread_id = $1`, [threadId]);
      return { holder: current.rows[0]?.holder ?? '(unknown)' };
    } catch (error) {
      throw storeError(error, 'acquire', threadId);
    }
  }

  #hold(threadId: string, holder: string, token: number): ThreadLease {
    const previous = this.#held.get(threadId);
    if (previous?.timer) clearInterval(previous.timer);
    const held: HeldLease = { holder, token, timer: null, lost: false };
    held.timer = setInterval(() => void this.#renew(threadId, held), this.timing.renewMs);
    held.timer.unref();
    this.#held.set(threadId, held);
    return { threadId, holder, fencingToken: token, release: () => this.#release(threadId, held) };
  }

  async #renew(threadId: string, held: HeldLease): Promise<void> {
    if (held.lost || this.#held.get(threadId) !== held) return;
    try {
      const pool = await this.ready();
      const renewed = await pool.query(
        `UPDATE ${this.names.leases} SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
         WHERE thread_id = $1 AND holder = $2 AND fencing_token = $3`,
        [threadId, held.holder, held.token, this.timing.leaseMs],
      );
      if (renewed.rowCount === 0) {
        // Taken over (or released elsewhere): stop renewing; writes will be refused by the token check.
        held.lost = true;
        if (held.timer) clearInterval(held.timer);
      }
    } catch {
      // A failed renewal (connection trouble) is retried at the next tick; expiry decides.
    }
  }

  async #release(threadId: string, held: HeldLease | undefined): Promise<void> {
    if (held === undefined) return;
    if (held.timer) clearInterval(held.timer);
    held.timer = null;
    // Writes already issued under this lease go out before the lease is given up.
    await this.drain(threadId).catch(() => undefined);
    if (this.#held.get(threadId) !== held) return;
    this.#held.delete(threadId);
    if (held.lost) return;
    const pool = await this.ready();
    try {
      await pool.query(
        `UPDATE ${this.names.leases} SET holder = NULL, expires_at = clock_timestamp()
         WHERE thread_id = $1 AND holder = $2 AND fencing_token = $3`,
        [threadId, held.holder, held.token],
      );
    } catch (error) {
      throw storeError(error, 'release', threadId);
    }
  }
}
