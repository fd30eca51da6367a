/**
 * The parent side of a delegate for a running turn: forwarded approvals are emitted under the
 * turn's id and wait on the turn's own `approval:<id>` actors, so the user answers them with
 * an ordinary `exec_approval` / `patch_approval` op to the parent (seed 004).
 */
import type { AnyActorRef } from 'xstate';
import { delegateActorId } from '../../machines/actor-ids.js';
import type { DelegateParent } from '../delegates/types.js';
import type { TaskContext } from '../tools/turn-context.js';
import type { ThreadHost } from './thread-host.js';

/**
 * A `DelegateParent` for the turn `ctx` runs in.
 * @example
 * const handle = startDelegate({ parent: turnDelegateParent(rt, ctx), openChild, child, kind: 'review', onEvent });
 */
export function turnDelegateParent(rt: ThreadHost, ctx: TaskContext): DelegateParent {
  const turn = () => rt.turnRef(ctx.turnId);
  return {
    turnId: ctx.turnId,
    emit: (msg) => ctx.emit(msg),
    requestApproval: (request) => ctx.requestApproval(request),
    abortApproval: (approvalId) => {
      const approval = turn()?.getSnapshot().children[`approval:${approvalId}`] as AnyActorRef | undefined;
      // `abort` then `CLEAR`: the approval resolves with `abort` without interrupting the turn.
      approval?.send({ type: 'DECIDE', decision: 'abort' });
      approval?.send({ type: 'CLEAR' });
    },
    isApprovalPending: (approvalId) => turn()?.getSnapshot().children[`approval:${approvalId}`] !== undefined,
    spawnActor: (input) => {
      const ref = turn();
      if (!ref || ref.getSnapshot().status !== 'active') return null;
      ref.send({ type: 'DELEGATE.SPAWN', delegate: input });
      return (ref.getSnapshot().children[delegateActorId(input.childThreadId)] as AnyActorRef | undefined) ?? null;
    },
  };
}
