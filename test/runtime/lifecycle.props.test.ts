/**
 * Model-based property test of the lifecycle rules: random interleavings of user input,
 * interrupts, spawns (cooperative, slow, non-cooperative tasks), steers, approvals (valid,
 * stale, duplicate, unknown), goal set/clear and shutdown. After every step the event log
 * and the actor tree are checked against the invariants below.
 *
 * Replay a failure with FC_SEED=<seed> FC_PATH=<path> (printed by fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  agentStatusFromEvent,
  createThread,
  TURN_ABORTED_MARKER_TEXT,
  type AgentStatus,
  type Event,
  type ReviewDecision,
  type SessionTask,
  type Thread,
} from 'turnstate';
import { scriptedModel, type ModelScript } from 'turnstate/testing';
import { controllableTask, deferred, flushAsync, historyTexts, type TaskBehaviour } from './harness.js';

interface Model {
  shutdown: boolean;
}

interface Real {
  thread: Thread;
  sim: SimulatedClock;
  log: Event[];
  finishers: Map<string, () => void>;
  modelGates: Array<() => void>;
  approvals: Array<{ id: string; turnId: string }>;
  sent: Map<string, ReviewDecision[]>;
  resolutions: Array<{ id: string; turnId: string; decision: ReviewDecision; turnEnded: boolean }>;
  counter: number;
}

const ENDS = new Set(['task_complete', 'turn_aborted']);

/** Waits until the thread has handled every op and the log has stopped growing. */
async function settle(r: Real): Promise<void> {
  for (let round = 0; round < 3; round++) {
    let done = false;
    void r.thread.whenProcessed().then(() => (done = true));
    for (let i = 0; i < 400 && !done; i++) {
      await flushAsync(2);
      if (!done) r.sim.increment(10);
    }
    await flushAsync(4);
  }
}

function activeTurnId(r: Real): string | null {
  return r.thread.actor.getSnapshot().context.turn?.turnId ?? null;
}

function checkInvariants(r: Real): void {
  const started: string[] = [];
  const ended = new Map<string, number>();
  let open: string | null = null;
  let shutdownAt = -1;
  let status: AgentStatus = 'pending_init';
  let interruptedAborts = 0;
  r.log.forEach((e, index) => {
    if (shutdownAt >= 0) throw new Error(`event after shutdown_complete: ${e.msg.type}`);
    if (e.msg.type === 'shutdown_complete') shutdownAt = index;
    const s = agentStatusFromEvent(e.msg);
    if (s !== null) status = s;
    if (ended.has(e.id)) throw new Error(`event ${e.msg.type} after the end of turn ${e.id}`);
    if (e.msg.type === 'task_started') {
      // At most one active turn.
      expect(open).toBeNull();
      open = e.id;
      started.push(e.id);
    }
    if (ENDS.has(e.msg.type) && started.includes(e.id)) {
      ended.set(e.id, index);
      if (open === e.id) open = null;
      if (e.msg.type === 'turn_aborted' && e.msg.reason === 'interrupted') interruptedAborts++;
    }
  });
  const turnChildren = Object.keys(r.thread.actor.getSnapshot().children).filter((k) => k.startsWith('turn:'));
  expect(turnChildren.length).toBeLessThanOrEqual(1);
  // One marker per interrupted abort; none for replaced ones.
  expect(historyTexts(r.thread).filter((t) => t === TURN_ABORTED_MARKER_TEXT)).toHaveLength(interruptedAborts);
  // Approvals: resolved at most once, before their turn ended, only with a decision sent for that id.
  const seen = new Set<string>();
  for (const res of r.resolutions) {
    expect(seen.has(res.id)).toBe(false);
    seen.add(res.id);
    expect(res.turnEnded).toBe(false);
    expect(r.sent.get(res.id) ?? []).toContainEqual(res.decision);
  }
  expect(r.thread.status()).toEqual(status);
  if (shutdownAt >= 0) expect(started.every((id) => ended.has(id))).toBe(true);
}

function approvalTask(r: Real): SessionTask<null> {
  return {
    kind: 'approver',
    async run(ctx) {
      const id = `approval-${++r.counter}`;
      r.approvals.push({ id, turnId: ctx.turnId });
      const decision = await ctx.requestApproval({ approvalId: id, kind: r.counter % 2 ? 'exec' : 'patch' });
      const turnEnded = r.log.some((e) => e.id === ctx.turnId && ENDS.has(e.msg.type));
      r.resolutions.push({ id, turnId: ctx.turnId, decision, turnEnded });
      return `decided ${typeof decision === 'string' ? decision : 'amendment'}`;
    },
  };
}

type Cmd = fc.AsyncCommand<Model, Real>;
const alive = (m: Model) => !m.shutdown;

const cmd = (name: string, run: (r: Real) => Promise<void>, after?: (m: Model) => void): Cmd => ({
  check: alive,
  async run(m, r) {
    // API calls that wait for the thread (spawn over a stubborn task) need the clock to move.
    const pending = run(r);
    await settle(r);
    await pending;
    after?.(m);
    checkInvariants(r);
  },
  toString: () => name,
});

const commands = [
  fc.constantFrom('go', 'more').map((t) => cmd(`userInput(${t})`, async (r) => void (await r.thread.submit({ type: 'user_input', items: [{ type: 'text', text: t }] })))),
  fc.constant(cmd('interrupt', async (r) => void (await r.thread.submit({ type: 'interrupt' })))),
  fc.constantFrom<TaskBehaviour>('cooperative', 'slow', 'nonCooperative').map((b) =>
    cmd(`spawn(${b})`, async (r) => {
      const t = controllableTask(b, b);
      const turnId = await r.thread.spawnTask(t.task, null);
      r.finishers.set(turnId, () => t.finish(`${b} done`));
    }),
  ),
  fc.constant(cmd('spawnApprover', async (r) => void (await r.thread.spawnTask(approvalTask(r), null)))),
  fc.constant(
    cmd('finish', async (r) => {
      const id = activeTurnId(r);
      if (id) r.finishers.get(id)?.();
      for (const open of r.modelGates.splice(0)) open();
    }),
  ),
  fc.tuple(fc.constantFrom('current', 'stale', 'duplicate', 'unknown'), fc.constantFrom<ReviewDecision>('approved', 'denied', 'approved_for_session', 'abort')).map(
    ([which, decision]) =>
      cmd(`approve(${which}, ${decision})`, async (r) => {
        const active = activeTurnId(r);
        const current = [...r.approvals].reverse().find((a) => a.turnId === active);
        const stale = r.approvals.find((a) => a.turnId !== active);
        const target = which === 'unknown' ? { id: 'no-such-approval' } : which === 'stale' ? stale : current;
        if (!target) return;
        const times = which === 'duplicate' ? 2 : 1;
        for (let i = 0; i < times; i++) {
          r.sent.set(target.id, [...(r.sent.get(target.id) ?? []), decision]);
          await r.thread.submit({ type: 'exec_approval', id: target.id, decision });
        }
      }),
  ),
  fc.constant(
    cmd('steer', async (r) => {
      await r.thread.steerInput([{ type: 'text', text: 'steered' }]).catch((err: unknown) => {
        expect((err as { code?: string }).code).toMatch(/^steer_/);
      });
    }),
  ),
  fc.constant(cmd('setGoal', async (r) => void (await r.thread.setGoal({ objective: 'finish the job' })))),
  fc.constant(cmd('clearGoal', async (r) => r.thread.clearGoal())),
  fc.constant<Cmd>({
    check: alive,
    async run(m, r) {
      await r.thread.submit({ type: 'shutdown' });
      await settle(r);
      m.shutdown = true;
      checkInvariants(r);
      expect(r.log.at(-1)?.msg.type).toBe('shutdown_complete');
    },
    toString: () => 'shutdown',
  }),
];

async function setup(): Promise<{ model: Model; real: Real }> {
  const sim = new SimulatedClock();
  sim.set(1_700_000_000_000);
  const gates: Array<() => void> = [];
  const script: ModelScript = (_req, i) => {
    const gate = deferred();
    gates.push(() => gate.resolve());
    return [{ type: 'created' }, { waitFor: gate.promise }, { type: 'output_item_done', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `answer ${i}` }] } }, { type: 'completed', response_id: `r${i}`, token_usage: null }];
  };
  const thread = await createThread({ model: scriptedModel(script, { recordRequests: false }), cwd: '/tmp', ephemeral: true, actorClock: sim, clock: { now: () => sim.now() } });
  const real: Real = { thread, sim, log: [], finishers: new Map(), modelGates: gates, approvals: [], sent: new Map(), resolutions: [], counter: 0 };
  thread.onEvent((e) => real.log.push(e));
  return { model: { shutdown: false }, real };
}

const NUM_RUNS = Number(process.env.FC_RUNS ?? 500);

describe('lifecycle invariants under random op sequences', () => {
  it(`hold after every step (${NUM_RUNS} sequences)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
        const { model, real } = await setup();
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          if (!model.shutdown) {
            await real.thread.submit({ type: 'shutdown' });
            await settle(real);
            checkInvariants(real);
          }
        } finally {
          for (const open of real.modelGates.splice(0)) open();
          for (const finish of real.finishers.values()) finish();
        }
      }),
      {
        numRuns: NUM_RUNS,
        timeout: 20_000,
        ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
      },
    );
  }, 300_000);
});
