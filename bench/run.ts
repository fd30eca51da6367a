/**
 * `npm run bench`: turnstate's engine overhead, measured in one process, against targets and
 * against `@openai/agents`. Prints a table, then the numbers as JSON (nothing is written to
 * disk). Re-runs itself with `--expose-gc` when needed (for the heap figure).
 *
 * Flags: `--quick` (a tenth of the iterations, for a smoke run), `--json` (JSON only).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { agentsLongTurns, agentsSessionTurns } from './agents-bench.js';
import { fullGc, summarize, type SampleSummary } from './measure.js';
import { renderReport, type BenchResults } from './report.js';
import { xstateChainFloor } from './xstate-floor.js';
import { abortControllerFloor, deltaCost, idleThreadHeap, interruptGarbage, interruptLatency, longThreadTurns, sessionTurns } from './turnstate-bench.js';
import { shellInterruptLatency, sseLongLine } from './integrity-bench.js';
import { ghostSnapshotTimes } from './ghost-snapshot-bench.js';
import { depthBench } from './depth-bench.js';

const args = new Set(process.argv.slice(2));

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const scale = args.has('--quick') ? 0.1 : 1;
const n = (count: number) => Math.max(10, Math.round(count * scale));
const jsonOnly = args.has('--json');
const progress = (what: string) => {
  if (!jsonOnly) process.stderr.write(`  measuring ${what}...\n`);
};

async function main(): Promise<void> {
  const started = performance.now();
  const config = {
    sessionTurns: 25,
    textTurns: n(3000),
    toolTurns: n(2000),
    agentsTextTurns: n(1500),
    agentsToolTurns: n(1000),
    warmupTurns: n(300),
    longDepth: n(1000),
    longTurns: n(50),
    agentsLongTurns: Math.max(3, Math.round(8 * scale)),
    deltas: 2000,
    deltaRounds: n(40),
    interrupts: n(2000),
    idleThreads: n(2000),
    shellInterrupts: Math.max(5, Math.round(30 * scale)),
    sseLineMegabytes: 50,
    snapshotRuns: Math.max(5, Math.round(20 * scale)),
  };
  const measure = async (what: string, fn: () => Promise<number[]>): Promise<SampleSummary> => {
    progress(what);
    await fullGc();
    return summarize(await fn());
  };
  const c = config;

  const text = await measure('turnstate text turns', () => sessionTurns('text', c.sessionTurns, c.textTurns, c.warmupTurns));
  const tool = await measure('turnstate tool turns', () => sessionTurns('tool', c.sessionTurns, c.toolTurns, c.warmupTurns));
  const agentsText = await measure('@openai/agents text turns (stream)', () => agentsSessionTurns('text', 'stream', c.sessionTurns, c.agentsTextTurns, c.warmupTurns));
  const agentsTool = await measure('@openai/agents tool turns (stream)', () => agentsSessionTurns('tool', 'stream', c.sessionTurns, c.agentsToolTurns, c.warmupTurns));
  const agentsTextPlain = await measure('@openai/agents text turns (non-stream)', () => agentsSessionTurns('text', 'plain', c.sessionTurns, c.agentsTextTurns, c.warmupTurns));
  const agentsToolPlain = await measure('@openai/agents tool turns (non-stream)', () => agentsSessionTurns('tool', 'plain', c.sessionTurns, c.agentsToolTurns, c.warmupTurns));
  const longText = await measure(`turnstate text turns after ${c.longDepth}`, () => longThreadTurns('text', c.longDepth, c.longTurns));
  const longTool = await measure(`turnstate tool turns after ${c.longDepth}`, () => longThreadTurns('tool', c.longDepth, c.longTurns));
  const agentsLongText = await measure(`@openai/agents text turns after ${c.longDepth}`, () => agentsLongTurns('text', 'stream', c.longDepth, c.agentsLongTurns));
  const agentsLongTool = await measure(`@openai/agents tool turns after ${c.longDepth}`, () => agentsLongTurns('tool', 'stream', c.longDepth, c.agentsLongTurns));
  progress(`cost per streamed delta (${c.deltas} deltas)`);
  await fullGc();
  const delta = await deltaCost(c.deltas, c.deltaRounds, 3);
  const interrupt = await measure(`interrupt latency (${c.interrupts} interrupts on one thread, each from a macrotask)`, () =>
    interruptLatency(c.interrupts, n(200), 'macrotask'),
  );
  const interruptBackToBack = await measure(`interrupt latency (${c.interrupts} interrupts on one thread, back-to-back)`, () =>
    interruptLatency(c.interrupts, n(200), 'back-to-back'),
  );
  const interruptFloor = await measure('plain-Node AbortController floor', () => abortControllerFloor(c.interrupts, n(200)));
  const interruptXstate = await measure('bare-XState floor (thread → turn → task → runner)', () => xstateChainFloor(c.interrupts, n(200)));
  progress(`allocation and scavenges of ${c.interrupts} interrupts, each way`);
  await fullGc();
  const interruptGc = await interruptGarbage(c.interrupts, n(200), 'macrotask');
  await fullGc();
  const interruptGcBackToBack = await interruptGarbage(c.interrupts, n(200), 'back-to-back');
  progress(`heap of ${c.idleThreads} idle threads`);
  const heap = await idleThreadHeap(c.idleThreads);
  const shellInterrupt = await measure(`shell command interrupt latency (${c.shellInterrupts} runs)`, () => shellInterruptLatency(c.shellInterrupts));
  progress(`one ${c.sseLineMegabytes} MB SSE line without a newline`);
  const sseLine = await sseLongLine(c.sseLineMegabytes);
  progress(`ghost snapshot + undo of a 10,000-file repository (${c.snapshotRuns} runs)`);
  const ghostSnapshot = await ghostSnapshotTimes(100, 100, c.snapshotRuns);
  const depth = await depthBench(scale, progress);

  const results: BenchResults = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` },
    config,
    turnstate: { text, tool, longText, longTool, delta, interrupt, interruptBackToBack, interruptFloor, interruptXstate, interruptGc, interruptGcBackToBack, heap, shellInterrupt, sseLine, ghostSnapshot, depth },
    agents: { text: agentsText, tool: agentsTool, textNonStreaming: agentsTextPlain, toolNonStreaming: agentsToolPlain, longText: agentsLongText, longTool: agentsLongTool },
    elapsedSeconds: (performance.now() - started) / 1000,
  };
  if (jsonOnly) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    return;
  }
  process.stdout.write(renderReport(results));
  process.stdout.write('\nJSON:\n' + JSON.stringify(results) + '\n');
}

await main();
// @openai/agents leaves process handlers behind; the run is over.
process.exit(0);
