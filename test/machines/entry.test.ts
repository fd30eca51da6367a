/** The `turnstate/machines` entry: every machine and its contracts, usable alone. */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import * as machines from 'turnstate/machines';
import { renderMachine } from '../../examples/render-machine.js';

describe('turnstate/machines', () => {
  it('exports every machine, the effect contracts and the constants', () => {
    const names = Object.entries(machines)
      .filter(([, v]) => typeof v === 'object' && v !== null && 'config' in v)
      .map(([k]) => k)
      .sort();
    expect(names).toEqual(['approvalMachine', 'delegateMachine', 'goalMachine', 'recorderMachine', 'taskMachine', 'threadMachine', 'toolCallMachine', 'turnMachine']);
    expect(Object.keys(machines.contracts)).toContain('runTask');
    expect(machines.GRACEFUL_INTERRUPTION_TIMEOUT_MS).toBe(100);
  });

  it('a machine runs alone: an approval decided once', () => {
    const actor = createActor(machines.approvalMachine, { input: { approvalId: 'a1', turnId: 't1', kind: 'exec' } }).start();
    actor.send({ type: 'DECIDE', decision: 'approved' });
    expect(actor.getSnapshot().value).toBe('approved');
  });

  it('the example renders a machine with xstate/graph', () => {
    const diagram = renderMachine('task');
    expect(diagram.split('\n')).toEqual(
      expect.arrayContaining(['stateDiagram-v2', '  running --> cancelling: CANCEL', '  running --> finished: runner.finished', '  cancelling --> forceStopped: xstate.after.graceTimeout.task.cancelling']),
    );
  });
});
