import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  archiveThread,
  deleteThread,
  InMemoryThreadStore,
  JsonlThreadStore,
  listThreads,
  readThreadSummary,
  RolloutRecorder,
  type RolloutItem,
  type ThreadStore,
} from '../../src/persistence/index.js';
import { event, response, sessionMeta, tempHome, user } from './support/fixtures.js';

const id = (n: number) => `0193e0b2-7a4c-7000-8000-0000000000${String(n).padStart(2, '0')}`;
const at = (n: number) => new Date(Date.UTC(2026, 3, 25, 10, 0, n));
const context = (model: string): RolloutItem => ({
  type: 'turn_context',
  payload: { turn_id: 't', cwd: '/work/app', approval_policy: 'never', sandbox_policy: { type: 'danger-full-access' }, model, summary: 'auto' },
});

async function seed(store: ThreadStore, n: number, prompt: string | null, model = 'gpt-5'): Promise<void> {
  const recorder = new RolloutRecorder({ store, meta: { ...sessionMeta(id(n), at(n)), forked_from_id: n === 3 ? id(1) : null } });
  if (prompt !== null) {
    recorder.record([
      event({ type: 'task_started', turn_id: 't', collaboration_mode_kind: 'default' }),
      context(model),
      response(user(prompt)),
      event({ type: 'user_message', message: prompt }),
    ]);
  }
  await recorder.persist();
  await recorder.shutdown();
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('thread manager', () => {
  it('lists summaries newest first with a stable cursor', async () => {
    const store = new InMemoryThreadStore();
    await seed(store, 1, 'Fix the build');
    await seed(store, 2, null);
    await seed(store, 3, `Long request ${'x'.repeat(400)}`, 'gpt-5.1-codex');
    const first = await listThreads(store, { pageSize: 2 });
    expect(first.threads.map((t) => [t.threadId, t.preview?.length ?? null, t.model])).toEqual([
      [id(3), 200, 'gpt-5.1-codex'],
      [id(2), null, null],
    ]);
    expect(first.threads[0]).toMatchObject({ forkedFromId: id(1), cwd: '/work/app', createdAt: at(3).toISOString(), archived: false, skippedLines: 0 });
    expect(first.threads[0]?.preview?.endsWith('…')).toBe(true);
    const second = await listThreads(store, { pageSize: 2, cursor: first.nextCursor });
    expect(second.threads.map((t) => [t.threadId, t.preview])).toEqual([[id(1), 'Fix the build']]);
    expect(second.nextCursor).toBeNull();
  });

  it('reports unreadable rollouts instead of failing the page', async () => {
    const { home, cleanup } = await tempHome('turnstate-manager-');
    cleanups.push(cleanup);
    const store = new JsonlThreadStore({ home });
    await seed(store, 1, 'hello');
    const day = join(home, 'sessions', '2026', '04', '25');
    await mkdir(day, { recursive: true });
    const broken = join(day, `rollout-2026-04-25T23-59-59-${id(9)}.jsonl`);
    await writeFile(broken, '');
    const page = await listThreads(store);
    expect(page.threads.map((t) => t.threadId)).toEqual([id(1)]);
    expect(page.unreadable).toEqual([{ threadId: id(9), path: broken, code: 'rollout_empty', message: expect.stringContaining('empty') }]);
  });

  it('reads one summary, archives and deletes', async () => {
    const store = new InMemoryThreadStore();
    await seed(store, 1, 'one');
    await seed(store, 2, 'two');
    expect(await readThreadSummary(store, id(2))).toMatchObject({ threadId: id(2), preview: 'two', model: 'gpt-5', archived: false });
    await archiveThread(store, id(2));
    expect((await listThreads(store)).threads.map((t) => t.threadId)).toEqual([id(1)]);
    expect((await listThreads(store, { archived: true })).threads.map((t) => [t.threadId, t.archived])).toEqual([[id(2), true]]);
    await deleteThread(store, id(1));
    expect((await listThreads(store)).threads).toEqual([]);
    await expect(readThreadSummary(store, { threadId: id(1) })).rejects.toMatchObject({ code: 'thread_not_found' });
  });
});
