/**
 * Goals survive a restart: a goal with a token budget accrues usage over two turns, the thread
 * shuts down, and a new process (`goal-child.ts`, bundled with rolldown and run with `node`)
 * resumes it from the same home (the child reports warnings on stderr). The child finds the same goal (id, objective, status, usage),
 * starts no turn by itself, adds its turns' usage to the stored value, and the goal flips to
 * `budgetLimited` exactly once when the budget is reached.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChild } from '../support/bundle-child.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import type { ThreadGoal } from 'turnstate';
import { JsonlThreadStore } from '../../src/persistence/index.js';
import { deferred } from '../runtime/harness.js';
import { cleanUp, freshHome, open } from './support.js';

let bundleDir = '';
let child = '';

beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), 'turnstate-goal-child-'));
  child = join(bundleDir, 'child.mjs');
  bundleChild('test/persistence-integration/goal-child.ts', child);
}, 40_000);

afterAll(async () => {
  await cleanUp();
  rmSync(bundleDir, { recursive: true, force: true });
});

const usage = (input: number, output: number) => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });

interface ChildReport {
  resumedGoal: ThreadGoal | null;
  startedAtStartup: number;
  updates: Array<{ status: string; tokensUsed: number }>;
  finalGoal: ThreadGoal | null;
  turnsStarted: number;
  lastRequestWrapUps: number;
}

describe('goals survive a restart', () => {
  it('keeps id, objective, status and usage across processes; usage adds up; budgetLimited once', async () => {
    const home = await freshHome();
    // Turn 1: the user's turn, during which the host sets the goal; turn 2: the automatic continuation.
    const gate = deferred();
    const model = scriptedModel([
      [{ type: 'created' }, { waitFor: gate.promise }, ...scriptedTurn.reply('first', { usage: usage(300, 50) })],
      scriptedTurn.reply('second', { usage: usage(200, 30) }),
    ]);
    const first = await open({ home, model });
    const turn1 = await first.thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'port the parser' }] });
    await first.log.untilType('task_started', { id: turn1 });
    const created = await first.thread.setGoal({ objective: 'Port the parser to TypeScript', token_budget: 1_000 });
    gate.resolve();
    await first.log.untilType('task_complete', { id: turn1 });
    await first.log.until((e) => e.msg.type === 'task_complete' && e.id !== turn1);
    await first.thread.whenProcessed();
    const before = first.thread.getGoal();
    expect(first.log.ofType('task_started')).toHaveLength(2);
    expect(before).toMatchObject({ goalId: created.goalId, status: 'active', tokenBudget: 1_000, tokensUsed: 350 + 230 });
    await first.thread.shutdown();

    const run = spawnSync(process.execPath, [child, home, first.thread.id], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as ChildReport;

    // The new process found the goal exactly as it was stored, and did not start a turn for it.
    expect(report.resumedGoal).toEqual(before);
    expect(report.startedAtStartup).toBe(0);
    // Turn 3 settles after its tool call: 580 + 450 = 1030 ≥ 1000 → budgetLimited; then the
    // turn end (+110) and turn 4 (+55) keep adding to the stored usage.
    expect(report.updates).toEqual([
      { status: 'budgetLimited', tokensUsed: 1030 },
      { status: 'budgetLimited', tokensUsed: 1140 },
      { status: 'budgetLimited', tokensUsed: 1195 },
    ]);
    const flips = report.updates.filter((u, i) => u.status === 'budgetLimited' && (i === 0 ? before?.status : report.updates[i - 1]?.status) !== 'budgetLimited');
    expect(flips).toHaveLength(1);
    expect(report.lastRequestWrapUps).toBe(1);
    // A budget-limited goal does not continue by itself: only the two user turns ran.
    expect(report.turnsStarted).toBe(2);
    expect(report.finalGoal).toMatchObject({ goalId: created.goalId, objective: 'Port the parser to TypeScript', status: 'budgetLimited', tokensUsed: 1195 });
    expect(report.finalGoal?.timeUsedSeconds).toBeGreaterThanOrEqual(before?.timeUsedSeconds ?? 0);
    expect(await new JsonlThreadStore({ home }).readGoal(first.thread.id)).toEqual(report.finalGoal);
  });
});
