// The store's long-lived append handle: behaviour when the file changes behind it, and the
// durability option.
import { appendFile, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlThreadStore, loadRollout, ThreadNotFoundError, type RolloutLine } from '../../src/persistence/index.js';
import type { RolloutDurability } from '../../src/persistence/rollout-writer.js';
import { sessionMeta, tempHome } from './support/fixtures.js';

const ID = '0193e0b2-7a4c-7000-8000-0000000000a7';
const at = new Date('2026-04-25T10:00:00.000Z');
const meta: RolloutLine = { timestamp: at.toISOString(), type: 'session_meta', payload: sessionMeta(ID, at) };
const said = (text: string): RolloutLine => ({ timestamp: '2026-04-25T10:00:01.000Z', type: 'event_msg', payload: { type: 'agent_message', message: text } });
const messages = (lines: readonly { type: string; payload: unknown }[]) =>
  lines.flatMap((l) => (l.type === 'event_msg' ? [(l.payload as { message?: string }).message] : []));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function store(durability?: RolloutDurability) {
  const { home, cleanup } = await tempHome('turnstate-writer-');
  const s = new JsonlThreadStore({ home, ...(durability ? { durability } : {}) });
  // The append handle is closed before the home goes (not left to the garbage collector).
  cleanups.push(async () => {
    await s.closeWriter(ID).catch(() => undefined);
    await cleanup();
  });
  return { home, store: s };
}

describe('JsonlThreadStore append handle', () => {
  it('starts a new line after a torn tail written behind its open handle', async () => {
    const { store: s } = await store();
    const path = await s.create([meta]);
    await s.append(ID, [said('one')]);
    await appendFile(path, '{"timestamp":"2026-04-25T10:00:02.000Z","type":"event_msg","payload":{"ty');
    await s.append(ID, [said('two')]);
    const read = await s.read(ID);
    expect(messages(read.items)).toEqual(['one', 'two']);
    expect(read.skipped).toHaveLength(1);
  });

  it('writes to the file now at the path when the old one was replaced', async () => {
    const { store: s } = await store();
    const path = await s.create([meta]);
    await s.append(ID, [said('old')]);
    await rm(path);
    await writeFile(path, `${JSON.stringify(meta)}\n`);
    await s.append(ID, [said('new')]);
    expect(messages((await s.read(ID)).items)).toEqual(['new']);
  });

  it('never writes to a rollout moved away behind its open handle', async () => {
    const { home, store: s } = await store();
    const path = await s.create([meta]);
    await s.append(ID, [said('one')]);
    const moved = join(home, 'moved.jsonl');
    await rename(path, moved);
    await expect(s.append(ID, [said('two')])).rejects.toBeInstanceOf(ThreadNotFoundError);
    expect(messages(loadRollout(await readFile(moved, 'utf8'), moved).items)).toEqual(['one']);
  });

  it('writes multi-byte text whole and still notices a torn external append after it', async () => {
    const { store: s } = await store();
    const path = await s.create([meta]);
    await s.append(ID, [said('é € 😀'), said('ascii')]);
    await s.append(ID, [said('ü')]);
    await appendFile(path, '{"timestamp":"2026-04-25T10:00:02.000Z","type":"event_msg","payload":{"ty');
    await s.append(ID, [said('after')]);
    const read = await s.read(ID);
    expect(messages(read.items)).toEqual(['é € 😀', 'ascii', 'ü', 'after']);
    expect(read.skipped.map((skip) => skip.reason)).toEqual(['invalid_json']);
  });

  it('reports a rollout deleted behind its open handle as not found', async () => {
    const { store: s } = await store();
    const path = await s.create([meta]);
    await s.append(ID, [said('one')]);
    await rm(path);
    await expect(s.append(ID, [said('two')])).rejects.toBeInstanceOf(ThreadNotFoundError);
  });

  it.each(['flush', 'close'] as const)('with durability %s, appended lines are readable before and after close', async (durability) => {
    const { home, store: s } = await store(durability);
    expect(s.durability).toBe(durability);
    const path = await s.create([meta]);
    await s.append(ID, [said('a'), said('b')]);
    await s.flush(ID);
    expect(messages((await new JsonlThreadStore({ home }).read(ID)).items)).toEqual(['a', 'b']);
    await s.closeWriter(ID);
    await s.append(ID, [said('c')]);
    await s.closeWriter(ID);
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('defaults to fsync at close (as Codex: lines reach the OS at every append, no fsync per turn)', async () => {
    const { store: s } = await store();
    expect(s.durability).toBe('close');
  });
});
