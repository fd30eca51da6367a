/**
 * `startDelegate`: runs a child thread as a delegate of a parent turn (seed 004
 * `codex_delegate.rs`, SPEC §11.1).
 *
 * Why the child is a whole thread of its own rather than actors inside the parent's system:
 * a child needs everything a thread has (history, rollout with its own `session_meta.source`,
 * recorder, goal, tools, approvals), and the well-known systemIds of a thread (`goal`,
 * `recorder`, `turn:<id>`) would collide inside one actor system. So the child is created
 * through the same `createThread` (sharing the parent's model client, stores, exec policy and
 * inspector) and runs as its own root actor; the parent's tree holds a `delegate` actor
 * (machines/delegate.machine.ts) that shows the child's lifecycle and drives it.
 */
import { createActor, fromCallback, fromPromise } from 'xstate';
import { delegateMachine, type DelegateEvent, type DelegateInput, type DelegateOutput } from '../../machines/delegate.machine.js';
import { DelegatePort } from './port.js';
import type { DelegateHandle, DelegateOptions } from './types.js';

function portOf(port: object): DelegatePort {
  if (!(port instanceof DelegatePort)) throw new TypeError('delegate actor input.port is not a DelegatePort');
  return port;
}

/**
 * The delegate machine with its effects: each instance reaches its own child through the
 * `port` of its input. Hosts of the actor (the parent's turn machine) use this logic.
 */
export const delegateLogic = delegateMachine.provide({
  actors: {
    openChild: fromPromise<void, { port: object }>(({ input }) => portOf(input.port).open()),
    forwardEvents: fromCallback<DelegateEvent, { port: object }>(({ input, sendBack }) => portOf(input.port).attachForwarding(sendBack)),
    shutdownChild: fromPromise<void, { port: object; interrupt: boolean }>(({ input }) => portOf(input.port).shutdown(input.interrupt)),
  },
  actions: {
    // Deferred: the parent turn's approval actor is not written from inside this transition.
    abortParentDecision: ({ context }, { approvalId }) => queueMicrotask(() => portOf(context.port).abortParentDecision(approvalId)),
  },
});

/**
 * Starts a delegate: spawns its actor under the parent (systemId `delegate:<childThreadId>`),
 * which creates the child thread and forwards its events to `options.onEvent`.
 * One-shot (`options.oneShot`): the input is submitted, events are forwarded until the child's
 * first `task_complete` / `turn_aborted` (forwarded too), then the child is shut down.
 * Child `exec_approval_request` / `apply_patch_approval_request` are asked on the parent
 * (`DelegateParent.requestApproval`) and the decision is submitted to the child.
 * When the parent cannot host the actor (its turn has ended) the actor runs standalone.
 * @example
 * const handle = startDelegate({ parent, openChild, child: { threadId: 'c1', source: { subagent: 'review' }, cwd }, kind: 'review',
 *   oneShot: { input: [{ type: 'text', text: 'Review the diff', text_elements: [] }] }, onEvent: (e) => parent.emit(e.msg) });
 * await handle.done; // { childThreadId: 'c1', outcome: 'finished', drainTimedOut: false, failure: null, shutdownFailure: null }
 */
export function startDelegate(options: DelegateOptions): DelegateHandle {
  const port = new DelegatePort(options);
  const input: DelegateInput = {
    childThreadId: options.child.threadId,
    parentTurnId: options.parent.turnId,
    kind: options.kind,
    oneShot: options.oneShot !== undefined,
    port,
  };
  const actor = options.parent.spawnActor(input) ?? createActor(delegateLogic, { input }).start();
  const done = new Promise<DelegateOutput | null>((resolve) => {
    const settle = () => {
      const snap = actor.getSnapshot() as { status: string; output?: DelegateOutput };
      if (snap.status === 'active') return false;
      resolve(snap.output ?? null);
      return true;
    };
    if (settle()) return;
    const sub = actor.subscribe({
      next: () => settle() && sub.unsubscribe(),
      complete: () => resolve((actor.getSnapshot() as { output?: DelegateOutput }).output ?? null),
      error: () => resolve(null),
    });
  });
  return {
    childThreadId: port.childThreadId,
    actor,
    submit: (op) => port.submit(op),
    interrupt: () => port.interrupt(),
    cancel: () => {
      if (actor.getSnapshot().status === 'active') actor.send({ type: 'CANCEL' });
      // The actor stopped with its parent: the child is still shut down.
      else void port.shutdown(true);
    },
    done,
    childClosed: port.childClosed,
  };
}
