/**
 * The shapes the delegate core works with: the child thread it drives, the parent it reports
 * to, and what a caller passes to `startDelegate`. The core imports no runtime module: the
 * runtime (or a tool) hands it these small interfaces, so the layers stay one-way.
 */
import type { AnyActorRef } from 'xstate';
import type { DelegateInput, DelegateOutput } from '../../machines/delegate.machine.js';
import type { Event, EventMsg, OpInput, ReviewDecision, UserInput } from '../protocol/index.js';

/**
 * The part of a `Thread` the delegate core uses (a `Thread` satisfies it).
 * @example
 * const child: ChildThread = await createThread({ source: { subagent: 'review' } });
 */
export interface ChildThread {
  readonly id: string;
  /** Submits an op; rejects with `ThreadClosedError` once the child shut down. */
  submit(op: OpInput): Promise<string>;
  /** The next event; rejects with `ThreadClosedError` once the child shut down and was drained. */
  nextEvent(): Promise<Event>;
  /** Submits `shutdown` (if not yet) and resolves when the child's loop has ended. */
  shutdown(): Promise<void>;
}

/**
 * What a child thread is created with besides what it shares with its parent (model client,
 * stores, home and exec policy rules, clocks, id source, tools, inspector).
 * @example
 * const spec: ChildThreadSpec = { threadId: 'c1', source: { subagent: 'review' }, approvalPolicy: 'never', cwd: '/repo' };
 */
export interface ChildThreadSpec {
  threadId: string;
  /** `session_meta.source`: the sub-agent kind, e.g. `{ subagent: 'review' }`. */
  source: { subagent: string | Record<string, unknown> };
  cwd: string;
  /** As `createThread`'s `approvalPolicy` (parsed there). */
  approvalPolicy?: unknown;
  sandboxPolicy?: unknown;
  baseInstructions?: string;
  developerInstructions?: string | null;
  userInstructions?: string | null;
  /** `false`: no `AGENTS.md` is read for the child. */
  projectDoc?: false;
}

/** Creates a child thread sharing the parent's services; given by `createThread`. */
export type OpenChildThread = (spec: ChildThreadSpec) => Promise<ChildThread>;

/**
 * The parent side of a delegate: where forwarded approvals are asked and where the delegate
 * actor lives. The runtime builds one for a parent turn (`turnDelegateParent`).
 */
export interface DelegateParent {
  /** The parent turn; forwarded approval requests carry it as `turn_id`. */
  readonly turnId: string;
  /** Emits on the parent's stream under the parent turn id (persisted, legacy projections added). */
  emit(msg: EventMsg): void;
  /**
   * Waits on the parent's own pending approvals (an `approval:<id>` actor of the parent turn);
   * resolves with the user's decision, rejects with an AbortError when the parent turn ends.
   */
  requestApproval(request: { approvalId: string; kind: 'exec' | 'patch' }): Promise<ReviewDecision>;
  /** Resolves a pending parent approval with `abort` without interrupting the parent turn. */
  abortApproval(approvalId: string): void;
  /** Whether the parent already waits on an approval with this id (its own, or another child's). */
  isApprovalPending(approvalId: string): boolean;
  /** Spawns the delegate actor in the parent's tree (systemId `delegate:<childThreadId>`); null when it cannot. */
  spawnActor(input: DelegateInput): AnyActorRef | null;
}

/**
 * Options of `startDelegate`.
 * @example
 * startDelegate({ parent, openChild, child: spec, kind: 'review', oneShot: { input: [{ type: 'text', text: 'review', text_elements: [] }] }, onEvent: (e) => parent.emit(e.msg) });
 */
export interface DelegateOptions {
  parent: DelegateParent;
  openChild: OpenChildThread;
  child: ChildThreadSpec;
  /** The sub-agent kind shown by the delegate actor (`review`, `thread_spawn`, ...). */
  kind: string;
  /** One-shot form: this input is submitted, the child runs one turn, then it is shut down. */
  oneShot?: { input: UserInput[] };
  /**
   * Receives each forwarded child event, in order (after the seed's filter: legacy deltas,
   * `token_count`, `session_configured`, `thread_name_updated` dropped, approvals routed to the
   * parent). One-shot: the last one is the child's first `task_complete` or `turn_aborted`.
   */
  onEvent(event: Event): void;
}

/** A running delegate. */
export interface DelegateHandle {
  readonly childThreadId: string;
  /** The delegate actor (in the parent's tree when the parent could host it). */
  readonly actor: AnyActorRef;
  /** Forwards an op to the child (interactive form); rejects once the child is closed. */
  submit(op: OpInput): Promise<string>;
  /** Submits `interrupt` to the child, first resolving with `abort` a parent decision it waits for. */
  interrupt(): Promise<string>;
  /** Cancels: pending parent approval → `abort`; child gets `interrupt`, `shutdown`, drained ≤ 500 ms. */
  cancel(): void;
  /** Resolves when the delegate actor ended (or was stopped with its parent). */
  readonly done: Promise<DelegateOutput | null>;
  /** Resolves when the child thread has shut down completely (its rollout closed). */
  readonly childClosed: Promise<void>;
}

/**
 * Options of `EngineContext.startDelegate` (a delegate of the running turn): the parent and
 * the child opener come from the turn; the child's `threadId` defaults to a fresh id and its
 * `cwd`, approval and sandbox policies to the turn's settings.
 * @example
 * turn.startDelegate({ kind: 'review', child: { source: { subagent: 'review' }, approvalPolicy: 'never' }, oneShot: { input }, onEvent });
 */
export interface TurnDelegateOptions extends Omit<DelegateOptions, 'parent' | 'openChild' | 'child'> {
  child: Omit<ChildThreadSpec, 'threadId' | 'cwd'> & { threadId?: string; cwd?: string };
}
