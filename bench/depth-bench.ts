/**
 * Deep-thread and persistence benchmarks: turn cost shallow (turn 25) against deep (5,000
 * turns), a persisted text turn against an ephemeral one (both durability settings of the
 * JSONL store), and resuming a 100,000-line rollout.
 *
 * Run alone with `node dist/bench/depth-bench.js [--quick]`; `npm run bench` includes it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonlThreadStore, type RolloutDurability } from '../src/persistence/index.js';
import { createThread } from '../src/runtime/create-thread.js';
import type { Thread } from '../src/runtime/thread.js';
import { scriptedModel, scriptedTurn } from '../src/testing/scripted-model.js';
import { fullGc, median, nowUs, sample, summarize, type SampleSummary } from './measure.js';
import { longThreadTurns, TOOL_ARGS, until, userTurn, wordCountTool } from './turnstate-bench.js';


let calls = 0;
function toolScript(input: readonly { type: string }[]) {
  return input.at(-1)?.type === 'function_call_output' ? scriptedTurn.reply('That is 4 words.') : scriptedTurn.functionCall(`dcall_${++calls}`, 'word_count', TOOL_ARGS);
}

/**
 * Per-turn wall time (µs) of text turns on a thread persisted by a JSONL store (`durability`)
 * or on an ephemeral one; `depth` untimed turns first.
 * @example
 * await persistedTurns('flush', 25, 200);
 */
export async function persistedTurns(durability: PersistenceKind, depth: number, n: number): Promise<number[]> {
  const home = await mkdtemp(join(os.tmpdir(), 'turnstate-bench-'));
  try {
    const model = scriptedModel(() => scriptedTurn.reply('Hello!'), { recordRequests: false, strict: false });
    const persistence = durability === 'ephemeral' ? { ephemeral: true } : { store: new JsonlThreadStore({ home, durability }) };
    const thread = await createThread({ model, tools: [wordCountTool], builtinTools: false, cwd: os.tmpdir(), home, ...persistence });
    await until(thread, 'session_configured');
    try {
      for (let i = 0; i < depth; i++) await userTurn(thread);
      return await sample(n, 0, () => userTurn(thread));
    } finally {
      await thread.shutdown();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The three kinds of thread the persisted/ephemeral rows compare. */
export type PersistenceKind = RolloutDurability | 'ephemeral';

/**
 * Per-turn wall time (µs) of text turns on an ephemeral thread and on threads persisted with
 * each durability, interleaved: one thread of each kind, each first run `depth` untimed turns,
 * then `n` rounds of one timed turn on each, every other round in reverse order (so the
 * ephemeral and the `'close'` thread each follow the fsyncing `'flush'` one equally often), so
 * JIT warm-up and the machine's load drift reach all three alike instead of favouring the kind
 * measured last. Samples per kind.
 * @example
 * const { ephemeral, close } = await interleavedPersistedTurns(25, 400);
 */
export async function interleavedPersistedTurns(depth: number, n: number): Promise<Record<PersistenceKind, number[]>> {
  const kinds: readonly PersistenceKind[] = ['ephemeral', 'flush', 'close'];
  const home = await mkdtemp(join(os.tmpdir(), 'turnstate-bench-'));
  const threads = new Map<PersistenceKind, Thread>();
  try {
    for (const kind of kinds) {
      const model = scriptedModel(() => scriptedTurn.reply('Hello!'), { recordRequests: false, strict: false });
      const persistence = kind === 'ephemeral' ? { ephemeral: true } : { store: new JsonlThreadStore({ home, durability: kind }) };
      const thread = await createThread({ model, tools: [wordCountTool], builtinTools: false, cwd: os.tmpdir(), home, ...persistence });
      threads.set(kind, thread);
      await until(thread, 'session_configured');
      for (let i = 0; i < depth; i++) await userTurn(thread);
    }
    const samples: Record<PersistenceKind, number[]> = { ephemeral: [], flush: [], close: [] };
    for (let round = 0; round < n; round++) {
      for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) {
        const thread = threads.get(kind) as Thread;
        const t0 = nowUs();
        await userTurn(thread);
        samples[kind].push(nowUs() - t0);
      }
    }
    return samples;
  } finally {
    for (const thread of threads.values()) await thread.shutdown();
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Writes a rollout of about `lines` lines (a recorded tool-call conversation, repeated with
 * fresh call ids) and times resuming it: the store's read, and `createThread({ resume })` until
 * `session_configured`. Milliseconds per run.
 * @example
 * const { readMs, resumeMs } = await resumeRollout(100_000, 5);
 */
export async function resumeRollout(lines: number, runs: number): Promise<{ lines: number; readMs: number[]; resumeMs: number[] }> {
  const home = await mkdtemp(join(os.tmpdir(), 'turnstate-bench-'));
  try {
    const model = scriptedModel((request) => toolScript(request.input), { recordRequests: false, strict: false });
    const thread = await createThread({ model, tools: [wordCountTool], builtinTools: false, cwd: os.tmpdir(), home });
    await until(thread, 'session_configured');
    for (let i = 0; i < 10; i++) await userTurn(thread);
    const threadId = thread.id;
    await thread.shutdown();
    const store = new JsonlThreadStore({ home });
    const path = (await store.findPath(threadId)) as string;
    const [head = '', ...body] = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    const out: string[] = [head];
    for (let round = 0; out.length < lines; round++) {
      for (const line of body) out.push(line.replaceAll('dcall_', `r${round}_dcall_`));
    }
    out.length = lines;
    await writeFile(path, `${out.join('\n')}\n`);
    const readMs: number[] = [];
    const resumeMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      await fullGc();
      let t = nowUs();
      await new JsonlThreadStore({ home }).read(threadId);
      readMs.push((nowUs() - t) / 1000);
      await fullGc();
      t = nowUs();
      const resumed = await createThread({ model, tools: [wordCountTool], builtinTools: false, cwd: os.tmpdir(), home, resume: { threadId } });
      await until(resumed, 'session_configured');
      resumeMs.push((nowUs() - t) / 1000);
      await resumed.shutdown();
    }
    return { lines: out.length, readMs, resumeMs };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Everything this module measures.
 * @example
 * const r: DepthBench = await depthBench(1);
 */
export interface DepthBench {
  /** Median heap growth per turn (bytes) of the four turn measures, load-independent. */
  bytes: { shallowText: number; deepText: number; shallowTool: number; deepTool: number };
  shallowText: SampleSummary;
  deepText: SampleSummary;
  shallowTool: SampleSummary;
  deepTool: SampleSummary;
  depth: number;
  ephemeral: SampleSummary;
  persistedFlush: SampleSummary;
  persistedClose: SampleSummary;
  resume: { lines: number; readMs: number; resumeMs: number };
}

/**
 * Runs the deep-thread and persistence benchmarks (`scale` 0.1 for a smoke run).
 * @example
 * const r = await depthBench(1, (what) => console.error(what));
 */
export async function depthBench(scale: number, progress: (what: string) => void = () => undefined): Promise<DepthBench> {
  const depth = Math.round(5000 * scale);
  const n = Math.max(10, Math.round(200 * scale));
  const step = async (what: string, fn: () => Promise<number[]>) => {
    progress(what);
    await fullGc();
    return summarize(await fn());
  };
  progress('warm-up turns');
  await longThreadTurns('tool', 25, n);
  await persistedTurns('close', 5, n);
  await persistedTurns('ephemeral', 5, n);
  const bytes = { shallowText: [] as number[], deepText: [] as number[], shallowTool: [] as number[], deepTool: [] as number[] };
  const shallowText = await step('text turns at turn 25', () => longThreadTurns('text', 25, n, bytes.shallowText));
  const deepText = await step(`text turns after ${depth}`, () => longThreadTurns('text', depth, n, bytes.deepText));
  const shallowTool = await step('tool turns at turn 25', () => longThreadTurns('tool', 25, n, bytes.shallowTool));
  const deepTool = await step(`tool turns after ${depth}`, () => longThreadTurns('tool', depth, n, bytes.deepTool));
  progress("ephemeral and persisted text turns ('flush', 'close'), interleaved");
  await fullGc();
  const persisted = await interleavedPersistedTurns(25, n * 2);
  const ephemeral = summarize(persisted.ephemeral);
  const persistedFlush = summarize(persisted.flush);
  const persistedClose = summarize(persisted.close);
  progress('resume of a 100,000-line rollout');
  const r = await resumeRollout(Math.round(100_000 * Math.max(scale, 0.1)), 5);
  return {
    bytes: { shallowText: median(bytes.shallowText), deepText: median(bytes.deepText), shallowTool: median(bytes.shallowTool), deepTool: median(bytes.deepTool) },
    shallowText,
    deepText,
    shallowTool,
    deepTool,
    depth,
    ephemeral,
    persistedFlush,
    persistedClose,
    resume: { lines: r.lines, readMs: median(r.readMs), resumeMs: median(r.resumeMs) },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const scale = process.argv.includes('--quick') ? 0.1 : 1;
  const r = await depthBench(scale, (what) => process.stderr.write(`  measuring ${what}...\n`));
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.exit(0);
}
