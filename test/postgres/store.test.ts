/**
 * The PostgreSQL store beyond the conformance suite: reads equal the file store's for the
 * same lines (payloads jsonb cannot hold included), thread metadata columns, concurrent
 * migrations, and tailing a thread written by another worker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JsonlThreadStore, type RolloutLine } from '../../src/persistence/index.js';
import type { TailedLine } from 'turnstate/postgres';
import { dropStores, endAdmin, freshSchema, PG_URL, pgStore } from './support.js';

afterEach(dropStores);
afterAll(endAdmin);

const THREAD = '0193e0b2-7a4c-7000-8000-00000000bbbb';
const at = (ms = 0) => new Date(Date.UTC(2026, 3, 25, 10) + ms).toISOString();
const meta = (source: unknown = 'cli', forked?: string): RolloutLine =>
  ({
    timestamp: at(),
    type: 'session_meta',
    payload: { id: THREAD, timestamp: at(), cwd: '/w', originator: 'test', cli_version: '0', source, ...(forked ? { forked_from_id: forked } : {}) },
  }) as RolloutLine;
const msg = (text: string, ms = 0): RolloutLine => ({ timestamp: at(ms), type: 'event_msg', payload: { type: 'agent_message', message: text } });

async function withAdmin<T>(body: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: PG_URL ?? '', max: 2 });
  try {
    return await body(pool);
  } finally {
    await pool.end();
  }
}

describe.skipIf(PG_URL === null)('PostgreSQL store', () => {
  it('reads back what the file store reads back, including text jsonb cannot hold (U+0000, lone surrogates)', async () => {
    const lines: RolloutLine[] = [
      meta(),
      msg('plain', 1),
      msg('nul \u0000 byte', 2),
      msg('lone \ud800 surrogate', 3),
      msg('emoji 🙂 and "quotes" and \\u0000 literally', 4),
      { timestamp: at(5), type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x\ny' }] } },
      { timestamp: at(6), type: 'compacted', payload: { message: 'summary' } },
    ];
    const home = await mkdtemp(join(tmpdir(), 'turnstate-pg-parity-'));
    try {
      const files = new JsonlThreadStore({ home });
      await files.create(lines.slice(0, 2));
      await files.append(THREAD, lines.slice(2));
      const store = pgStore();
      await store.create(lines.slice(0, 2));
      await store.append(THREAD, lines.slice(2));
      const fromFile = await files.read(THREAD);
      const fromPg = await store.read(THREAD);
      expect(fromPg.lines).toEqual(fromFile.lines);
      expect(fromPg.items).toEqual(fromFile.items);
      expect(fromPg.meta).toEqual(fromFile.meta);
      expect(fromPg.skipped).toEqual([]);
      expect(fromPg).toMatchObject({ threadId: THREAD, archived: false, path: `postgres:${store.schema}/${THREAD}` });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('keeps thread metadata in columns: name, source, fork and spawn edges, dense ordinals', async () => {
    const store = pgStore();
    const source = { subagent: { thread_spawn: { parent_thread_id: 'parent-1', depth: 1 } } };
    await store.create([meta(source, 'origin-1'), msg('a')]);
    await store.append(THREAD, [{ timestamp: at(1), type: 'event_msg', payload: { type: 'thread_name_updated', thread_id: THREAD, thread_name: 'fix the build' } }]);
    await store.append(THREAD, [msg('b'), msg('c')]);
    await withAdmin(async (pool) => {
      const thread = await pool.query(`SELECT name, source, forked_from_id, parent_thread_id, line_count, cwd FROM "${store.schema}".threads`);
      expect(thread.rows).toEqual([{ name: 'fix the build', source, forked_from_id: 'origin-1', parent_thread_id: 'parent-1', line_count: 5, cwd: '/w' }]);
      const ordinals = await pool.query(`SELECT ordinal, kind FROM "${store.schema}".rollout_lines ORDER BY ordinal`);
      expect(ordinals.rows.map((r) => [r.ordinal, r.kind])).toEqual([
        [0, 'session_meta'],
        [1, 'event_msg'],
        [2, 'event_msg'],
        [3, 'event_msg'],
        [4, 'event_msg'],
      ]);
    });
  });

  it('what flush reported is committed: another worker reads it at once', async () => {
    const schema = freshSchema();
    const writer = pgStore({ schema });
    const other = pgStore({ schema });
    await writer.create([meta()]);
    const appends = Array.from({ length: 10 }, (_, i) => writer.append(THREAD, [msg(`m${i}`)]));
    await writer.flush(THREAD);
    const seen = (await other.read(THREAD)).items.flatMap((i) => (i.type === 'event_msg' ? [(i.payload as { message: string }).message] : []));
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    await Promise.all(appends);
  });

  it('migrates once when several workers start on an empty schema at the same time', async () => {
    const schema = freshSchema();
    const stores = Array.from({ length: 4 }, () => pgStore({ schema }));
    await Promise.all(stores.map((s) => s.ready()));
    await withAdmin(async (pool) => {
      const { rows } = await pool.query(`SELECT version FROM "${schema}".schema_migrations`);
      expect(rows).toEqual([{ version: 1 }]);
      await pool.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES (99, 'from the future')`);
    });
    await expect(pgStore({ schema }).ready()).rejects.toMatchObject({ code: 'postgres_schema_too_new' });
  });

  it('rejects unusable options with a typed error', () => {
    expect(() => pgStore({ schema: 'Bad-Name' })).toThrow(expect.objectContaining({ code: 'invalid_postgres_store_options' }));
    expect(() => pgStore({ leaseMs: 100, renewMs: 100 })).toThrow(expect.objectContaining({ code: 'invalid_postgres_store_options' }));
  });

  it('tails a thread: stored lines first, then lines another worker appends, woken by NOTIFY', async () => {
    const schema = freshSchema();
    const writer = pgStore({ schema });
    const reader = pgStore({ schema });
    await writer.create([meta(), msg('one')]);
    await expect(reader.tail('no-such-thread')[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'thread_not_found' });

    const controller = new AbortController();
    // A poll interval far beyond the test's timeout: only notifications can wake the tail.
    const seen: TailedLine[] = [];
    const following = (async () => {
      for await (const entry of reader.tail(THREAD, 1, { signal: controller.signal, pollMs: 600_000 })) {
        seen.push(entry);
        if (seen.length === 1) await writer.append(THREAD, [msg('two'), msg('three')]);
        if (seen.length === 3) controller.abort();
      }
    })();
    await following;
    expect(seen.map((s) => [s.ordinal, (s.line.payload as { message: string }).message])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('tails by polling lines committed without a notification, and ends when the thread is deleted', async () => {
    const store = pgStore();
    await store.create([meta()]);
    const seen: number[] = [];
    const following = (async () => {
      for await (const entry of store.tail(THREAD, 0, { pollMs: 20 })) {
        seen.push(entry.ordinal);
        if (seen.length === 1) {
          await withAdmin((pool) =>
            pool.query(
              `INSERT INTO "${store.schema}".rollout_lines (thread_id, ordinal, ts, kind, payload) VALUES ($1, 1, now(), 'event_msg', '{"type":"agent_message","message":"quiet"}')`,
              [THREAD],
            ),
          );
        }
        if (seen.length === 2) await store.delete(THREAD);
      }
    })();
    await following;
    expect(seen).toEqual([0, 1]);
  });
});
