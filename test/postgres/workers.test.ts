/**
 * Two worker processes on one thread in PostgreSQL (`worker-child.ts`, bundled once with
 * rolldown): while the first holds the thread the second cannot take it or write it; after the
 * first is SIGKILLed its lease expires and the second resumes and completes a turn. A worker
 * paused (SIGSTOP) past its lease is taken over; when it continues, its appends are refused
 * (fencing) and none of its later lines reach the rollout.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { bundleChild } from '../support/bundle-child.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import type { RolloutItem } from '../../src/persistence/index.js';
import { cleanUp, freshHome, open, userTurn } from '../persistence-integration/support.js';
import { dropStores, endAdmin, freshSchema, PG_URL, pgStore } from './support.js';

const THREAD = '01a1fe16-0000-7000-8000-0000000fe2ce';
let bundleDir = '';
let worker = '';
const running: Worker[] = [];

beforeAll(() => {
  if (PG_URL === null) return;
  bundleDir = mkdtempSync(join(tmpdir(), 'turnstate-pg-worker-'));
  worker = join(bundleDir, 'worker.mjs');
  bundleChild('test/postgres/worker-child.ts', worker);
}, 70_000);

afterEach(async () => {
  for (const w of running.splice(0)) w.proc.kill('SIGKILL');
  await cleanUp();
  await dropStores();
});

afterAll(async () => {
  await endAdmin();
  if (bundleDir !== '') rmSync(bundleDir, { recursive: true, force: true });
});

interface Worker {
  proc: ChildProcessByStdio<null, Readable, Readable>;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first printed line that matches (rejects if the process exits first). */
  until(match: (line: string) => boolean): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface WorkerArgs {
  schema: string;
  mode: 'new' | 'resume';
  holder: string;
  leaseMs: number;
  waitMs?: number;
  turns?: number;
}

function start(args: WorkerArgs): Worker {
  const argv = [worker, PG_URL ?? '', args.schema, THREAD, args.mode, args.holder, String(args.leaseMs), String(args.waitMs ?? 0), String(args.turns ?? 0)];
  const proc = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const wake of waiters.splice(0)) wake();
  });
  const w: Worker = {
    proc,
    lines,
    stderr: () => err,
    exited,
    until: (match) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(match);
          if (hit !== undefined) return resolve(hit);
          if (gone) return reject(new Error(`${args.holder} exited before printing the line; output ${JSON.stringify(lines)}; stderr ${err}`));
          waiters.push(check);
        };
        check();
      }),
  };
  running.push(w);
  return w;
}

const turnIds = (items: readonly RolloutItem[], type: 'task_started' | 'task_complete'): string[] =>
  items.flatMap((i) => (i.type === 'event_msg' && i.payload.type === type ? [i.payload.turn_id] : []));
const done = (w: Worker) => w.lines.filter((l) => l.startsWith('done ')).map((l) => l.slice(5));

describe.skipIf(PG_URL === null)('two workers on one thread (PostgreSQL leases)', () => {
  it('the second waits out the first; after SIGKILL and expiry it resumes and completes a turn', async () => {
    const schema = freshSchema();
    // A lease long enough that a loaded machine never lets it lapse while worker-a is alive.
    const a = start({ schema, mode: 'new', holder: 'worker-a', leaseMs: 3_000 });
    const tokenA = Number((await a.until((l) => l.startsWith('leased '))).split(' ')[1]);
    await a.until((l) => l === 'done worker-a-t3');

    const refused = start({ schema, mode: 'resume', holder: 'worker-b', leaseMs: 3_000 });
    expect(await refused.exited).toEqual({ code: 3, signal: null });
    expect(refused.lines).toEqual(['busy worker-a']);
    const observer = pgStore({ schema });
    await expect(observer.append(THREAD, [])).resolves.toBeUndefined();
    const at = new Date().toISOString();
    await expect(observer.append(THREAD, [{ timestamp: at, type: 'event_msg', payload: { type: 'agent_message', message: 'intruder' } }])).rejects.toMatchObject({
      code: 'thread_busy',
      holder: 'worker-a',
    });

    a.proc.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    const reportedByA = done(a);
    const b = start({ schema, mode: 'resume', holder: 'worker-b', leaseMs: 3_000, waitMs: 20_000, turns: 1 });
    const tokenB = Number((await b.until((l) => l.startsWith('leased '))).split(' ')[1]);
    await b.until((l) => l === 'closed');
    expect(await b.exited, b.stderr()).toEqual({ code: 0, signal: null });

    expect(tokenB).toBeGreaterThan(tokenA);
    const rollout = await observer.read(THREAD);
    const started = turnIds(rollout.items, 'task_started');
    for (const id of reportedByA) expect(started.filter((t) => t === id)).toEqual([id]);
    expect(turnIds(rollout.items, 'task_complete').at(-1)).toBe('worker-b-t1');
    expect(rollout.items.filter((i) => i.type === 'session_meta')).toHaveLength(1);
    expect(rollout.skipped).toEqual([]);
    expect(b.lines.filter((l) => l.startsWith('warn '))).toEqual([]);
  }, 60_000);

  it('a worker paused past its lease is taken over; when it continues, its appends are refused', async () => {
    const schema = freshSchema();
    const a = start({ schema, mode: 'new', holder: 'worker-a', leaseMs: 1_000 });
    await a.until((l) => l === 'done worker-a-t2');
    a.proc.kill('SIGSTOP');

    const b = start({ schema, mode: 'resume', holder: 'worker-b', leaseMs: 1_000, waitMs: 20_000, turns: 1 });
    await b.until((l) => l === 'closed');
    expect(await b.exited, b.stderr()).toEqual({ code: 0, signal: null });
    const observer = pgStore({ schema });
    const atTakeover = await observer.read(THREAD);

    a.proc.kill('SIGCONT');
    const warning = await a.until((l) => l.startsWith('warn '));
    expect(warning).toContain('Failed to save the conversation transcript');
    expect(warning).toContain('lease');
    a.proc.kill('SIGKILL');
    await a.exited;

    const after = await observer.read(THREAD);
    expect(after.lines).toEqual(atTakeover.lines);
    expect(turnIds(after.items, 'task_complete').at(-1)).toBe('worker-b-t1');
    const lastOfB = after.items.findLastIndex((i) => i.type === 'event_msg' && i.payload.type === 'task_complete');
    expect(lastOfB).toBe(after.items.length - 1);
  }, 60_000);

  it('SIGKILL at random points, then a takeover: no reported turn lost or duplicated, and the thread resumes', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
    const context = `crash seed ${seed} (replay with CRASH_SEED=${seed})`;
    let state = seed >>> 0;
    const random = () => ((state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
    const schema = freshSchema();
    const reported: string[] = [];
    const store = pgStore({ schema });
    for (let i = 0; i < 5; i++) {
      // A worker killed before its first turn was persisted leaves no thread (lazy creation).
      const mode = (await store.findPath(THREAD)) === null ? 'new' : 'resume';
      const w = start({ schema, mode, holder: `w${i}`, leaseMs: 600, waitMs: 20_000 });
      await w.until((l) => l === 'ready');
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 200)));
      w.proc.kill('SIGKILL');
      expect((await w.exited).signal, `${context}: ${w.stderr()}`).toBe('SIGKILL');
      reported.push(...done(w));
    }

    expect(reported.length, context).toBeGreaterThan(0);
    // Wait out the last killed worker's lease, then read under our own.
    const lease = await store.acquire(THREAD, { waitMs: 20_000 });
    const stored = await store.read(THREAD);
    await lease.release();
    const started = turnIds(stored.items, 'task_started');
    expect(stored.skipped, context).toEqual([]);
    expect(stored.items.filter((i) => i.type === 'session_meta'), context).toHaveLength(1);
    expect(new Set(started).size, context).toBe(started.length);
    for (const id of reported) expect(started.filter((t) => t === id), `${context}: ${id}`).toEqual([id]);

    const model = scriptedModel([scriptedTurn.reply('after the crashes')]);
    const s = await open({ home: await freshHome(), store, model, resume: { threadId: THREAD } });
    const events = await userTurn(s, 'after-crash', 'still there?');
    await s.thread.shutdown();
    expect(events.at(-1)?.msg, context).toMatchObject({ type: 'task_complete', last_agent_message: 'after the crashes' });
    const texts = (model.requests[0]?.input ?? []).flatMap((item) =>
      item.type === 'message' && item.role === 'user' ? item.content.flatMap((c) => (c.type === 'input_text' ? [c.text] : [])) : [],
    );
    const reportedTexts = reported.map((id) => id.replace(/^(w\d+)-t(\d+)$/, '$1 text $2'));
    expect(texts.filter((t) => reportedTexts.includes(t)), context).toEqual(reportedTexts);
  }, 60_000);
});
