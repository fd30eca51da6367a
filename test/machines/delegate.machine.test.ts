/**
 * The delegate machine alone, with fake effects and a SimulatedClock (seed 004 cancellation:
 * a pending parent decision resolved with `abort`; the child drained for at most 500 ms).
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, type AnyActorRef } from 'xstate';
import { DELEGATE_DRAIN_TIMEOUT_MS, delegateMachine, type DelegateEvent } from '../../machines/delegate.machine.js';

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function rig(opts: { open?: () => Promise<void>; shutdown?: () => Promise<void> } = {}) {
  const calls: string[] = [];
  let sendBack: (event: DelegateEvent) => void = () => undefined;
  const logic = delegateMachine.provide({
    actors: {
      openChild: fromPromise(async () => {
        calls.push('open');
        await (opts.open ?? (async () => undefined))();
      }),
      forwardEvents: fromCallback<DelegateEvent, { port: object }>(({ sendBack: send }) => {
        calls.push('forward');
        sendBack = send;
        return () => calls.push('forward stopped');
      }),
      shutdownChild: fromPromise<void, { port: object; interrupt: boolean }>(async ({ input }) => {
        calls.push(`shutdown interrupt=${input.interrupt}`);
        await (opts.shutdown ?? (async () => undefined))();
      }),
    },
    actions: { abortParentDecision: (_, params) => void calls.push(`abort ${params.approvalId} on ${params.parentTurnId}`) },
  });
  const clock = new SimulatedClock();
  const actor = createActor(logic, { clock, input: { childThreadId: 'c1', parentTurnId: 'p1', kind: 'review', oneShot: true, port: {} } });
  actor.start();
  return { actor: actor as AnyActorRef & typeof actor, calls, clock, child: (event: DelegateEvent) => sendBack(event) };
}

describe('delegate machine', () => {
  it('cancelling while a parent decision is pending aborts it, then shuts the child down, leaving after 500 ms without an answer', async () => {
    const { actor, calls, clock, child } = rig({ shutdown: () => new Promise<void>(() => undefined) });
    await flush();
    expect(actor.getSnapshot().value).toEqual({ live: 'running' });
    child({ type: 'CHILD.APPROVAL_REQUESTED', approvalId: 'call_1', kind: 'exec' });
    expect(actor.getSnapshot().value).toEqual({ live: 'awaitingParentDecision' });
    expect(actor.getSnapshot().context.pendingApproval).toEqual({ approvalId: 'call_1', kind: 'exec' });
    actor.send({ type: 'CANCEL' });
    expect(actor.getSnapshot().value).toBe('cancelling');
    expect(calls).toEqual(['open', 'forward', 'abort call_1 on p1', 'forward stopped', 'shutdown interrupt=true']);
    clock.increment(DELEGATE_DRAIN_TIMEOUT_MS - 1);
    expect(actor.getSnapshot().value).toBe('cancelling');
    clock.increment(1);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toEqual({ childThreadId: 'c1', outcome: 'cancelled', drainTimedOut: true, failure: null, shutdownFailure: null });
  });

  it('a decided approval returns to running; the one-shot end closes the child', async () => {
    const { actor, calls, child } = rig();
    await flush();
    child({ type: 'CHILD.APPROVAL_REQUESTED', approvalId: 'call_1', kind: 'patch' });
    child({ type: 'CHILD.APPROVAL_DECIDED', approvalId: 'call_1', decision: 'approved' });
    expect(actor.getSnapshot().value).toEqual({ live: 'running' });
    expect(actor.getSnapshot().context.lastDecision).toBe('approved');
    child({ type: 'CHILD.FINISHED' });
    expect(actor.getSnapshot().value).toBe('closing');
    await flush();
    expect(actor.getSnapshot().output).toEqual({ childThreadId: 'c1', outcome: 'finished', drainTimedOut: false, failure: null, shutdownFailure: null });
    expect(calls).not.toContain('abort call_1 on p1');
  });

  it('cancelling a running delegate (no decision pending) aborts nothing and drains', async () => {
    const { actor, calls } = rig();
    await flush();
    actor.send({ type: 'CANCEL' });
    await flush();
    expect(actor.getSnapshot().output).toMatchObject({ outcome: 'cancelled', drainTimedOut: false });
    expect(calls.filter((c) => c.startsWith('abort'))).toEqual([]);
  });

  it('a child that closes by itself ends the delegate without a shutdown', async () => {
    const { actor, calls, child } = rig();
    await flush();
    child({ type: 'CHILD.CLOSED' });
    expect(actor.getSnapshot().output).toMatchObject({ outcome: 'closed' });
    expect(calls.some((c) => c.startsWith('shutdown'))).toBe(false);
  });

  it('a child that cannot be created fails the delegate with the error', async () => {
    const { actor } = rig({ open: async () => Promise.reject(Object.assign(new Error('no model'), { code: 'bad_request' })) });
    await flush();
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().output).toMatchObject({ outcome: 'failed', failure: { code: 'bad_request', message: 'no model' } });
  });

  it('a failing shutdown is recorded as shutdownFailure and the delegate still ends with its outcome', async () => {
    const { actor, child } = rig({ shutdown: () => Promise.reject(Object.assign(new Error('child stuck'), { code: 'child_stuck' })) });
    await flush();
    child({ type: 'CHILD.FINISHED' });
    await flush();
    expect(actor.getSnapshot().output).toEqual({
      childThreadId: 'c1',
      outcome: 'finished',
      drainTimedOut: false,
      failure: null,
      shutdownFailure: { code: 'child_stuck', message: 'child stuck' },
    });
  });
});
