/**
 * Drives a thread through lifecycle steps on a simulated clock and checks the invariants
 * after each one. The default set-up is an ephemeral thread over a scripted model whose
 * responses wait until a `finish` step releases them; pass `threadOptions` to run the same
 * steps against your own store, recorder or tools.
 */
import { SimulatedClock } from 'xstate';
import { actorIdSuffix } from '../../../machines/actor-ids.js';
import { createThread, type ThreadOptions } from '../../runtime/create-thread.js';
import type { Thread } from '../../runtime/thread.js';
import type { Event, ReviewDecision } from '../../protocol/index.js';
import type { SessionTask } from '../../tasks/session-task.js';
import { scriptedModel, type ModelScript } from '../scripted-model.js';
import type { ApprovalTarget, LifecycleStep } from './arbitraries.js';
import { checkApprovals, checkEventLog, type ApprovalResolution } from './invariants.js';
import { controllableTask, deferred } from './tasks.js';

const ENDS = new Set(['task_complete', 'turn_aborted']);

/** Lets pending promise callbacks and immediate callbacks run. */
export async function flushAsync(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/**
 * The text of every message in a thread's model-visible history (for marker checks).
 * @example
 * historyTexts(thread).filter((t) => t === TURN_ABORTED_MARKER_TEXT).length;
 */
export function historyTexts(thread: Thread): string[] {
  const session = thread.actor.getSnapshot().context.session as { history: { items: Array<{ type: string; content?: Array<{ text?: string }> }> } };
  return session.history.items.flatMap((i) => (i.type === 'message' ? (i.content ?? []).map((c) => c.text ?? '') : []));
}

export class LifecycleDriver {
  /** Every event, as delivered. */
  readonly log: Event[] = [];
  readonly approvals: Array<{ id: string; turnId: string }> = [];
  readonly sent = new Map<string, ReviewDecision[]>();
  readonly resolutions: ApprovalResolution[] = [];
  private readonly finishers = new Map<string, () => void>();
  private counter = 0;
  shutdown = false;

  private constructor(
    readonly thread: Thread,
    readonly sim: SimulatedClock,
    private readonly modelGates: Array<() => void>,
  ) {
    thread.onEvent((e) => this.log.push(e));
  }

  /**
   * A driver over a fresh thread (simulated clock; `threadOptions` are merged over the
   * default ephemeral, gated-scripted-model set-up).
   * @example
   * const driver = await LifecycleDriver.start();
   * await driver.apply({ kind: 'userInput', text: 'go' });
   * expect(driver.violations()).toEqual([]);
   */
  static async start(threadOptions: ThreadOptions = {}): Promise<LifecycleDriver> {
    const sim = new SimulatedClock();
    sim.set(1_700_000_000_000);
    const gates: Array<() => void> = [];
    const script: ModelScript = (_req, i) => {
      const gate = deferred();
      gates.push(() => gate.resolve());
      const answer = { type: 'message' as const, role: 'assistant' as const, content: [{ type: 'output_text' as const, text: `answer ${i}` }] };
      return [{ type: 'created' }, { waitFor: gate.promise }, { type: 'output_item_done', item: answer }, { type: 'completed', response_id: `r${i}`, token_usage: null }];
    };
    const thread = await createThread({
      model: scriptedModel(script, { recordRequests: false }),
      cwd: '/tmp',
      ephemeral: true,
      ...threadOptions,
      actorClock: sim,
      clock: { now: () => sim.now() },
    });
    return new LifecycleDriver(thread, sim, gates);
  }

  /** The active turn's id, from the thread actor. */
  activeTurnId(): string | null {
    return this.thread.actor.getSnapshot().context.turn?.turnId ?? null;
  }

  /** Applies one step and waits until the thread is quiet again. Steps after shutdown are skipped. */
  async apply(step: LifecycleStep): Promise<void> {
    if (this.shutdown) return;
    // API calls that wait for the thread (spawn over a stubborn task) need the clock to move.
    const pending = this.run(step);
    await this.settle();
    await pending;
    if (step.kind === 'shutdown') this.shutdown = true;
  }

  private async run(step: LifecycleStep): Promise<void> {
    const thread = this.thread;
    switch (step.kind) {
      case 'userInput':
        await thread.submit({ type: 'user_input', items: [{ type: 'text', text: step.text }] });
        return;
      case 'interrupt':
        await thread.submit({ type: 'interrupt' });
        return;
      case 'spawn': {
        const t = controllableTask(step.behaviour, step.behaviour);
        const turnId = await thread.spawnTask(t.task, null);
        this.finishers.set(turnId, () => t.finish(`${step.behaviour} done`));
        return;
      }
      case 'spawnApprover':
        await thread.spawnTask(this.approvalTask(), null);
        return;
      case 'finish': {
        const id = this.activeTurnId();
        if (id) this.finishers.get(id)?.();
        for (const open of this.modelGates.splice(0)) open();
        return;
      }
      case 'approve':
        return this.approve(step.target, step.decision);
      case 'steer':
        await thread.steerInput([{ type: 'text', text: 'steered' }]).catch((err: unknown) => {
          if (!String((err as { code?: unknown }).code).startsWith('steer_')) throw err;
        });
        return;
      case 'setGoal':
        await thread.setGoal({ objective: 'finish the job' });
        return;
      case 'clearGoal':
        await thread.clearGoal();
        return;
      case 'shutdown':
        await thread.submit({ type: 'shutdown' });
        return;
    }
  }

  private async approve(target: ApprovalTarget, decision: ReviewDecision): Promise<void> {
    const active = this.activeTurnId();
    const current = [...this.approvals].reverse().find((a) => a.turnId === active);
    const stale = this.approvals.find((a) => a.turnId !== active);
    const chosen = target === 'unknown' ? { id: 'no-such-approval' } : target === 'stale' ? stale : current;
    if (!chosen) return;
    for (let i = 0; i < (target === 'duplicate' ? 2 : 1); i++) {
      this.sent.set(chosen.id, [...(this.sent.get(chosen.id) ?? []), decision]);
      await this.thread.submit({ type: 'exec_approval', id: chosen.id, decision });
    }
  }

  /** A task that asks for one approval and ends with the decision it got. */
  private approvalTask(): SessionTask<null> {
    return {
      kind: 'approver',
      run: async (ctx) => {
        const id = `approval-${++this.counter}`;
        this.approvals.push({ id, turnId: ctx.turnId });
        const decision = await ctx.requestApproval({ approvalId: id, kind: this.counter % 2 ? 'exec' : 'patch' });
        const turnEnded = this.log.some((e) => e.id === ctx.turnId && ENDS.has(e.msg.type));
        this.resolutions.push({ id, turnId: ctx.turnId, decision, turnEnded });
        return `decided ${typeof decision === 'string' ? decision : 'amendment'}`;
      },
    };
  }

  /** Waits until the thread has handled every op and the log has stopped growing (moving the simulated clock). */
  async settle(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      let done = false;
      void this.thread.whenProcessed().then(() => (done = true));
      for (let i = 0; i < 400 && !done; i++) {
        await flushAsync(2);
        if (!done) this.sim.increment(10);
      }
      await flushAsync(4);
    }
  }

  /**
   * Every invariant violation so far: the event-log rules, the interrupt markers in history,
   * approvals, at most one turn actor, and `thread.status()` matching the events.
   */
  violations(): string[] {
    const { violations, summary } = checkEventLog(this.log, { historyTexts: historyTexts(this.thread) });
    const turnChildren = Object.keys(this.thread.actor.getSnapshot().children).filter((k) => actorIdSuffix(k, 'turn') !== null);
    if (turnChildren.length > 1) violations.push(`${turnChildren.length} turn actors alive: ${turnChildren.join(', ')}`);
    const [actual, implied] = [JSON.stringify(this.thread.status()), JSON.stringify(summary.status)];
    if (actual !== implied) violations.push(`thread.status() is ${actual}, the events say ${implied}`);
    if (this.shutdown && this.log.at(-1)?.msg.type !== 'shutdown_complete') violations.push('shutdown_complete is not the last event after shutdown');
    return [...violations, ...checkApprovals(this.resolutions, this.sent)];
  }

  /** Opens every gate and finishes every task (call in `finally`). */
  release(): void {
    for (const open of this.modelGates.splice(0)) open();
    for (const finish of this.finishers.values()) finish();
  }
}
