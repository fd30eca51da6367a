/**
 * The approval machine alone (it has no I/O effects; a SimulatedClock proves it never waits on
 * time): each decision resolves it exactly once, `abort` waits for the turn's CLEAR, and a
 * cleared approval resolves as `abort` (exec) or `denied` (patch). Its guards and its `resolve`
 * action are `.provide()`d with logging wrappers to pin the decision table's order.
 */
import { describe, expect, it } from 'vitest';
import { assign, createActor, SimulatedClock } from 'xstate';
import { approvalMachine, type ApprovalKind } from '../../machines/approval.machine.js';
import type { ReviewDecision } from '../../src/protocol/index.js';

function fakeApproval(kind: ApprovalKind = 'exec') {
  const log: string[] = [];
  const clock = new SimulatedClock();
  const actor = createActor(approvalMachine, { input: { approvalId: 'a1', kind, turnId: 't1' }, clock });
  actor.subscribe({
    next: (s) => log.push(String(s.value)),
    complete: () => log.push(`output ${JSON.stringify(actor.getSnapshot().output)}`),
  });
  actor.start();
  return { actor, log, clock };
}

describe('approval machine', () => {
  const cases: Array<[ReviewDecision, string]> = [
    ['approved', 'approved'],
    [{ approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['ls'] } } as ReviewDecision, 'approved'],
    ['approved_for_session', 'approvedForSession'],
    ['denied', 'denied'],
    ['timed_out', 'timedOut'],
  ];
  for (const [decision, state] of cases) {
    it(`DECIDE ${JSON.stringify(decision)} resolves as ${state} (a final state: later events change nothing)`, () => {
      const t = fakeApproval();
      t.actor.send({ type: 'DECIDE', decision });
      expect(t.actor.getSnapshot().status).toBe('done');
      expect(t.log).toEqual(['pending', state, `output ${JSON.stringify({ approvalId: 'a1', decision, resolution: state })}`]);
    });
  }

  it('abort waits for CLEAR (after turn_aborted), then resolves as aborted', () => {
    const t = fakeApproval();
    t.actor.send({ type: 'DECIDE', decision: 'abort' });
    t.clock.increment(60_000);
    expect(t.actor.getSnapshot().status).toBe('active');
    t.actor.send({ type: 'CLEAR' });
    expect(t.log).toEqual(['pending', 'abortRequested', 'aborted', 'output {"approvalId":"a1","decision":"abort","resolution":"aborted"}']);
  });

  it('a cleared exec approval resolves as abort, a cleared patch approval as denied', () => {
    const exec = fakeApproval('exec');
    exec.actor.send({ type: 'CLEAR' });
    expect(exec.actor.getSnapshot().output).toEqual({ approvalId: 'a1', decision: 'abort', resolution: 'cleared' });
    const patch = fakeApproval('patch');
    patch.actor.send({ type: 'CLEAR' });
    expect(patch.actor.getSnapshot().output).toEqual({ approvalId: 'a1', decision: 'denied', resolution: 'cleared' });
  });

  it('checks the decision guards in table order and resolves once (guards and action provided with logging wrappers)', () => {
    const calls: string[] = [];
    const names = ['isApproved', 'isApprovedForSession', 'isDenied', 'isTimedOut', 'isAbort'] as const;
    const original = approvalMachine.implementations;
    const guards = Object.fromEntries(
      names.map((name) => [
        name,
        (args: never, params: never) => {
          calls.push(name);
          return (original.guards[name] as (a: never, p: never) => boolean)(args, params);
        },
      ]),
    );
    const logged = approvalMachine.provide({
      guards,
      actions: {
        resolve: assign(({ event }, params: { resolution: string }) => {
          calls.push(`resolve ${params.resolution}`);
          return { resolution: params.resolution, decision: event.type === 'DECIDE' ? event.decision : null };
        }),
      },
    });
    const actor = createActor(logged, { input: { approvalId: 'a1', kind: 'exec', turnId: 't1' }, clock: new SimulatedClock() }).start();
    actor.send({ type: 'DECIDE', decision: 'timed_out' });
    actor.send({ type: 'DECIDE', decision: 'approved' });
    expect(calls).toEqual(['isApproved', 'isApprovedForSession', 'isDenied', 'isTimedOut', 'resolve timedOut']);
    expect(actor.getSnapshot().output).toEqual({ approvalId: 'a1', decision: 'timed_out', resolution: 'timedOut' });
  });
});
