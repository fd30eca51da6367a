import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  JsonlThreadStore,
  localTimeKey,
  parseRolloutFileName,
  resolveTurnstateHome,
  rolloutRelativePath,
  type RolloutLine,
} from '../../src/persistence/index.js';
import { sessionMeta, tempHome } from './support/fixtures.js';

const ID = '0193e0b2-7a4c-7000-8000-0000000000f1';
const metaLine = (id: string, at: Date): RolloutLine => ({ timestamp: at.toISOString(), type: 'session_meta', payload: sessionMeta(id, at) });
const said = (text: string): RolloutLine => ({ timestamp: '2026-04-25T10:00:01.000Z', type: 'event_msg', payload: { type: 'agent_message', message: text } });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function store() {
  const { home, cleanup } = await tempHome('turnstate-files-');
  cleanups.push(cleanup);
  return new JsonlThreadStore({ home });
}

describe('JsonlThreadStore layout', () => {
  it('uses TURNSTATE_HOME, else ~/.turnstate', () => {
    expect(resolveTurnstateHome({ TURNSTATE_HOME: '/srv/ts' })).toBe('/srv/ts');
    expect(resolveTurnstateHome({})).toMatch(/\.turnstate$/);
  });

  it('names files sessions/YYYY/MM/DD/rollout-<local time with dashes>-<id>.jsonl', async () => {
    const at = new Date(2026, 0, 2, 3, 4, 5);
    expect(localTimeKey(at)).toBe('2026-01-02T03-04-05');
    expect(rolloutRelativePath(ID, at)).toBe(join('sessions', '2026', '01', '02', `rollout-2026-01-02T03-04-05-${ID}.jsonl`));
    expect(parseRolloutFileName(`rollout-2026-01-02T03-04-05-${ID}.jsonl`)).toEqual({ time: '2026-01-02T03-04-05', threadId: ID });
    expect(parseRolloutFileName('notes.txt')).toBeNull();
    const s = await store();
    const path = await s.create([metaLine(ID, at)]);
    expect(relative(s.home, path)).toBe(rolloutRelativePath(ID, at));
    expect(await readdir(join(s.home, 'sessions', '2026', '01', '02'))).toEqual([`rollout-2026-01-02T03-04-05-${ID}.jsonl`]);
  });

  it('refuses thread ids that cannot be file names', async () => {
    const s = await store();
    expect(() => s.pathFor(sessionMeta('../escape'))).toThrowError(expect.objectContaining({ code: 'invalid_rollout_lines' }));
  });

  it('moves archived rollouts to archived_sessions/', async () => {
    const s = await store();
    const path = await s.create([metaLine(ID, new Date(2026, 3, 25, 10))]);
    await s.archive(ID);
    const archivedPath = await s.findPath(ID);
    expect(archivedPath).toBe(join(s.home, 'archived_sessions', path.split('/').at(-1) ?? ''));
    expect((await s.list({ archived: true })).threads.map((t) => t.path)).toEqual([archivedPath]);
    expect((await s.read(ID)).archived).toBe(true);
  });

  it('lists across days, months and years newest first, ignoring stray files', async () => {
    const s = await store();
    const times = [new Date(2025, 11, 31, 23, 59, 59), new Date(2026, 0, 1, 0, 0, 0), new Date(2026, 1, 15, 12), new Date(2026, 1, 15, 13)];
    for (const [i, at] of times.entries()) await s.create([metaLine(`0193e0b2-7a4c-7000-8000-00000000000${i}`, at)]);
    await mkdir(join(s.home, 'sessions', '2026', '02', '15'), { recursive: true });
    await writeFile(join(s.home, 'sessions', '2026', '02', '15', 'README.txt'), 'not a rollout');
    const page = await s.list({ pageSize: 3 });
    expect(page.threads.map((t) => t.threadId.at(-1))).toEqual(['3', '2', '1']);
    expect(page.threads[0]?.createdAt).toBe(times[3]?.toISOString());
    const rest = await s.list({ pageSize: 3, cursor: page.nextCursor });
    expect(rest.threads.map((t) => t.threadId.at(-1))).toEqual(['0']);
    expect(rest.nextCursor).toBeNull();
  });

  it('leaves no temporary files behind after creating', async () => {
    const s = await store();
    const path = await s.create([metaLine(ID, new Date(2026, 3, 25, 10)), said('a')]);
    expect(await readdir(join(path, '..'))).toEqual([path.split('/').at(-1)]);
  });

  it('starts a new line when appending after a torn last line', async () => {
    const s = await store();
    const path = await s.create([metaLine(ID, new Date(2026, 3, 25, 10))]);
    await appendFile(path, '{"timestamp":"2026-04-25T10:00:00.500Z","type":"event_msg","payl');
    await s.append(ID, [said('after the crash')]);
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('"after the crash"}}\n')).toBe(true);
    const rollout = await s.read(ID);
    expect(rollout.skipped.map((entry) => [entry.line, entry.reason])).toEqual([[2, 'invalid_json']]);
    expect(rollout.items.at(-1)).toEqual({ type: 'event_msg', payload: { type: 'agent_message', message: 'after the crash' } });
  });

  it('finds a thread created by another store instance on the same home', async () => {
    const s = await store();
    const path = await s.create([metaLine(ID, new Date(2026, 3, 25, 10))]);
    const other = new JsonlThreadStore({ home: s.home });
    expect(await other.findPath(ID)).toBe(path);
    await other.append(ID, [said('from another instance')]);
    expect((await s.read(ID)).items).toHaveLength(2);
  });
});
