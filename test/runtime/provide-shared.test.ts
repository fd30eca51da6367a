/**
 * `provideShared` gives a machine per-thread implementations without copying its state nodes:
 * each copy runs its own actions and actors (also on later events and in spawned children),
 * the original keeps its own, and lazy actors are built once, on first use.
 */
import { describe, expect, it } from 'vitest';
import { assign, createActor, fromPromise, setup } from 'xstate';
import { provideShared } from '../../src/runtime/provide-shared.js';

const machine = setup({
  types: { events: {} as { type: 'GO' } | { type: 'SPAWN' }, context: {} as { result: string | null } },
  actions: { say: (_, _params: { word: string }) => {} },
  actors: { work: fromPromise<string, void>(async () => 'original'), helper: fromPromise<string, void>(async () => 'original helper') },
}).createMachine({
  context: { result: null },
  initial: 'idle',
  states: {
    idle: { entry: { type: 'say', params: { word: 'hello' } }, on: { GO: 'working' } },
    working: {
      entry: { type: 'say', params: { word: 'working' } },
      invoke: { src: 'work', onDone: { target: 'done', actions: assign({ result: ({ event }) => event.output }) } },
    },
    done: { invoke: { src: 'helper', onDone: { actions: assign({ result: ({ context, event }) => `${context.result} + ${event.output}` }) } } },
  },
});

async function run(logic: typeof machine): Promise<string | null> {
  const actor = createActor(logic).start();
  actor.send({ type: 'GO' });
  await new Promise((resolve) => setTimeout(resolve, 0));
  return actor.getSnapshot().context.result;
}

describe('provideShared', () => {
  it('runs each copy with its own implementations and shares the state nodes', async () => {
    const said: string[] = [];
    const made: string[] = [];
    const copy = (name: string) =>
      provideShared(
        machine,
        { actions: { say: (_, { word }) => said.push(`${name}: ${word}`) }, actors: { work: fromPromise<string, void>(async () => name) } },
        { helper: () => (made.push(name), fromPromise<string, void>(async () => `${name} helper`)) },
      );
    const a = copy('a');
    const b = copy('b');
    expect(made).toEqual([]);
    expect(await run(a)).toBe('a + a helper');
    expect(await run(b)).toBe('b + b helper');
    expect(await run(a)).toBe('a + a helper');
    expect(await run(machine)).toBe('original + original helper');
    expect(said).toEqual(['a: hello', 'a: working', 'b: hello', 'b: working', 'a: hello', 'a: working']);
    expect(made).toEqual(['a', 'b']);
    expect(a.root).toBe(machine.root);
    expect(b.implementations.actions.say).not.toBe(a.implementations.actions.say);
  });
});
