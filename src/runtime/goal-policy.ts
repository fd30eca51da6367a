/**
 * The thread's goal policy: the host's goal calls (set, clear, continue) and what the thread
 * starts by itself when it goes idle — queued next-turn work first, else the active goal's
 * continuation (seed 003 `MaybeContinueIfIdle`). Every step runs in the submission order.
 */
import { TurnstateError } from '../errors.js';
import type { ThreadGoal } from '../protocol/index.js';
import type { TaskFactory } from './op-handlers.js';
import type { SubmissionLoop } from './submission-loop.js';
import { applyExternalGoalClear, applyExternalGoalSet, startGoalContinuation, type ParsedGoalSpec } from './thread-goals.js';
import type { ThreadRuntime } from './thread-runtime.js';

export class GoalPolicy {
  constructor(
    private readonly rt: ThreadRuntime,
    private readonly tasks: TaskFactory,
    private readonly loop: SubmissionLoop,
  ) {}

  /** The current goal (with its id and usage so far), if any. */
  get(): ThreadGoal | null {
    return this.rt.goalRef().getSnapshot().context.goal;
  }

  /** External set (seed 003): resolves once stored; an active goal on an idle thread is continued. */
  async set(spec: ParsedGoalSpec): Promise<ThreadGoal> {
    let goal: ThreadGoal | null = null;
    await this.loop.runJob(async () => {
      goal = await applyExternalGoalSet(this.rt, spec);
    });
    if (!goal) throw new TurnstateError('goal_not_set', 'engine', 'the goal could not be set');
    if ((goal as ThreadGoal).status === 'active') this.scheduleContinuation();
    return goal;
  }

  /** External clear: resolves once the removal is stored. */
  clear(): Promise<void> {
    return this.loop.runJob(() => applyExternalGoalClear(this.rt));
  }

  /** Starts queued work or the goal's continuation on an idle thread; the started turn's id, or null. */
  async continueIfIdle(): Promise<string | null> {
    let started: string | null = null;
    await this.loop.runJob(async () => {
      started = this.maybeContinueIfIdle();
      if (started !== null) await this.rt.waitSettled();
    });
    return started;
  }

  /** A turn ended and the thread is idle: a completed turn may continue the goal; an aborted one only starts queued work. */
  onTurnEnded(outcome: 'completed' | 'aborted'): void {
    if (outcome === 'completed') this.scheduleContinuation();
    else
      this.loop.schedule(async () => {
        this.startPendingWork();
      });
  }

  private scheduleContinuation(): void {
    this.loop.schedule(async () => {
      if (this.maybeContinueIfIdle() !== null) await this.rt.waitSettled();
    });
  }

  /** `MaybeContinueIfIdle`: queued work first, else the active goal's continuation; the started turn id. */
  private maybeContinueIfIdle(): string | null {
    return this.startPendingWork() ?? startGoalContinuation(this.rt, this.tasks.regular());
  }

  /** Starts a turn for queued next-turn items or trigger-turn mail; its id if one started. */
  private startPendingWork(): string | null {
    const session = this.rt.session();
    const regular = this.tasks.regular();
    if (!regular || this.rt.activeTurn() !== null) return null;
    const hasWork = session.idlePendingInput.length > 0 || session.mailbox.some((m) => m.trigger_turn);
    if (!hasWork) return null;
    const turnId = this.rt.config.newId();
    return this.rt.startTurn({ turnId, kind: 'regular', steerable: true, announcesStart: true }, regular, [], { ifIdle: true }) ? turnId : null;
  }
}
