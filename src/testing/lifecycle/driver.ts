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
import {
  SPAWN_ASKING_TEXT,
  SPAWN_TEXT,
  approvalProbeTool,
  checkChildApprovals,
  delegateReply,
  surfacedChildApprovals,
  type ChildApprovalResolution,
  type WatchedChild,
} from './delegates.js';

const ENDS = new Set(['task_complete', 'turn_aborted']);

/** Options of `LifecycleDriver.start` besides the thread's own. */
export interface LifecycleDriverOptions {
  /**
   * Run the thread with sub-agents (`subAgents: { maxDepth: 1 }`) and the delegate steps:
   * its model spawns a child on `spawnAgent`, an asking child calls a probe tool whose
   * approval surfaces on the parent, and every child's own log and approvals are checked too.
   */
  delegates?: boolean;
}

/** A spawned child thread and its delivered events. */
interface ChildEntry extends WatchedChild {
  thread: Thread;
}

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
  const { history } = thread.actor.getSnapshot().context;
  return history.items.flatMap((i) => (i.type === 'message' ? i.content.map((c) => ('text' in c ? c.text : '')) : []));
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
  /** Spawned child threads (delegate mode), oldest first, kept after they shut down. */
  readonly children: ChildEntry[] = [];
  /** Child approvals as the probe tool saw them resolved. */
  readonly childResolutions: ChildApprovalResolution[] = [];
  /** Violations found right after a step (an interrupt or shutdown that left a child live). */
  private readonly stepViolations: string[] = [];

  private constructor(
    readonly thread: Thread,
    readonly sim: SimulatedClock,
    private readonly modelGates: Array<() => void>,
  ) {
    thread.onEvent((e) => this.log.push(e));
    thread.onSubAgentSpawned(({ threadId, thread: child }) => {
      const entry: ChildEntry = { threadId, thread: child, log: [], closed: () => entry.log.at(-1)?.msg.type === 'shutdown_complete' };
      child.onEvent((e) => entry.log.push(e));
      this.children.push(entry);
    });
  }

  /**
   * A driver over a fresh thread (simulated clock; `threadOptions` are merged over the
   * default ephemeral, gated-scripted-model set-up).
   * @example
   * const driver = await LifecycleDriver.start();
   * await driver.apply({ kind: 'userInput', text: 'go' });
   * expect(driver.violations()).toEqual([]);
   */
  static async start(threadOptions: ThreadOptions = {}, options: LifecycleDriverOptions = {}): Promise<LifecycleDriver> {
    const sim = new SimulatedClock();
    sim.set(1_700_000_000_000);
    const gates: Array<() => void> = [];
    const parent = { id: '', driver: null as LifecycleDriver | null };
    const script: ModelScript = (req, i) => {
      const direct = options.delegates ? delegateReply(req, parent.id, i) : null;
      if (direct) return direct;
      const gate = deferred();
      gates.push(() => gate.resolve());
      const answer = { type: 'message' as const, role: 'assistant' as const, content: [{ type: 'output_text' as const, text: `answer ${i}` }] };
      return [{ type: 'created' }, { waitFor: gate.promise }, { type: 'output_item_done', item: answer }, { type: 'completed', response_id: `r${i}`, token_usage: null }];
    };
    const delegateOptions: ThreadOptions = options.delegates
      ? {
          subAgents: { maxDepth: 1 },
          tools: [
            approvalProbeTool(
              (r) => parent.driver?.childResolutions.push(r),
              (threadId, turnId) => parent.driver?.children.find((c) => c.threadId === threadId)?.log.some((e) => e.id === turnId && ENDS.has(e.msg.type)) ?? false,
            ),
            ...(threadOptions.tools ?? []),
          ],
        }
      : {};
    const thread = await createThread({
      model: scriptedModel(script, { recordRequests: false }),
      cwd: '/tmp',
      ephemeral: true,
      ...threadOptions,
      ...delegateOptions,
      actorClock: sim,
      clock: { now: () => sim.now() },
    });
    parent.id = thread.id;
    parent.driver = new LifecycleDriver(thread, sim, gates);
    return parent.driver;
  }

  /** The active turn's id, from the thread actor. */
  activeTurnId(): string | null {
    return this.thread.actor.getSnapshot().context.turn?.turnId ?? null;
  }

  /** Applies one step and waits until the thread is quiet again. Steps after shutdown are skipped. */
  async apply(step: LifecycleStep): Promise<void> {
    if (this.shutdown) return;
    const takesChildrenDown = step.kind === 'interrupt' || step.kind === 'interruptParent' || step.kind === 'shutdown';
    const before = takesChildrenDown ? this.children.length : 0;
    // API calls that wait for the thread (spawn over a stubborn task) need the clock to move.
    const pending = this.run(step);
    await this.settle();
    await pending;
    if (step.kind === 'shutdown') this.shutdown = true;
    // Interrupting or shutting down the parent takes every live child down (SPEC §11.2).
    for (const child of this.children.slice(0, before)) {
      if (!child.closed()) this.stepViolations.push(`child ${child.threadId} is still live after the parent's ${step.kind}`);
    }
  }

  private async run(step: LifecycleStep): Promise<void> {
    const thread = this.thread;
    switch (step.kind) {
      case 'userInput':
        await thread.submit({ type: 'user_input', items: [{ type: 'text', text: step.text }] });
        return;
      case 'interrupt':
      case 'interruptParent':
        await thread.submit({ type: 'interrupt' });
        return;
      case 'spawnAgent':
        await thread.submit({ type: 'user_input', items: [{ type: 'text', text: step.asks ? SPAWN_ASKING_TEXT : SPAWN_TEXT }] });
        return;
      case 'approveChild':
        return this.approveChild(step.decision);
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

  /** Answers, on the parent, the newest child approval it shows that no decision has reached yet. */
  private async approveChild(decision: ReviewDecision): Promise<void> {
    const resolved = new Set(this.childResolutions.map((r) => r.id));
    const open = [...surfacedChildApprovals(this.log).keys()].filter((id) => !resolved.has(id)).at(-1);
    if (open === undefined) return;
    this.sent.set(open, [...(this.sent.get(open) ?? []), decision]);
    await this.thread.submit({ type: 'exec_approval', id: open, decision });
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
    for (let round = 0; round < 3; round++) await this.processed(this.thread);
    if (this.children.length === 0 && !this.log.some((e) => e.msg.type === 'collab_agent_spawn_begin')) return;
    // Child threads run their own loops and open with file reads: wait until the whole tree is
    // quiet (no spawn in flight, no new event or child) for three rounds in a row.
    let quiet = 0;
    let last = '';
    for (let round = 0; round < 200 && quiet < 3; round++) {
      for (const thread of [this.thread, ...this.children.filter((c) => !c.closed()).map((c) => c.thread)]) await this.processed(thread);
      await new Promise((r) => setTimeout(r, 1));
      const spawning = this.log.filter((e) => e.msg.type === 'collab_agent_spawn_begin').length - this.log.filter((e) => e.msg.type === 'collab_agent_spawn_end').length;
      const now = `${this.log.length}/${this.children.map((c) => c.log.length).join(',')}/${spawning}`;
      quiet = now === last && spawning === 0 ? quiet + 1 : 0;
      last = now;
    }
  }

  /** Waits until `thread` has handled its ops, moving the simulated clock meanwhile. */
  private async processed(thread: Thread): Promise<void> {
    let done = false;
    void thread.whenProcessed().then(
      () => (done = true),
      () => (done = true),
    );
    for (let i = 0; i < 400 && !done; i++) {
      await flushAsync(2);
      if (!done) this.sim.increment(10);
    }
    await flushAsync(4);
  }

  /**
   * Every invariant violation so far: the event-log rules, the interrupt markers in history,
   * approvals, at most one turn actor, and `thread.status()` matching the events.
   */
  violations(): string[] {
    const violations = threadViolations(this.thread, this.log);
    if (this.shutdown && this.log.at(-1)?.msg.type !== 'shutdown_complete') violations.push('shutdown_complete is not the last event after shutdown');
    // The same rules for every child thread, each over its own log.
    for (const child of this.children) {
      violations.push(...threadViolations(child.thread, child.log).map((v) => `child ${child.threadId}: ${v}`));
    }
    return [
      ...violations,
      ...this.stepViolations,
      ...checkApprovals(this.resolutions, this.sent),
      ...checkChildApprovals(this.log, this.childResolutions, this.sent, this.children),
    ];
  }

  /** Shuts down the child threads still live (call in `finally`, after `release`). */
  async closeChildren(): Promise<void> {
    await Promise.all(this.children.filter((c) => !c.closed()).map((c) => c.thread.shutdown().catch(() => undefined)));
  }

  /** Opens every gate and finishes every task (call in `finally`). */
  release(): void {
    for (const open of this.modelGates.splice(0)) open();
    for (const finish of this.finishers.values()) finish();
  }
}

/** The event-log rules, the interrupt markers, at most one turn actor and a status that matches the events, for one thread. */
function threadViolations(thread: Thread, log: readonly Event[]): string[] {
  const { violations, summary } = checkEventLog(log, { historyTexts: historyTexts(thread) });
  const turnChildren = Object.keys(thread.actor.getSnapshot().children).filter((k) => actorIdSuffix(k, 'turn') !== null);
  if (turnChildren.length > 1) violations.push(`${turnChildren.length} turn actors alive: ${turnChildren.join(', ')}`);
  const [actual, implied] = [JSON.stringify(thread.status()), JSON.stringify(summary.status)];
  if (actual !== implied) violations.push(`thread.status() is ${actual}, the events say ${implied}`);
  return violations;
}
