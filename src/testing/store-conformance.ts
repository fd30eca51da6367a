/**
 * A suite every `ThreadStore` must pass: ordering, atomic create, typed errors, newest-first
 * paging with a stable cursor, archive and delete, goal storage, and the single-writer lease (`acquire`). The test framework's functions are passed
 * in (vitest's, or jest's), so importing this module loads no test framework.
 */
import type { RolloutLine, SessionMeta } from '../persistence/rollout-schema.js';
import type { ThreadStore } from '../persistence/store.js';
import { registerGoalConformance } from './goal-conformance.js';

/**
 * A store made for one test, with an optional clean-up.
 * @example
 * const made: StoreUnderTest = { store: new JsonlThreadStore({ home }), cleanup: () => rm(home, { recursive: true }) };
 */
export interface StoreUnderTest {
  store: ThreadStore;
  cleanup?: () => Promise<void> | void;
}

/**
 * Makes a fresh, empty store for each test.
 * @example
 * const factory: StoreFactory = () => new InMemoryThreadStore();
 */
export type StoreFactory = () => Promise<ThreadStore | StoreUnderTest> | ThreadStore | StoreUnderTest;

const BASE_TIME = Date.UTC(2026, 3, 25, 10, 0, 0);

const threadId = (n: number): string => `0193e0b2-7a4c-7000-8000-${String(n).padStart(12, '0')}`;

function metaLine(n: number, secondsAfterBase = n): RolloutLine {
  const at = new Date(BASE_TIME + secondsAfterBase * 1000).toISOString();
  const payload: SessionMeta = { id: threadId(n), timestamp: at, cwd: '/work', originator: 'conformance', cli_version: '0.0.0', source: 'cli' };
  return { timestamp: at, type: 'session_meta', payload };
}

function messageLine(text: string, ms = 0): RolloutLine {
  return {
    timestamp: new Date(BASE_TIME + ms).toISOString(),
    type: 'event_msg',
    payload: { type: 'agent_message', message: text },
  };
}

const messages = (lines: readonly { type: string; payload: unknown }[]): string[] =>
  lines.flatMap((line) => (line.type === 'event_msg' ? [(line.payload as { message: string }).message] : []));

/**
 * The functions of the test framework the suite registers with (vitest and jest both fit).
 * @example
 * import { afterEach, describe, expect, it } from 'vitest';
 * const framework: ConformanceFramework = { afterEach, describe, expect, it };
 */
export interface ConformanceFramework {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void> | void): unknown;
  afterEach(body: () => Promise<void> | void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expect: (actual: unknown) => any;
}

/**
 * Registers the conformance suite for a store implementation.
 * @example
 * runThreadStoreConformance('in-memory', () => new InMemoryThreadStore(), { afterEach, describe, expect, it });
 * runThreadStoreConformance('jsonl', async () => {
 *   const home = await mkdtemp(join(tmpdir(), 'ts-'));
 *   return { store: new JsonlThreadStore({ home }), cleanup: () => rm(home, { recursive: true, force: true }) };
 * }, { afterEach, describe, expect, it });
 */
export function runThreadStoreConformance(name: string, makeStore: StoreFactory, framework: ConformanceFramework): void {
  const { afterEach, describe, expect, it } = framework;
  describe(`ThreadStore conformance: ${name}`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    const fresh = async (): Promise<ThreadStore> => {
      const made = await makeStore();
      if ('store' in made) {
        if (made.cleanup) cleanups.push(made.cleanup);
        return made.store;
      }
      return made;
    };
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it('reads back created and appended lines in order, session_meta first', async () => {
      const store = await fresh();
      await store.create([metaLine(1), messageLine('a')]);
      await store.append(threadId(1), [messageLine('b'), messageLine('c')]);
      await store.append(threadId(1), [messageLine('d')]);
      const rollout = await store.read({ threadId: threadId(1) });
      expect(rollout.threadId).toBe(threadId(1));
      expect(rollout.items[0]?.type).toBe('session_meta');
      expect(messages(rollout.items)).toEqual(['a', 'b', 'c', 'd']);
      expect(rollout.skipped).toEqual([]);
      expect(rollout.lines.map((line) => line.timestamp)[0]).toBe(metaLine(1).timestamp);
    });

    it('keeps the order of appends issued without waiting', async () => {
      const store = await fresh();
      await store.create([metaLine(1)]);
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(threadId(1), [messageLine(`m${i}`)])));
      await store.flush(threadId(1));
      expect(messages((await store.read({ threadId: threadId(1) })).items)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    });

    it('round-trips text with newlines, quotes and non-ASCII as one line per item', async () => {
      const store = await fresh();
      const text = 'line 1\nline 2 "quoted" \u2028 é 漢字 🙂';
      await store.create([metaLine(1), messageLine(text)]);
      const rollout = await store.read({ threadId: threadId(1) });
      expect(messages(rollout.items)).toEqual([text]);
      expect(rollout.lines).toHaveLength(2);
    });

    it('treats an empty append as a no-op', async () => {
      const store = await fresh();
      await store.create([metaLine(1)]);
      await store.append(threadId(1), []);
      expect((await store.read({ threadId: threadId(1) })).items).toHaveLength(1);
    });

    it('rejects unknown threads with thread_not_found', async () => {
      const store = await fresh();
      await expect(store.append(threadId(9), [messageLine('x')])).rejects.toMatchObject({ code: 'thread_not_found' });
      await expect(store.flush(threadId(9))).rejects.toMatchObject({ code: 'thread_not_found' });
      await expect(store.read({ threadId: threadId(9) })).rejects.toMatchObject({ code: 'thread_not_found' });
      await expect(store.archive(threadId(9))).rejects.toMatchObject({ code: 'thread_not_found' });
      await expect(store.delete(threadId(9))).rejects.toMatchObject({ code: 'thread_not_found' });
      expect(await store.findPath(threadId(9))).toBeNull();
    });

    it('refuses to create a thread twice, and a thread without session_meta first', async () => {
      const store = await fresh();
      await store.create([metaLine(1), messageLine('original')]);
      await expect(store.create([metaLine(1), messageLine('again')])).rejects.toMatchObject({ code: 'thread_exists' });
      await expect(store.create([messageLine('no meta')])).rejects.toMatchObject({ code: 'invalid_rollout_lines' });
      expect(messages((await store.read({ threadId: threadId(1) })).items)).toEqual(['original']);
    });

    it('reports the precomputed path, and reads by id, by path string and by { path }', async () => {
      const store = await fresh();
      const meta = metaLine(1);
      const planned = store.pathFor(meta.payload as SessionMeta);
      expect(store.pathFor(meta.payload as SessionMeta)).toBe(planned);
      expect(await store.findPath(threadId(1))).toBeNull();
      expect(await store.create([meta])).toBe(planned);
      expect(await store.findPath(threadId(1))).toBe(planned);
      expect((await store.read(planned)).threadId).toBe(threadId(1));
      expect((await store.read({ path: planned })).path).toBe(planned);
      expect((await store.read(threadId(1))).path).toBe(planned);
    });

    it('flush resolves once earlier appends are done', async () => {
      const store = await fresh();
      await store.create([metaLine(1)]);
      const append = store.append(threadId(1), [messageLine('before flush')]);
      await store.flush(threadId(1));
      await append;
      expect(messages((await store.read({ threadId: threadId(1) })).items)).toEqual(['before flush']);
    });

    it('lists newest first, a page at a time, until nextCursor is null', async () => {
      const store = await fresh();
      for (const n of [3, 1, 5, 2, 4]) await store.create([metaLine(n)]);
      const seen: string[][] = [];
      let cursor: string | null = null;
      do {
        const page = await store.list({ pageSize: 2, cursor });
        seen.push(page.threads.map((t) => t.threadId));
        for (const t of page.threads) expect(t.archived).toBe(false);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([
        [threadId(5), threadId(4)],
        [threadId(3), threadId(2)],
        [threadId(1)],
      ]);
    });

    it('keeps a cursor valid when newer threads appear between pages', async () => {
      const store = await fresh();
      for (const n of [1, 2, 3, 4]) await store.create([metaLine(n)]);
      const first = await store.list({ pageSize: 2 });
      await store.create([metaLine(9)]);
      const second = await store.list({ pageSize: 2, cursor: first.nextCursor });
      expect(first.threads.map((t) => t.threadId)).toEqual([threadId(4), threadId(3)]);
      expect(second.threads.map((t) => t.threadId)).toEqual([threadId(2), threadId(1)]);
      expect(second.nextCursor).toBeNull();
      expect((await store.list({ pageSize: 10 })).threads[0]?.threadId).toBe(threadId(9));
    });

    it('rejects a cursor it did not make with invalid_cursor', async () => {
      const store = await fresh();
      await expect(store.list({ cursor: 'not a cursor' })).rejects.toMatchObject({ code: 'invalid_cursor' });
    });

    it('archives: out of the active listing, in the archived one, still readable; twice is fine', async () => {
      const store = await fresh();
      await store.create([metaLine(1), messageLine('kept')]);
      await store.create([metaLine(2)]);
      await store.archive(threadId(1));
      await store.archive(threadId(1));
      expect((await store.list()).threads.map((t) => t.threadId)).toEqual([threadId(2)]);
      const archived = await store.list({ archived: true });
      expect(archived.threads.map((t) => [t.threadId, t.archived])).toEqual([[threadId(1), true]]);
      const rollout = await store.read({ threadId: threadId(1) });
      expect(rollout.archived).toBe(true);
      expect(messages(rollout.items)).toEqual(['kept']);
      expect(await store.findPath(threadId(1))).toBe(rollout.path);
    });

    it('lets one writer hold a thread: a second acquire fails with thread_busy naming the holder', async () => {
      const store = await fresh();
      const lease = await store.acquire(threadId(1), { holder: 'writer-a' });
      expect(lease.threadId).toBe(threadId(1));
      expect(lease.holder).toBe('writer-a');
      await expect(store.acquire(threadId(1), { holder: 'writer-b' })).rejects.toMatchObject({
        code: 'thread_busy',
        threadId: threadId(1),
        holder: 'writer-a',
      });
      // Other threads, stored or not, are independent.
      const other = await store.acquire(threadId(2));
      await other.release();
      await lease.release();
    });

    it('hands a released thread to the next writer; release is idempotent', async () => {
      const store = await fresh();
      await store.create([metaLine(1)]);
      const first = await store.acquire(threadId(1), { holder: 'writer-a' });
      await first.release();
      await first.release();
      const second = await store.acquire(threadId(1), { holder: 'writer-b' });
      expect(second.holder).toBe('writer-b');
      await store.append(threadId(1), [messageLine('by b')]);
      await second.release();
      expect(messages((await store.read({ threadId: threadId(1) })).items)).toEqual(['by b']);
    });

    it('deletes active and archived threads for good', async () => {
      const store = await fresh();
      await store.create([metaLine(1)]);
      await store.create([metaLine(2)]);
      await store.archive(threadId(2));
      await store.delete(threadId(1));
      await store.delete(threadId(2));
      expect(await store.findPath(threadId(1))).toBeNull();
      await expect(store.read({ threadId: threadId(2) })).rejects.toMatchObject({ code: 'thread_not_found' });
      expect((await store.list()).threads).toEqual([]);
      expect((await store.list({ archived: true })).threads).toEqual([]);
    });

    registerGoalConformance({ it, expect, fresh, threadId, metaLine: (n) => metaLine(n) });
  });
}
