/**
 * `npm run bench:pg`: the thread stores at scale. 1,000 threads × 20 turns are written through
 * the rollout recorder (the engine's write path: one record call per item, a flush at each
 * turn's end), 50 threads at a time, then threads are resumed (read back and their history rebuilt): one at a
 * time for the latency, all of them 50 at a time for the total. Same lines, same machine, for the JSONL file store and the PostgreSQL store (each
 * PostgreSQL thread also takes and releases its write lease, as a worker does).
 *
 * The turn lines come from a real 20-turn thread (scripted model; every third turn calls a
 * tool). PostgreSQL: `TURNSTATE_PG_URL`, else a throwaway cluster started with
 * `scripts/pg-test-cluster.sh` (default settings, fsync on). Flags: `--threads N`, `--json`.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createThread, defineTool } from '../src/index.js';
import {
  defaultHistoryOps,
  InMemoryThreadStore,
  JsonlThreadStore,
  reconstructHistoryFromRollout,
  RolloutRecorder,
  type RolloutItem,
  type SessionMeta,
  type ThreadStore,
} from '../src/persistence/index.js';
import { PostgresThreadStore } from '../src/postgres/index.js';
import { scriptedModel, scriptedTurn } from '../src/testing/index.js';
import { quantile } from './measure.js';

const { values } = parseArgs({ options: { threads: { type: 'string' }, turns: { type: 'string' }, json: { type: 'boolean' } } });
const THREADS = Number(values.threads ?? 1000);
const TURNS = Number(values.turns ?? 20);
const CONCURRENCY = 50;
const log = (line: string) => {
  if (!values.json) process.stderr.write(`${line}\n`);
};

/** The items of each turn of a real thread (session_meta excluded), from an in-memory run. */
async function turnTemplate(): Promise<RolloutItem[][]> {
  const store = new InMemoryThreadStore();
  const echo = defineTool({ name: 'echo', description: 'Echoes', parameters: z.object({ n: z.number() }), execute: ({ n }) => `echo ${n}` });
  const plan: Array<ReturnType<typeof scriptedTurn.reply>> = [];
  const model = scriptedModel(() => plan.shift(), { recordRequests: false });
  const thread = await createThread({ store, cwd: '/tmp', model, tools: [echo], builtinTools: false, ephemeral: false, home: mkdtempSync(join(os.tmpdir(), 'ts-bench-')) });
  for (let n = 1; n <= TURNS; n++) {
    if (n % 3 === 0) plan.push(scriptedTurn.functionCall(`call_${n}`, 'echo', JSON.stringify({ n })));
    plan.push(scriptedTurn.reply(`reply ${n}: ${'lorem ipsum '.repeat(20)}`));
    const done = new Promise<void>((resolve) => {
      const off = thread.onEvent(({ msg }) => {
        if (msg.type === 'task_complete') {
          off();
          resolve();
        }
      });
    });
    await thread.submit({ type: 'user_input', items: [{ type: 'text', text: `question ${n}` }] });
    await done;
  }
  await thread.shutdown();
  const items = (await store.read(thread.id)).items.filter((i) => i.type !== 'session_meta');
  const turns: RolloutItem[][] = [];
  for (const item of items) {
    if ((item.type === 'event_msg' && item.payload.type === 'task_started') || turns.length === 0) turns.push([]);
    turns.at(-1)?.push(item);
  }
  return turns;
}

interface StoreResult {
  store: string;
  lines: number;
  writeSeconds: number;
  linesPerSecond: number;
  turnsPerSecond: number;
  resumeMsMedian: number;
  resumeMsP95: number;
  resumeAllSeconds: number;
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function measure(name: string, store: ThreadStore, turns: RolloutItem[][], leases: boolean): Promise<StoreResult> {
  const ids = Array.from({ length: THREADS }, () => randomUUID());
  const base = Date.UTC(2026, 3, 25, 10);
  const linesPerThread = 1 + turns.reduce((sum, t) => sum + t.length, 0);
  log(`  ${name}: writing ${THREADS} threads × ${turns.length} turns (${linesPerThread} lines each)...`);
  const started = performance.now();
  await pool(ids, CONCURRENCY, async (id) => {
    const index = ids.indexOf(id);
    const at = new Date(base + index * 1000).toISOString();
    const meta: SessionMeta = { id, timestamp: at, cwd: '/work', originator: 'bench', cli_version: '0', source: 'exec' };
    const lease = leases ? await store.acquire(id) : null;
    const recorder = new RolloutRecorder({ store, meta, onWarning: (m) => log(`    warning: ${m}`) });
    for (const turn of turns) {
      for (const item of turn) recorder.record([item]);
      const saved = await recorder.flush();
      if (!saved.ok) throw saved.error;
    }
    await recorder.shutdown();
    await lease?.release();
  });
  const writeSeconds = (performance.now() - started) / 1000;

  log(`  ${name}: resuming ${THREADS} threads...`);
  const resumeOne = async (id: string): Promise<number> => {
    const t0 = performance.now();
    const rollout = await store.read({ threadId: id });
    reconstructHistoryFromRollout(rollout.items, defaultHistoryOps);
    if (rollout.lines.length !== linesPerThread) throw new Error(`${name}: thread ${id} has ${rollout.lines.length} lines, expected ${linesPerThread}`);
    return performance.now() - t0;
  };
  // Latency: one resume at a time (200 threads); throughput: every thread, 50 at a time.
  const resumeMs: number[] = [];
  for (const id of ids.slice(0, 200)) resumeMs.push(await resumeOne(id));
  const resumeStarted = performance.now();
  await pool(ids, CONCURRENCY, async (id) => void (await resumeOne(id)));
  const resumeAllSeconds = (performance.now() - resumeStarted) / 1000;
  const lines = THREADS * linesPerThread;
  return {
    store: name,
    lines,
    writeSeconds,
    linesPerSecond: lines / writeSeconds,
    turnsPerSecond: (THREADS * turns.length) / writeSeconds,
    resumeMsMedian: quantile(resumeMs, 0.5),
    resumeMsP95: quantile(resumeMs, 0.95),
    resumeAllSeconds,
  };
}

const SCRIPT = fileURLToPath(new URL('../../scripts/pg-test-cluster.sh', import.meta.url));

async function main(): Promise<void> {
  const turns = await turnTemplate();
  const results: StoreResult[] = [];
  const home = mkdtempSync(join(os.tmpdir(), 'ts-bench-files-'));
  try {
    results.push(await measure('JSONL files', new JsonlThreadStore({ home }), turns, false));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }

  let clusterDir: string | null = null;
  let url = process.env.TURNSTATE_PG_URL ?? '';
  if (url === '') {
    clusterDir = mkdtempSync(join(os.tmpdir(), 'ts-bench-pg-'));
    chmodSync(clusterDir, 0o755);
    url = execFileSync('bash', [SCRIPT, 'start', join(clusterDir, 'cluster')], { encoding: 'utf8' }).trim();
  }
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const pg = new PostgresThreadStore({ connectionString: url, schema });
  try {
    results.push(await measure('PostgreSQL', pg, turns, true));
  } finally {
    const pool = await pg.ready();
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pg.close();
    if (clusterDir !== null) {
      execFileSync('bash', [SCRIPT, 'stop', join(clusterDir, 'cluster')]);
      rmSync(clusterDir, { recursive: true, force: true });
    }
  }

  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const cpu = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average at the end ${load}`;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ threads: THREADS, turns: TURNS, concurrency: CONCURRENCY, machine: cpu, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${THREADS} threads × ${TURNS} turns, ${CONCURRENCY} at a time; ${cpu}\n\n`);
  process.stdout.write('| store | lines written | write time | lines/s | turns/s | resume one thread, median (p95) | resume all |\n|---|---|---|---|---|---|---|\n');
  for (const r of results) {
    process.stdout.write(
      `| ${r.store} | ${r.lines} | ${r.writeSeconds.toFixed(1)} s | ${Math.round(r.linesPerSecond)} | ${Math.round(r.turnsPerSecond)} | ${r.resumeMsMedian.toFixed(1)} ms (${r.resumeMsP95.toFixed(1)} ms) | ${r.resumeAllSeconds.toFixed(1)} s |\n`,
    );
  }
}

await main();
