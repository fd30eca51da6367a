/**
 * Leases and fencing of the PostgreSQL store, in one process: two store instances with their
 * own pools stand for two workers. A worker paused past its lease is simulated by moving the
 * lease's expiry into the past in SQL (no sleeping on the wall clock).
 */
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ThreadGoal } from 'turnstate';
import type { RolloutLine } from '../../src/persistence/index.js';
import { dropStores, endAdmin, freshSchema, PG_URL, pgStore } from './support.js';

afterEach(dropStores);
afterAll(endAdmin);

const THREAD = '0193e0b2-7a4c-7000-8000-00000000aaaa';
const at = '2026-04-25T10:00:00.000Z';
const meta: RolloutLine = { timestamp: at, type: 'session_meta', payload: { id: THREAD, timestamp: at, cwd: '/w', originator: 'test', cli_version: '0', source: 'cli' } };
const msg = (text: string): RolloutLine => ({ timestamp: at, type: 'event_msg', payload: { type: 'agent_message', message: text } });
const texts = (items: readonly { type: string; payload: unknown }[]) =>
  items.flatMap((i) => (i.type === 'event_msg' ? [(i.payload as { message?: string }).message] : []));
const goal = (objective: string): ThreadGoal => ({
  threadId: THREAD,
  objective,
  status: 'active',
  tokenBudget: null,
  tokensUsed: 0,
  timeUsedSeconds: 0,
  createdAt: 1,
  updatedAt: 1,
});

/** Ends the lease of `thread` now, as if its holder had been paused past the expiry. */
async function expireLease(schema: string, thread: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: PG_URL ?? '', max: 1 });
  try {
    await pool.query(`UPDATE "${schema}".leases SET expires_at = clock_timestamp() - interval '1 second' WHERE thread_id = $1`, [thread]);
  } finally {
    await pool.end();
  }
}

describe.skipIf(PG_URL === null)('PostgreSQL store leases', () => {
  it('a held thread is busy for another worker, naming the holder; release hands it over with a higher token', async () => {
    const schema = freshSchema();
    const a = pgStore({ schema });
    const b = pgStore({ schema });
    const leaseA = await a.acquire(THREAD, { holder: 'worker-a' });
    await expect(b.acquire(THREAD, { holder: 'worker-b' })).rejects.toMatchObject({ code: 'thread_busy', holder: 'worker-a', threadId: THREAD });
    await expect(a.acquire(THREAD, { holder: 'worker-a2' })).rejects.toMatchObject({ code: 'thread_busy', holder: 'worker-a' });

    const waiting = b.acquire(THREAD, { holder: 'worker-b', waitMs: 10_000 });
    await leaseA.release();
    await leaseA.release();
    const leaseB = await waiting;
    expect(leaseB.holder).toBe('worker-b');
    expect(leaseB.fencingToken).toBeGreaterThan(leaseA.fencingToken);
  });

  it('the holder writes; a writer without the lease is refused while it is live', async () => {
    const schema = freshSchema();
    const a = pgStore({ schema });
    const b = pgStore({ schema });
    await a.acquire(THREAD, { holder: 'worker-a' });
    await a.create([meta, msg('a1')]);
    await expect(b.append(THREAD, [msg('intruder')])).rejects.toMatchObject({ code: 'thread_busy', holder: 'worker-a' });
    await expect(b.create([{ ...meta }])).rejects.toMatchObject({ code: 'thread_busy' });
    await a.append(THREAD, [msg('a2')]);
    expect(texts((await b.read(THREAD)).items)).toEqual(['a1', 'a2']);
  });

  it('after expiry another worker takes over; the stale writer is fenced off for lines and goals', async () => {
    const schema = freshSchema();
    const a = pgStore({ schema, leaseMs: 60_000, renewMs: 20_000 });
    const b = pgStore({ schema });
    const leaseA = await a.acquire(THREAD, { holder: 'worker-a' });
    await a.create([meta, msg('a1')]);
    await a.writeGoal(THREAD, goal('from a'));
    await expireLease(schema, THREAD);

    const leaseB = await b.acquire(THREAD, { holder: 'worker-b' });
    expect(leaseB.fencingToken).toBe(leaseA.fencingToken + 1);
    await expect(a.append(THREAD, [msg('stale')])).rejects.toMatchObject({ code: 'lease_lost', holder: 'worker-b' });
    await expect(a.writeGoal(THREAD, goal('stale goal'))).rejects.toMatchObject({ code: 'lease_lost' });
    await b.append(THREAD, [msg('b1')]);
    await b.writeGoal(THREAD, goal('from b'));
    await expect(a.append(THREAD, [msg('still stale')])).rejects.toMatchObject({ code: 'lease_lost' });

    expect(texts((await a.read(THREAD)).items)).toEqual(['a1', 'b1']);
    expect((await a.readGoal(THREAD))?.objective).toBe('from b');
    await leaseA.release();
    expect(texts((await b.read(THREAD)).items)).toEqual(['a1', 'b1']);
  });

  it('a takeover waits for a write in flight under the old lease, so that write lands before the new holder reads', async () => {
    const schema = freshSchema();
    const a = pgStore({ schema });
    const b = pgStore({ schema });
    const leaseA = await a.acquire(THREAD, { holder: 'worker-a' });
    await a.create([meta, msg('a1')]);
    await expireLease(schema, THREAD);
    // worker-a's append, caught between its statement and its commit (as on a slow network).
    const inFlight = new pg.Client({ connectionString: PG_URL ?? '' });
    await inFlight.connect();
    const observer = new pg.Pool({ connectionString: PG_URL ?? '', max: 1 });
    try {
      await inFlight.query('BEGIN');
      await inFlight.query(`SELECT "${schema}".append_lines($1, $2, $3, false, NULL, $4, $5, $6, $7)`, [
        THREAD,
        'worker-a',
        leaseA.fencingToken,
        [at],
        ['event_msg'],
        [JSON.stringify(msg('a2 in flight').payload)],
        [null],
      ]);
      let taken = false;
      const takeover = b.acquire(THREAD, { holder: 'worker-b' }).then((lease) => ((taken = true), lease));
      for (;;) {
        const { rows } = await observer.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`, [`%"${schema}".leases%`]);
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(taken).toBe(false);
      await inFlight.query('COMMIT');
      const leaseB = await takeover;
      expect(leaseB.fencingToken).toBe(leaseA.fencingToken + 1);
      expect(texts((await b.read(THREAD)).items)).toEqual(['a1', 'a2 in flight']);
      await expect(a.append(THREAD, [msg('a3')])).rejects.toMatchObject({ code: 'lease_lost' });
    } finally {
      await inFlight.end();
      await observer.end();
    }
  });

  it('renews a held lease, so it outlives its first expiry', async () => {
    const schema = freshSchema();
    const a = pgStore({ schema, leaseMs: 1_500, renewMs: 100 });
    const b = pgStore({ schema });
    await a.acquire(THREAD, { holder: 'worker-a' });
    // Wait (on the database clock) until well past the first expiry, then check it was pushed on.
    const pool = new pg.Pool({ connectionString: PG_URL ?? '', max: 1 });
    try {
      const { rows } = await pool.query<{ first: Date }>(`SELECT expires_at AS first FROM "${schema}".leases WHERE thread_id = $1`, [THREAD]);
      const first = rows[0]?.first ?? new Date(0);
      for (;;) {
        const now = await pool.query<{ now: Date; expires: Date }>(`SELECT clock_timestamp() AS now, expires_at AS expires FROM "${schema}".leases WHERE thread_id = $1`, [THREAD]);
        const row = now.rows[0];
        if (row === undefined) throw new Error('lease row vanished');
        if (row.now > first) {
          expect(row.expires.getTime()).toBeGreaterThan(first.getTime());
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await pool.end();
    }
    await expect(b.acquire(THREAD)).rejects.toMatchObject({ code: 'thread_busy', holder: 'worker-a' });
  });

  it('goals: absent, written, replaced, removed', async () => {
    const store = pgStore();
    await store.create([meta]);
    expect(await store.readGoal(THREAD)).toBeNull();
    await store.writeGoal(THREAD, goal('first'));
    await store.writeGoal(THREAD, goal('second'));
    expect(await store.readGoal(THREAD)).toEqual(goal('second'));
    await store.writeGoal(THREAD, null);
    expect(await store.readGoal(THREAD)).toBeNull();
  });
});
