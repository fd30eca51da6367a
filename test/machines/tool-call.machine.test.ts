/**
 * The tool-call machine alone, with a logging fake runner and a SimulatedClock: a call waits
 * for `GATE.OPEN`, then runs; a runner that rejects ends in `failed` with `{ code, message }`.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import type { ToolCallSpec } from '../../machines/contracts.js';
import { toolCallMachine } from '../../machines/tool-call.machine.js';
import type { ResponseItem } from '../../src/protocol/index.js';
import { coded, noopCall, settle } from './fakes.js';

function fakeCall(run: (input: ToolCallSpec) => Promise<ResponseItem>) {
  const log: string[] = [];
  const machine = toolCallMachine.provide({
    actors: {
      runTool: fromPromise<ResponseItem, ToolCallSpec>(async ({ input }) => {
        log.push(`run ${input.name} ${input.callId}`);
        return run(input);
      }),
    },
  });
  const actor = createActor(machine, { input: { key: '1', callId: 'c1', name: 'noop', turnId: 't1', item: noopCall('c1') }, clock: new SimulatedClock() });
  actor.subscribe({ complete: () => log.push(`done ${String(actor.getSnapshot().value)}`) });
  actor.start();
  return { actor, log };
}

describe('toolCall machine', () => {
  it('waits for the gate, runs, and outputs the call’s item', async () => {
    const t = fakeCall(async (input) => ({ type: 'function_call_output', call_id: input.callId, output: 'ok' }));
    await settle();
    expect(t.actor.getSnapshot().value).toBe('awaitingGate');
    expect(t.log).toEqual([]);
    t.actor.send({ type: 'GATE.OPEN' });
    await settle();
    expect(t.log).toEqual(['run noop c1', 'done completed']);
    expect(t.actor.getSnapshot().output).toEqual({ type: 'function_call_output', call_id: 'c1', output: 'ok' });
  });

  it('a runner that rejects ends in failed with { code, message } and no output', async () => {
    const t = fakeCall(() => Promise.reject(coded('tool_crashed', 'segfault')));
    t.actor.send({ type: 'GATE.OPEN' });
    await settle();
    expect(t.log).toEqual(['run noop c1', 'done failed']);
    expect(t.actor.getSnapshot().context.error).toEqual({ code: 'tool_crashed', message: 'segfault' });
    expect(t.actor.getSnapshot().output).toBeNull();
  });

  it('an error without a code gets tool_runner_failed', async () => {
    const t = fakeCall(() => Promise.reject(new Error('nope')));
    t.actor.send({ type: 'GATE.OPEN' });
    await settle();
    expect(t.actor.getSnapshot().context.error).toEqual({ code: 'tool_runner_failed', message: 'nope' });
  });
});
