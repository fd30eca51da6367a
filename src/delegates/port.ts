/**
 * The effect side of one delegate: it owns the child thread and is the only reader of the
 * child's events. The delegate actor reaches it through its input (`port`), so two delegates,
 * or two parents, never share state through a module-level lookup.
 *
 * Invariant: child events are handled one at a time, in order; while a child approval waits
 * for the parent, later child events wait too (as the seed's forwarder awaits the approval).
 */
import type { DelegateEvent } from '../../machines/delegate.machine.js';
import type { Event, OpInput, ReviewDecision } from '../protocol/index.js';
import { endsOneShot, routeChildEvent } from './forwarding.js';
import type { ChildThread, DelegateOptions } from './types.js';

type Handler = (event: Event | null) => Promise<void> | void;
type SendBack = (event: DelegateEvent) => void;

const ignore = () => undefined;

export class DelegatePort {
  private child: ChildThread | null = null;
  private opening: Promise<void> | null = null;
  private handler: Handler | null = null;
  private wake: (() => void) | null = null;
  private sendBack: SendBack | null = null;
  /** The approval being routed to the parent (awaited before the child is shut down). */
  private inflight: Promise<void> = Promise.resolve();
  /** The parent-side id of that approval while the parent has not decided it. */
  private awaitingParent: string | null = null;
  private finished = false;
  private closed = false;
  private shuttingDown = false;
  private resolveClosed: () => void = ignore;
  /** Resolves when the child thread has shut down (or never opened). */
  readonly childClosed = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(private readonly options: DelegateOptions) {}

  get childThreadId(): string {
    return this.options.child.threadId;
  }

  /** What inspectors serialising the delegate actor's context see of the port (not the child). */
  toJSON(): { childThreadId: string } {
    return { childThreadId: this.childThreadId };
  }

  /** `openChild`: creates the child, starts reading its events, submits one-shot input. */
  open(): Promise<void> {
    this.opening ??= (async () => {
      const child = await this.options.openChild(this.options.child);
      this.child = child;
      void this.pump(child);
      if (this.options.oneShot) await child.submit({ type: 'user_input', items: this.options.oneShot.input });
    })();
    this.opening.catch(() => this.resolveClosed());
    return this.opening;
  }

  /** `forwardEvents`: forwards child events to the consumer until detached; returns the detach. */
  attachForwarding(sendBack: SendBack): () => void {
    this.sendBack = sendBack;
    this.setHandler((event) => this.forward(event));
    return () => {
      this.sendBack = null;
      this.setHandler(null);
      // Stopped without a shutdown following (the parent turn ended first): still stop the child.
      queueMicrotask(() => {
        if (!this.shuttingDown && !this.closed) void this.shutdown(true);
      });
    };
  }

  /**
   * `shutdownChild` (seed `shutdown_delegate`): after any approval being routed, submits
   * `interrupt` (when asked) and `shutdown`, then drains child events until its `turn_aborted`
   * / `task_complete` or its close. The 500 ms bound is the machine's `drainLimit` delay.
   */
  async shutdown(interrupt: boolean): Promise<void> {
    this.shuttingDown = true;
    await this.opening?.catch(ignore);
    const child = this.child;
    if (!child || this.closed) return;
    await this.inflight;
    const drained = new Promise<void>((resolve) => {
      this.setHandler((event) => {
        if (event === null || endsOneShot(event.msg)) resolve();
      });
    });
    if (interrupt) await child.submit({ type: 'interrupt' }).catch(ignore);
    void child.shutdown().catch(ignore);
    await drained;
  }

  /** Forwards an op to the child. */
  submit(op: OpInput): Promise<string> {
    if (!this.child) return Promise.reject(new Error(`delegate ${this.childThreadId} has no child thread yet`));
    return this.child.submit(op);
  }

  /**
   * Interrupts the child. A parent decision the child waits for resolves with `abort` first:
   * the command it asked about will not run, and later child events are not held behind it.
   */
  interrupt(): Promise<string> {
    if (this.awaitingParent !== null) this.options.parent.abortApproval(this.awaitingParent);
    return this.submit({ type: 'interrupt' });
  }

  /** `abortParentDecision`: the parent's pending approval resolves with `abort`. */
  abortParentDecision(approvalId: string): void {
    this.options.parent.abortApproval(approvalId);
  }

  /** `id` when the parent waits on no approval of that id, else `id@<childThreadId>` (then `…#n`). */
  private parentApprovalId(id: string): string {
    const parent = this.options.parent;
    if (!parent.isApprovalPending(id)) return id;
    const base = `${id}@${this.childThreadId}`;
    let candidate = base;
    for (let n = 2; parent.isApprovalPending(candidate); n++) candidate = `${base}#${n}`;
    return candidate;
  }

  private setHandler(handler: Handler | null): void {
    this.handler = handler;
    if (handler && this.wake) {
      this.wake();
      this.wake = null;
    }
  }

  /** The single reader of the child's events; `null` is handed on once the child closed. */
  private async pump(child: ChildThread): Promise<void> {
    for (;;) {
      let event: Event | null;
      try {
        event = await child.nextEvent();
      } catch {
        event = null;
      }
      while (!this.handler) await new Promise<void>((resolve) => (this.wake = resolve));
      if (event === null) {
        this.closed = true;
        this.resolveClosed();
      }
      await this.handler(event);
      if (event === null) return;
    }
  }

  private async forward(event: Event | null): Promise<void> {
    if (event === null) return this.sendBack?.({ type: 'CHILD.CLOSED' });
    // One-shot: nothing after the child's first end reaches the consumer (seed's bridge stops).
    if (this.finished) return;
    switch (routeChildEvent(event.msg)) {
      case 'drop':
        return;
      case 'approval':
        this.inflight = this.routeApproval(event);
        return this.inflight;
      case 'forward':
        this.options.onEvent(event);
        if (this.options.oneShot && endsOneShot(event.msg)) {
          this.finished = true;
          this.sendBack?.({ type: 'CHILD.FINISHED' });
        }
    }
  }

  /**
   * Asks the parent (seed `handle_exec_approval` / `handle_patch_approval`): the request is
   * emitted on the parent's stream under the parent turn id and waits on the parent's own
   * pending approvals; the decision (or `abort` when the parent turn ended) goes to the child.
   */
  private async routeApproval(event: Event): Promise<void> {
    const msg = event.msg as Extract<Event['msg'], { type: 'exec_approval_request' | 'apply_patch_approval_request' }>;
    const parent = this.options.parent;
    const exec = msg.type === 'exec_approval_request';
    const childApprovalId = exec ? (msg.approval_id ?? msg.call_id) : msg.call_id;
    // Call ids come from the child's model: one the parent already waits on (its own, or another
    // child's) is asked under a new id, so each decision reaches only the approval it answers.
    const approvalId = this.parentApprovalId(childApprovalId);
    const renamed = approvalId !== childApprovalId;
    const kind = exec ? 'exec' : 'patch';
    this.sendBack?.({ type: 'CHILD.APPROVAL_REQUESTED', approvalId, kind });
    if (exec) parent.emit({ ...msg, turn_id: parent.turnId, ...(renamed ? { approval_id: approvalId } : {}) });
    else parent.emit({ ...msg, turn_id: parent.turnId, ...(renamed ? { call_id: approvalId } : {}) });
    let decision: ReviewDecision;
    this.awaitingParent = approvalId;
    try {
      decision = await parent.requestApproval({ approvalId, kind });
    } catch {
      decision = 'abort';
    } finally {
      this.awaitingParent = null;
    }
    const op: OpInput = exec
      ? { type: 'exec_approval', id: childApprovalId, turn_id: msg.turn_id, decision }
      : { type: 'patch_approval', id: childApprovalId, decision };
    await this.child?.submit(op).catch(ignore);
    this.sendBack?.({ type: 'CHILD.APPROVAL_DECIDED', approvalId, decision });
  }
}
