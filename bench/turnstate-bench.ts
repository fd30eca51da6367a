/**
 * turnstate's side of the benchmarks: per-turn overhead with the in-process scripted model
 * (text turn, one-tool-call turn), cost per streamed delta, interrupt latency of a
 * cooperative task, and retained heap per idle thread.
 */
import os from 'node:os';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { z } from 'zod';
import type { ResponseEvent } from '../src/model/types.js';
import type { EventType } from '../src/protocol/index.js';
import { createThread, type CreateThreadOptions } from '../src/runtime/create-thread.js';
import type { Thread } from '../src/runtime/thread.js';
import type { SessionTask } from '../src/tasks/session-task.js';
import { defineTool } from '../src/tools/router.js';
import { scriptedModel, scriptedTurn, type ScriptedTurn } from '../src/testing/scripted-model.js';
import { fullGc, mean, median, nowUs, sample } from './measure.js';
import { sampleWithBytes } from './heap-growth.js';

/** Reads events until one of type `type`. */
export async function until(thread: Thread, type: EventType): Promise<void> {
  for (;;) if ((await thread.nextEvent()).msg.type === type) return;
}

const USER_INPUT = { type: 'user_input', items: [{ type: 'text', text: 'Count the words in: the quick brown fox' }] } as const;

/** One user turn, from submit to `task_complete` read by the host. */
export async function userTurn(thread: Thread): Promise<void> {
  await thread.submit(USER_INPUT);
  await until(thread, 'task_complete');
}

/**
 * The one host tool of the tool-call turns (the same tool is given to @openai/agents).
 * @example
 * await createThread({ model, tools: [wordCountTool] });
 */
export const wordCountTool = defineTool({
  name: 'word_count',
  description: 'Counts the words in a text.',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => `${text.split(/\s+/).filter(Boolean).length} words`,
});

/**
 * Every bench thread: in memory (`ephemeral`, no rollout file), only the host tool (no
 * built-in shell / apply_patch / update_plan), so both engines offer the model the same tool.
 */
const THREAD_OPTIONS: CreateThreadOptions = { tools: [wordCountTool], builtinTools: false, ephemeral: true, cwd: os.tmpdir() };

/**
 * The arguments every scripted tool call passes.
 * @example
 * scriptedTurn.functionCall('call_1', 'word_count', TOOL_ARGS);
 */
export const TOOL_ARGS = JSON.stringify({ text: 'the quick brown fox' });
const TEXT_REPLY = scriptedTurn.reply('Hello!');
let calls = 0;
/** A tool call with a fresh call id (ids are unique within a conversation, as a real model's are). */
const nextCall = () => scriptedTurn.functionCall(`call_${++calls}`, 'word_count', TOOL_ARGS);
const FOLLOW_UP = scriptedTurn.reply('That is 4 words.');

/** A text turn with `1 + extra` one-character deltas. */
function streamingReply(extra: number): ResponseEvent[] {
  const text = 'x'.repeat(extra + 1);
  return [
    { type: 'created' },
    { type: 'output_item_added', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [] } },
    ...Array.from({ length: extra + 1 }, (): ResponseEvent => ({ type: 'output_text_delta', delta: 'x' })),
    { type: 'output_item_done', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text }] } },
    { type: 'completed', response_id: 'resp_1', token_usage: null },
  ];
}

/** Chooses the scripted answer from the request's input items. */
type Script = (input: readonly { type: string }[]) => ScriptedTurn;

async function benchThread(script: Script): Promise<Thread> {
  const model = scriptedModel((request) => script(request.input), { recordRequests: false, strict: false });
  const thread = await createThread({ model, ...THREAD_OPTIONS });
  await until(thread, 'session_configured');
  return thread;
}

/** The scripted model's answer for each bench shape (fresh call ids for tool calls). */
const SHAPES: Record<Shape, Script> = {
  text: () => TEXT_REPLY,
  tool: (input) => (input.at(-1)?.type === 'function_call_output' ? FOLLOW_UP : nextCall()),
};
/**
 * A turn shape: a text reply, or a tool call → host tool → follow-up reply.
 * @example
 * const shape: Shape = 'tool';
 */
export type Shape = 'text' | 'tool';

/**
 * Per-turn wall time (µs): conversations of `sessionTurns` turns, each on a fresh thread
 * (created untimed), until `n` turns are timed after `warmup` untimed ones.
 * @example
 * const samples = await sessionTurns('text', 25, 3000, 300);
 */
export async function sessionTurns(shape: Shape, sessionTurns: number, n: number, warmup: number): Promise<number[]> {
  const out: number[] = [];
  let done = 0;
  while (out.length < n) {
    const thread = await benchThread(SHAPES[shape]);
    try {
      for (let i = 0; i < sessionTurns && out.length < n; i++, done++) {
        const t = await sample(1, 0, () => userTurn(thread));
        if (done >= warmup) out.push(t[0] as number);
      }
    } finally {
      await thread.shutdown();
    }
  }
  return out;
}

/**
 * Per-turn wall time (µs) of `n` turns on one thread that already ran `depth` turns. Given
 * `bytes`, also pushes there the heap growth of each timed turn no GC overlapped.
 * @example
 * const samples = await longThreadTurns('tool', 1000, 50);
 */
export async function longThreadTurns(shape: Shape, depth: number, n: number, bytes?: number[]): Promise<number[]> {
  const thread = await benchThread(SHAPES[shape]);
  try {
    for (let i = 0; i < depth; i++) await userTurn(thread);
    if (bytes === undefined) return await sample(n, 0, () => userTurn(thread));
    const runs = await sampleWithBytes(n, () => userTurn(thread));
    bytes.push(...runs.bytes);
    return runs.us;
  } finally {
    await thread.shutdown();
  }
}

/**
 * Cost per streamed delta: text turns with 1 delta and with `1 + deltas` deltas, interleaved on
 * one thread (so history growth affects both alike); µs per extra delta from the medians.
 * @example
 * const { perDeltaUs } = await deltaCost(2000, 40, 3);
 */
export async function deltaCost(deltas: number, rounds: number, warmup: number): Promise<{ perDeltaUs: number; longTurnUs: number; shortTurnUs: number }> {
  const long = streamingReply(deltas);
  let next: ScriptedTurn = TEXT_REPLY;
  const thread = await benchThread(() => next);
  try {
    const short: number[] = [];
    const longs: number[] = [];
    for (let i = 0; i < warmup + rounds; i++) {
      next = TEXT_REPLY;
      const s = await sample(1, 0, () => userTurn(thread));
      next = long;
      const l = await sample(1, 0, () => userTurn(thread));
      if (i >= warmup) {
        short.push(s[0] as number);
        longs.push(l[0] as number);
      }
    }
    const shortTurnUs = median(short);
    const longTurnUs = median(longs);
    return { perDeltaUs: (longTurnUs - shortTurnUs) / deltas, longTurnUs, shortTurnUs };
  } finally {
    await thread.shutdown();
  }
}

/** A cooperative host task: returns as soon as its signal aborts. */
const cooperative: SessionTask<null> = {
  kind: 'bench',
  run: (_ctx, _input, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true })),
};

/**
 * How each timed interrupt reaches the thread.
 * - `'macrotask'`: the event loop turns once (`setImmediate`, untimed) between the task's start
 *   and `submit`, as an interrupt does that comes from a signal, a socket or stdin, and as the
 *   `AbortController` floor's abort does. V8 runs the young-generation collections it schedules
 *   as tasks in that turn.
 * - `'back-to-back'`: `submit` in the same microtask chain as the task's start, so the loop never
 *   turns during the 2,000 interrupts and every young-generation collection is forced by an
 *   allocation wherever it happens, inside timed windows in proportion to what they allocate.
 */
export type InterruptArrival = 'macrotask' | 'back-to-back';

/**
 * Latency (µs) from `submit({ type: 'interrupt' })` to reading `turn_aborted`, per interrupt.
 * @example
 * const samples = await interruptLatency(2000, 200, 'macrotask');
 */
export async function interruptLatency(n: number, warmup: number, arrival: InterruptArrival): Promise<number[]> {
  const out: number[] = [];
  await interruptLoop(n, warmup, arrival, (window) => out.push(window.us));
  return out;
}

/** One timed interrupt: its window (µs, `performance.now` ms bounds) and the heap used around it and its turn's start. */
interface InterruptWindow {
  us: number;
  startMs: number;
  endMs: number;
  heapAtSpawn: number;
  heapAtInterrupt: number;
  heapAtAborted: number;
}

/**
 * `n` interrupts (after `warmup`) on one long-lived thread, each a cooperative task spawned
 * (untimed), then interrupted (arriving as `arrival` says) with the window from `submit` to
 * reading `turn_aborted` timed.
 */
async function interruptLoop(n: number, warmup: number, arrival: InterruptArrival, onWindow: (window: InterruptWindow) => void): Promise<void> {
  const thread = await createThread({ ...THREAD_OPTIONS, tools: [] });
  await until(thread, 'session_configured');
  try {
    for (let i = 0; i < warmup + n; i++) {
      const heapAtSpawn = process.memoryUsage().heapUsed;
      await thread.spawnTask(cooperative, null);
      await until(thread, 'task_started');
      if (arrival === 'macrotask') await new Promise((resolve) => setImmediate(resolve));
      const heapAtInterrupt = process.memoryUsage().heapUsed;
      const t0 = nowUs();
      await thread.submit({ type: 'interrupt' });
      await until(thread, 'turn_aborted');
      const t1 = nowUs();
      if (i >= warmup) onWindow({ us: t1 - t0, startMs: t0 / 1000, endMs: t1 / 1000, heapAtSpawn, heapAtInterrupt, heapAtAborted: process.memoryUsage().heapUsed });
    }
  } finally {
    await thread.shutdown();
  }
}

/**
 * What the interrupt loop allocates and how often the young generation is collected, figures
 * that (unlike the latency) do not depend on the machine's load: bytes allocated per whole
 * interrupt (spawn + interrupt) and per timed window (from `heapUsed` deltas of the runs no
 * GC ran in), and the scavenges during the `n` interrupts and inside timed windows.
 * @example
 * const { bytesPerWindow, scavenges } = await interruptGarbage(2000, 200, 'back-to-back');
 */
export async function interruptGarbage(n: number, warmup: number, arrival: InterruptArrival): Promise<InterruptGarbage> {
  const gcs: Array<{ at: number; ms: number; minor: boolean }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ at: e.startTime, ms: e.duration, minor: (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR });
  });
  observer.observe({ entryTypes: ['gc'] });
  const windows: InterruptWindow[] = [];
  try {
    await interruptLoop(n, warmup, arrival, (window) => windows.push(window));
    // GC entries arrive after the GC: let the last ones in.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    observer.disconnect();
  }
  const grew = (from: number, to: number) => (to >= from ? [to - from] : []);
  const perWindow = windows.flatMap((w) => grew(w.heapAtInterrupt, w.heapAtAborted));
  const perInterrupt = windows.flatMap((w) => grew(w.heapAtSpawn, w.heapAtAborted));
  const from = windows[0]?.startMs ?? 0;
  const to = windows.at(-1)?.endMs ?? 0;
  const scavenges = gcs.filter((g) => g.minor && g.at >= from && g.at <= to);
  return {
    arrival,
    interrupts: windows.length,
    bytesPerInterrupt: mean(perInterrupt),
    bytesPerWindow: mean(perWindow),
    scavenges: scavenges.length,
    scavengeMeanMs: mean(scavenges.map((g) => g.ms)),
    scavengesInWindows: scavenges.filter((g) => windows.some((w) => g.at >= w.startMs && g.at <= w.endMs)).length,
    otherGcs: gcs.filter((g) => !g.minor && g.at >= from && g.at <= to).length,
  };
}

/**
 * `interruptGarbage`'s figures.
 * @example
 * const g: InterruptGarbage = await interruptGarbage(2000, 200);
 */
export interface InterruptGarbage {
  /** How the interrupts arrived. */
  arrival: InterruptArrival;
  interrupts: number;
  /** Bytes allocated per interrupt, its task's spawn included. */
  bytesPerInterrupt: number;
  /** Bytes allocated inside the timed window (`submit` → `turn_aborted` read). */
  bytesPerWindow: number;
  /** Young-generation collections while the `interrupts` ran. */
  scavenges: number;
  /** Their mean pause (ms, `PerformanceObserver` gc entries). */
  scavengeMeanMs: number;
  /** ...of which started inside a timed window. */
  scavengesInWindows: number;
  /** Other collections (mark-compact, incremental marking) while they ran. */
  otherGcs: number;
}

/**
 * The plain-Node floor of `interruptLatency`: a task awaiting an `AbortController`'s signal,
 * aborted, its end handed to a reader through a promise, as a host reads `turn_aborted`.
 * Latency (µs) from `abort()` to the reader resuming, per run.
 * @example
 * const floor = await abortControllerFloor(2000, 200);
 */
export async function abortControllerFloor(n: number, warmup: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const controller = new AbortController();
    let deliver: (event: { type: string }) => void = () => undefined;
    const read = new Promise<{ type: string }>((resolve) => (deliver = resolve));
    const task = new Promise<null>((resolve) => controller.signal.addEventListener('abort', () => resolve(null), { once: true }));
    void task.then(() => deliver({ type: 'turn_aborted' }));
    await new Promise((resolve) => setImmediate(resolve));
    const t0 = nowUs();
    controller.abort();
    if ((await read).type !== 'turn_aborted') throw new Error('unexpected event');
    if (i >= warmup) out.push(nowUs() - t0);
  }
  return out;
}

/**
 * Retained heap per idle thread (bytes): `n` fresh in-memory threads, `session_configured` read, full GC around.
 * @example
 * const { bytesPerThread } = await idleThreadHeap(2000);
 */
export async function idleThreadHeap(n: number): Promise<{ bytesPerThread: number; threads: number }> {
  const model = scriptedModel([TEXT_REPLY], { recordRequests: false, strict: false });
  const threads: Thread[] = [];
  await fullGc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) {
    const thread = await createThread({ model, ...THREAD_OPTIONS });
    await until(thread, 'session_configured');
    threads.push(thread);
  }
  await fullGc();
  const after = process.memoryUsage().heapUsed;
  const bytesPerThread = (after - before) / n;
  for (const thread of threads) await thread.shutdown();
  return { bytesPerThread, threads: threads.length };
}
