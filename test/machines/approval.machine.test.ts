/**
 * The approval machine alone (it has no effects to fake; a SimulatedClock proves it never
 * waits on time): each decision resolves it exactly once, `abort` waits for the turn's CLEAR,
 * and a cleared approval resolves as `abort` (exec) or `denied` (patch).
 */
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
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
});
