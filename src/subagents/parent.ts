/**
 * The parent side of a spawned agent's delegate. A spawned agent outlives the turn that
 * spawned it, so its delegate actor hangs under the thread actor (not a turn), and a child
 * approval is asked on whichever turn of the parent is active when it arrives: emitted under
 * that turn's id and waiting on that turn's own `approval:<id>` actor, so the user answers it
 * with an ordinary `exec_approval` / `patch_approval` op to the parent. With no active turn
 * there is nobody to ask: the request is shown and answered `denied` (as Codex's default
 * decision when no turn holds the pending approval).
 */
import type { AnyActorRef } from 'xstate';
import { delegateActorId } from '../../machines/actor-ids.js';
import type { DelegateParent } from '../delegates/index.js';
import type { ThreadRuntime } from '../runtime/thread-runtime.js';

/**
 * A `DelegateParent` for delegates that belong to the thread rather than one turn.
 * @example
 * startDelegate({ parent: threadDelegateParent(rt), openChild, child, kind: 'thread_spawn', onEvent: () => {} });
 */
export function threadDelegateParent(rt: ThreadRuntime): DelegateParent {
  const activeTurnId = () => rt.activeTurn()?.turnId ?? null;
  const liveContext = () => {
    const turnId = activeTurnId();
    const ctx = turnId === null ? null : (rt.turns.get(turnId)?.ctx ?? null);
    return ctx?.live ? ctx : null;
  };
  return {
    get turnId() {
      return activeTurnId() ?? '';
    },
    emit: (msg) => rt.emit(activeTurnId() ?? '', msg),
    requestApproval: (request) => {
      const ctx = liveContext();
      if (ctx) return ctx.requestApproval(request);
      // Nobody to ask: answered at once, so the read model does not keep it as pending.
      rt.approvalSettled(request.approvalId);
      return Promise.resolve('denied');
    },
    abortApproval: (approvalId) => {
      const turnId = activeTurnId();
      const approval = (turnId === null ? undefined : rt.turnRef(turnId)?.getSnapshot().children[`approval:${approvalId}`]) as AnyActorRef | undefined;
      // `abort` then `CLEAR`: the approval resolves with `abort` without interrupting the turn.
      approval?.send({ type: 'DECIDE', decision: 'abort' });
      approval?.send({ type: 'CLEAR' });
    },
    isApprovalPending: (approvalId) => {
      const turnId = activeTurnId();
      return turnId !== null && rt.turnRef(turnId)?.getSnapshot().children[`approval:${approvalId}`] !== undefined;
    },
    spawnActor: (input) => {
      if (rt.actor.getSnapshot().status !== 'active') return null;
      rt.actor.send({ type: 'DELEGATE.SPAWN', delegate: input });
      return (rt.actor.getSnapshot().children[delegateActorId(input.childThreadId)] as AnyActorRef | undefined) ?? null;
    },
  };
}
