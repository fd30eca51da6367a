/**
 * Crash test: a child process runs a thread doing turns in a loop and reports each turn whose
 * `task_complete` was delivered (the rollout is flushed before that event). The parent kills
 * it with SIGKILL at random points, resumes the same thread in a new child, and repeats. At the
 * end the parent resumes the thread itself and checks that every reported turn is in the
 * rollout exactly once, that nothing is duplicated, that the file loads (torn lines skipped
 * and reported, never fatal), and that the thread runs a new turn to completion.
 *
 * The child is `crash-child.ts`, bundled once with rolldown into a temporary `.mjs` (node
 * builtins stay external; the sources and dependencies are bundled) and run with `node`.
 * The random kill delays come from a seed printed on failure; set CRASH_SEED to replay one.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChild } from '../support/bundle-child.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { JsonlThreadStore, type RolloutItem } from '../../src/persistence/index.js';
import { cleanUp, freshHome, open, userTurn } from './support.js';

const ITERATIONS = 8;
const THREAD_ID = '01a1fe16-0000-7000-8000-00000000dead';
let bundleDir = '';
let child = '';

beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), 'turnstate-crash-child-'));
  child = join(bundleDir, 'child.mjs');
  bundleChild('test/persistence-integration/crash-child.ts', child);
}, 40_000);

afterAll(async () => {
  await cleanUp();
  rmSync(bundleDir, { recursive: true, force: true });
});

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the child until `killAfterMs` past its `ready` line, kills it with SIGKILL, returns the turns it reported. */
function runAndKill(home: string, mode: 'new' | 'resume', iteration: number, killAfterMs: number): Promise<{ reported: string[]; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, home, THREAD_ID, mode, String(iteration)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (timer === undefined && out.startsWith('ready\n')) timer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    });
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (_code, signal) => {
      clearTimeout(guard);
      clearTimeout(timer);
      const reported = out
        .split('\n')
        .filter((l) => l.startsWith('done '))
        .map((l) => l.slice('done '.length));
      resolve({ reported, signal, stderr: err });
    });
  });
}

const eventsOf = (items: readonly RolloutItem[], type: string) =>
  items.flatMap((i) => (i.type === 'event_msg' && i.payload.type === type ? [i.payload as Record<string, unknown>] : []));

const counts = (values: readonly unknown[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const v of values) m.set(String(v), (m.get(String(v)) ?? 0) + 1);
  return m;
};

describe('crash safety', () => {
  it('SIGKILL at random points loses no flushed turn, duplicates nothing, and the thread resumes', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
    const random = prng(seed);
    const context = `crash seed ${seed} (replay with CRASH_SEED=${seed})`;
    const home = await freshHome();
    const store = new JsonlThreadStore({ home });
    const reported: string[] = [];
    const lastOfIteration: string[] = [];
    let tornAdded = 0;

    for (let i = 0; i < ITERATIONS; i++) {
      const path = await store.findPath(THREAD_ID);
      const mode = path === null ? 'new' : 'resume';
      // The first turn of a fresh process takes ~70 ms (warm-up), later ones a few ms each:
      // iteration 0 dies during its first turn, the others anywhere in their first ~25 turns.
      const killAfterMs = i === 0 ? 5 : 30 + Math.floor(random() * 200);
      const run = await runAndKill(home, mode, i, killAfterMs);
      expect(run.signal, `${context}: iteration ${i} stderr: ${run.stderr}`).toBe('SIGKILL');
      reported.push(...run.reported);
      if (run.reported.length > 0) lastOfIteration.push(run.reported.at(-1) ?? '');
      // Once, simulate a kill in the middle of writing a line (a torn tail without a newline).
      const written = await store.findPath(THREAD_ID);
      if (i >= 3 && tornAdded === 0 && written !== null) {
        appendFileSync(written, '{"timestamp":"2026-01-01T00:00:00.000Z","type":"event_msg","payload":{"type":"agent_mess');
        tornAdded++;
      }
    }

    const stored = await store.read({ threadId: THREAD_ID });
    const items = stored.items;
    expect(reported.length, context).toBeGreaterThan(0);
    expect(stored.skipped.length, context).toBeGreaterThanOrEqual(tornAdded);
    expect(stored.skipped.every((s) => s.reason === 'torn_line' || s.reason === 'invalid_json'), context).toBe(true);
    expect(items[0]?.type).toBe('session_meta');
    expect(items.filter((i) => i.type === 'session_meta')).toHaveLength(1);

    // Nothing duplicated: turn starts, completions, user messages and model output are unique.
    const started = counts(eventsOf(items, 'task_started').map((e) => e.turn_id));
    const completed = counts(eventsOf(items, 'task_complete').map((e) => e.turn_id));
    const userMessages = counts(eventsOf(items, 'user_message').map((e) => e.message));
    const modelItems = counts(
      items.flatMap((i) => (i.type === 'response_item' && !(i.payload.type === 'message' && i.payload.role !== 'assistant') ? [JSON.stringify(i.payload)] : [])),
    );
    const userItems = counts(items.flatMap((i) => (i.type === 'response_item' && i.payload.type === 'message' && i.payload.role === 'user' ? [JSON.stringify(i.payload)] : [])));
    for (const m of [started, completed, userMessages, modelItems]) expect([...m.values()].filter((n) => n > 1), context).toEqual([]);
    expect([...userItems.entries()].filter(([text, n]) => n > 1 && !text.includes('"text":"<')), context).toEqual([]);

    // Every reported turn is there exactly once; its completion too, except perhaps the last
    // reported turn of an iteration (its own task_complete line is written after delivery).
    for (const turnId of reported) {
      const [iteration, n] = turnId.replace(/^i/, '').split('-t');
      expect(started.get(turnId), `${context}: ${turnId} started`).toBe(1);
      expect(userMessages.get(`text ${iteration}.${n}`), `${context}: ${turnId} user message`).toBe(1);
      const assistant = items.filter((i) => i.type === 'response_item' && i.payload.type === 'message' && i.payload.id === `msg_${iteration}_${n}`);
      expect(assistant, `${context}: ${turnId} reply`).toHaveLength(1);
      if (!lastOfIteration.includes(turnId)) expect(completed.get(turnId), `${context}: ${turnId} completed`).toBe(1);
    }
    expect(counts(reported).size, context).toBe(reported.length);

    // The parent resumes the thread and runs one more turn to completion; its request holds
    // every reported user message once, in order.
    const model = scriptedModel([scriptedTurn.reply('after the crashes')]);
    const s = await open({ home, model, resume: { threadId: THREAD_ID } });
    const events = await userTurn(s, 'after-crash', 'still there?');
    await s.thread.shutdown();

    expect(events.at(-1)?.msg, context).toMatchObject({ type: 'task_complete', last_agent_message: 'after the crashes' });
    const texts = (model.requests[0]?.input ?? []).flatMap((item) =>
      item.type === 'message' && item.role === 'user' ? item.content.flatMap((c) => (c.type === 'input_text' ? [c.text] : [])) : [],
    );
    const reportedTexts = reported.map((t) => t.replace(/^i(\d+)-t(\d+)$/, 'text $1.$2'));
    expect(texts.filter((t) => reportedTexts.includes(t)), context).toEqual(reportedTexts);
    expect(texts.at(-1)).toBe('still there?');
    const warnings = s.log.ofType('warning').map((w) => w.message);
    expect(warnings, context).toEqual(stored.skipped.length > 0 ? [`Skipped ${stored.skipped.length} unreadable line(s) while loading the rollout.`] : []);
    expect(existsSync(stored.path)).toBe(true);
  }, 50_000);
});
