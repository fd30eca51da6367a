import { access, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryThreadStore, JsonlThreadStore, RolloutRecorder, type RolloutItem } from '../../src/persistence/index.js';
import { FlakyStore } from './support/flaky-store.js';
import { assistant, event, response, sessionMeta, tempHome, user } from './support/fixtures.js';

const ID = '0193e0b2-7a4c-7000-8000-0000000000r1';
const started = (turn: string): RolloutItem => event({ type: 'task_started', turn_id: turn, collaboration_mode_kind: 'default' });
const said = (text: string): RolloutItem => event({ type: 'agent_message', message: text });
const delta: RolloutItem = event({ type: 'agent_message_delta', delta: 'partial' });

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const kinds = (items: readonly RolloutItem[]): string[] =>
  items.map((item) => (item.type === 'event_msg' ? `${item.payload.type}${'message' in item.payload ? `:${String(item.payload.message)}` : ''}` : item.type));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fileStore() {
  const { home, cleanup } = await tempHome('turnstate-recorder-');
  cleanups.push(cleanup);
  return new JsonlThreadStore({ home });
}

describe('RolloutRecorder', () => {
  it('writes nothing for a thread that never got a prompt', async () => {
    const store = await fileStore();
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    recorder.record([started('t1'), said('hello')]);
    expect(await store.findPath(ID)).toBeNull();
    expect(await exists(recorder.rolloutPath)).toBe(false);
    await recorder.shutdown();
    expect(await exists(recorder.rolloutPath)).toBe(false);
  });

  it('treats flush with nothing buffered as a no-op before materialisation', async () => {
    const store = await fileStore();
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    expect(await recorder.flush()).toEqual({ ok: true });
    expect(await exists(recorder.rolloutPath)).toBe(false);
    expect(recorder.materialized).toBe(false);
  });

  it('materialises on persist at the precomputed path, session_meta first, buffered items in order', async () => {
    const store = await fileStore();
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    const planned = recorder.rolloutPath;
    recorder.record([started('t1'), response(user('hi')), delta, said('one')]);
    expect(await recorder.persist()).toEqual({ ok: true });
    expect(await store.findPath(ID)).toBe(planned);
    const lines = (await readFile(planned, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(['session_meta', 'event_msg', 'response_item', 'event_msg']);
    expect(kinds((await store.read(ID)).items)).toEqual(['session_meta', 'task_started', 'response_item', 'agent_message:one']);
  });

  it('materialises on a flush that has something buffered (a first turn started by compact)', async () => {
    const store = new InMemoryThreadStore();
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    recorder.record([started('t1'), { type: 'compacted', payload: { message: 'summary', replacement_history: [] } }]);
    expect(await recorder.flush()).toEqual({ ok: true });
    expect(kinds((await store.read(ID)).items)).toEqual(['session_meta', 'task_started', 'compacted']);
  });

  it('writes each batch promptly after materialisation, without waiting for a flush', async () => {
    const store = new InMemoryThreadStore();
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    await recorder.persist();
    recorder.record([said('a')]);
    recorder.record([said('b')]);
    await vi.waitFor(async () => expect(kinds((await store.read(ID)).items)).toEqual(['session_meta', 'agent_message:a', 'agent_message:b']));
    expect(recorder.pendingCount).toBe(0);
  });

  it('flush resolves only after every earlier item is written and synced', async () => {
    const store = new FlakyStore(new InMemoryThreadStore());
    store.appendDelayMs = 20;
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    await recorder.persist();
    recorder.record([said('a')]);
    recorder.record([said('b')]);
    const flushed = recorder.flush();
    recorder.record([said('c')]);
    await flushed;
    const log = [...store.log];
    expect(log[0]).toBe('create:1');
    expect(log.at(-1)).toBe('flush');
    const items = kinds((await store.read(ID)).items);
    expect(items.slice(0, 3)).toEqual(['session_meta', 'agent_message:a', 'agent_message:b']);
    await recorder.flush();
    expect(kinds((await store.read(ID)).items)).toEqual(['session_meta', 'agent_message:a', 'agent_message:b', 'agent_message:c']);
  });

  it('keeps items on a failed create, warns, and writes them all on the next flush', async () => {
    const store = new FlakyStore(new InMemoryThreadStore());
    const warnings: string[] = [];
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID), onWarning: (m) => warnings.push(m) });
    recorder.record([started('t1'), said('a')]);
    store.failNext('create', 2);
    const outcome = await recorder.persist();
    expect(outcome).toMatchObject({ ok: false, error: { code: 'rollout_write_failed', threadId: ID } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Failed to save the conversation transcript; 2 item\(s\) are kept/);
    expect(recorder.materialized).toBe(false);
    expect(await store.findPath(ID)).toBeNull();
    recorder.record([said('b')]);
    expect(await recorder.flush()).toEqual({ ok: true });
    expect(kinds((await store.read(ID)).items)).toEqual(['session_meta', 'task_started', 'agent_message:a', 'agent_message:b']);
  });

  it('retries a failed write once immediately within the same persist', async () => {
    const store = new FlakyStore(new InMemoryThreadStore());
    const warnings: string[] = [];
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID), onWarning: (m) => warnings.push(m) });
    recorder.record([said('a')]);
    store.failNext('create', 1);
    expect(await recorder.persist()).toEqual({ ok: true });
    expect(warnings).toEqual([]);
    expect(store.log).toEqual(['create:failed', 'create:2']);
  });

  it('after a failed background write, buffers until the next flush, then writes in order exactly once', async () => {
    const store = new FlakyStore(new InMemoryThreadStore());
    const warnings: string[] = [];
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID), onWarning: (m) => warnings.push(m) });
    await recorder.persist();
    store.failNext('append', 1);
    recorder.record([said('a')]);
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
    recorder.record([said('b')]);
    recorder.record([said('c')]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(recorder.pendingCount).toBe(3);
    expect(await recorder.flush()).toEqual({ ok: true });
    expect(kinds((await store.read(ID)).items)).toEqual(['session_meta', 'agent_message:a', 'agent_message:b', 'agent_message:c']);
    expect(store.log.filter((entry) => entry.startsWith('append'))).toEqual(['append:failed', 'append:3']);
  });

  it('reports a failed flush and keeps working afterwards', async () => {
    const store = new FlakyStore(new InMemoryThreadStore());
    const warnings: string[] = [];
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID), onWarning: (m) => warnings.push(m) });
    recorder.record([said('a')]);
    await recorder.persist();
    store.failNext('flush', 2);
    expect((await recorder.flush()).ok).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(await recorder.flush()).toEqual({ ok: true });
  });

  it('appends a resumed thread to the same file, with no second session_meta', async () => {
    const store = await fileStore();
    const first = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    first.record([started('t1'), response(user('hi')), response(assistant('hello'))]);
    await first.persist();
    await first.shutdown();
    const stored = await new JsonlThreadStore({ home: store.home }).read(ID);
    const resumedStore = new JsonlThreadStore({ home: store.home });
    const resumed = new RolloutRecorder({ store: resumedStore, meta: stored.meta, resumePath: stored.path });
    expect(resumed.rolloutPath).toBe(first.rolloutPath);
    expect(resumed.materialized).toBe(true);
    resumed.record([started('t2'), said('again')]);
    expect(await resumed.flush()).toEqual({ ok: true });
    const items = kinds((await resumedStore.read(ID)).items);
    expect(items).toEqual(['session_meta', 'task_started', 'response_item', 'response_item', 'task_started', 'agent_message:again']);
  });

  it('drains on shutdown and refuses records afterwards', async () => {
    const store = new InMemoryThreadStore();
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    await recorder.persist();
    recorder.record([said('last')]);
    expect(await recorder.shutdown()).toEqual({ ok: true });
    expect(kinds((await store.read(ID)).items)).toEqual(['session_meta', 'agent_message:last']);
    expect(() => recorder.record([said('late')])).toThrowError(expect.objectContaining({ code: 'recorder_closed' }));
    expect(await recorder.shutdown()).toEqual({ ok: true });
  });

  it('retries on a second shutdown what a failed shutdown left buffered', async () => {
    const store = new FlakyStore(new InMemoryThreadStore());
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID) });
    await recorder.persist();
    recorder.record([said('final words')]);
    store.failNext('append', 3);
    expect((await recorder.shutdown()).ok).toBe(false);
    expect(recorder.pendingCount).toBe(1);
    expect(await recorder.shutdown()).toEqual({ ok: true });
    expect(kinds((await store.read(ID)).items)).toEqual(['session_meta', 'agent_message:final words']);
  });

  it('stamps lines with the injected clock and filters by mode', async () => {
    const store = new InMemoryThreadStore();
    const now = () => new Date(Date.UTC(2026, 3, 25, 12, 0, 0, 5));
    const recorder = new RolloutRecorder({ store, meta: sessionMeta(ID), mode: 'extended', now });
    recorder.record([event({ type: 'error', message: 'boom' }), delta]);
    await recorder.persist();
    const { lines } = await store.read(ID);
    expect(lines.map((line) => [line.timestamp, line.type])).toEqual([
      ['2026-04-25T10:00:00.000Z', 'session_meta'],
      ['2026-04-25T12:00:00.005Z', 'event_msg'],
    ]);
  });
});
