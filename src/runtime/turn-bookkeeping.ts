/**
 * The runtime's side of a thread's turns: it registers a turn's task and asks the thread to
 * start it, runs the start-of-turn steps, and hands the turn its pending input with the mail
 * deliverable into it. The turn's own data lives in its actor; what cannot (the task object,
 * its input and live context) is kept in `turns`, by turn id, until the turn ends.
 */
import type { TurnSpec } from '../../machines/contracts.js';
import { goalEventChangesNothing } from '../../machines/goal.machine.js';
import type { InterAgentCommunication, ResponseInputItem, ResponseItem } from '../protocol/index.js';
import { interAgentMessage } from '../history/index.js';
import type { SessionTask } from '../tasks/session-task.js';
import type { ThreadHost, TurnEntry } from './thread-host.js';

/** Inter-agent mail as model-visible input: an assistant message carrying the mail as JSON. */
export function mailToInput(mail: InterAgentCommunication): ResponseInputItem {
  const message = interAgentMessage(mail) as Extract<ResponseItem, { type: 'message' }>;
  return { type: 'message', role: message.role, content: message.content };
}

/** How `startTurn` starts a turn (see `TurnBookkeeping.start`). */
export interface StartTurnOptions {
  /** Start only when no turn is active (else nothing happens). */
  ifIdle?: boolean;
  /** The turn continues an active goal. */
  continuation?: boolean;
  /** JSON Schema the final message must match. */
  outputSchema?: Record<string, unknown> | null;
}

type TurnThread = Pick<ThreadHost, 'actor' | 'config' | 'clock' | 'threadId' | 'mcp' | 'session' | 'updateSession' | 'totalUsage' | 'turnRef' | 'goalRef'>;

/**
 * One thread's turn bookkeeping (`ThreadRuntime.startTurn`, `beginTurn`, the pending-input calls).
 * @example
 * const turns = new TurnBookkeeping(runtime);
 * turns.start({ turnId: 't1', kind: 'regular', steerable: true, announcesStart: true }, task, input);
 */
export class TurnBookkeeping {
  /** Tasks registered for turns, by turn id (removed when the turn ends). */
  readonly turns = new Map<string, TurnEntry>();

  constructor(private readonly thread: TurnThread) {}

  /**
   * Registers a task for a turn id and asks the thread to start it (replacing any active
   * turn); false when `ifIdle` and a turn is active.
   */
  start(requested: TurnSpec, task: SessionTask<unknown>, input: unknown, opts: StartTurnOptions = {}): boolean {
    const { actor, config } = this.thread;
    if (opts.ifIdle && actor.getSnapshot().context.turn !== null) return false;
    // Regular turns snapshot the working tree before their tools run (SPEC §4.6).
    const snapshots = requested.kind === 'regular' ? config.ghostSnapshots : null;
    const spec: TurnSpec = {
      ...requested,
      ...(snapshots ? { ghostSnapshotLimitMs: snapshots.timeoutMs } : {}),
      startedAt: this.thread.clock.now(),
      continuation: opts.continuation ?? false,
      outputSchema: opts.outputSchema ?? null,
      // A task without an abort hook skips that step of the abort (one actor less per interrupt).
      abortHook: typeof task.abort === 'function',
    };
    this.turns.set(spec.turnId, { task, input, ctx: null });
    actor.send({ type: opts.ifIdle ? 'TURN.START_IF_IDLE' : 'TURN.START', spec });
    return true;
  }

  /**
   * Start-of-turn bookkeeping, run before the task body: the goal takes its usage
   * checkpoint and queued next-turn items and mail move into the turn's pending input.
   */
  begin(turnId: string): void {
    const t = this.thread;
    const continuation = t.turnRef(turnId)?.getSnapshot().context.spec.continuation ?? false;
    const { idlePendingInput, mailbox } = t.session();
    const usage = t.totalUsage();
    const goal = t.goalRef();
    // Without a goal (and no continuation either way) the event would change nothing: not sent.
    if (!goalEventChangesNothing(goal.getSnapshot().context, { type: 'GOAL.TURN_STARTED', continuation })) {
      goal.send({ type: 'GOAL.TURN_STARTED', turnId, usage, now: t.clock.now(), continuation });
    }
    t.mcp.beginTurn({ threadId: t.threadId, turnId });
    const queued = [...idlePendingInput, ...mailbox.map(mailToInput)];
    t.updateSession({ type: 'IDLE_INPUT.TAKE', count: idlePendingInput.length });
    t.updateSession({ type: 'MAILBOX.TAKE', count: mailbox.length });
    t.updateSession({ type: 'MAILBOX.OPEN' });
    if (queued.length > 0) t.turnRef(turnId)?.send({ type: 'PENDING_INPUT.PREPEND', items: queued });
  }

  /**
   * Takes the pending input of a turn (oldest first), then any mail deliverable into the
   * current turn (only while the turn has not given its final answer).
   */
  takePendingInput(turnId: string): ResponseInputItem[] {
    const items = this.takeTurnPendingInput(turnId);
    const { mailbox, mailboxOpenForCurrentTurn } = this.thread.session();
    if (!mailboxOpenForCurrentTurn || mailbox.length === 0) return items;
    this.thread.updateSession({ type: 'MAILBOX.TAKE', count: mailbox.length });
    return [...items, ...mailbox.map(mailToInput)];
  }

  /** Takes only the turn's own pending input (steered/injected), leaving mail in the mailbox. */
  takeTurnPendingInput(turnId: string): ResponseInputItem[] {
    const turn = this.thread.turnRef(turnId);
    if (!turn) return [];
    const items = turn.getSnapshot().context.pendingInput;
    if (items.length > 0) turn.send({ type: 'PENDING_INPUT.TAKE', count: items.length });
    return items;
  }

  /** The turn's pending input, then the mail deliverable into it, without taking them. */
  pendingInput(turnId: string): readonly ResponseInputItem[] {
    const own = this.thread.turnRef(turnId)?.getSnapshot().context.pendingInput ?? [];
    const session = this.thread.session();
    return session.mailboxOpenForCurrentTurn && session.mailbox.length > 0 ? [...own, ...session.mailbox.map(mailToInput)] : own;
  }
}
