/**
 * The bare-XState floor of the interrupt path: the messages a turnstate interrupt sends
 * between its thread, turn, task and runner actors, in four minimal machines with no engine
 * code — no op parsing, no invoked abort steps (goal settlement, marker, flush), no history, no
 * event queue — so the bench can show what the actor library's own messaging costs per
 * interrupt next to what the engine adds.
 */
import { assign, createActor, fromCallback, sendTo, setup } from 'xstate';
import { nowUs } from './measure.js';

/** A runner that settles one microtask after it is cancelled (as a cooperative task does). */
const runner = fromCallback<{ type: 'CANCEL' }>(({ sendBack, receive }) => {
  receive(() => queueMicrotask(() => sendBack({ type: 'runner.finished' })));
});

const task = setup({ actors: { runner }, delays: { grace: 100 } }).createMachine({
  invoke: { id: 'runner', src: 'runner' },
  initial: 'running',
  states: {
    running: { on: { CANCEL: 'cancelling' } },
    cancelling: { entry: sendTo('runner', { type: 'CANCEL' }), on: { 'runner.finished': 'cancelled' }, after: { grace: 'forceStopped' } },
    cancelled: { type: 'final' },
    forceStopped: { type: 'final' },
  },
});

/** `emitTurnAborted` is provided per run: it hands `turn_aborted` to the reader. */
const turn = setup({ actors: { task }, actions: { emitTurnAborted: () => undefined } }).createMachine({
  context: { taskSettled: false },
  invoke: { id: 'task', src: 'task', onDone: { actions: assign({ taskSettled: true }) } },
  initial: 'running',
  states: {
    running: { on: { ABORT: 'aborting' } },
    aborting: { entry: sendTo('task', { type: 'CANCEL' }), on: { 'xstate.done.actor.task': 'announcing' } },
    announcing: { entry: 'emitTurnAborted', always: 'aborted' },
    aborted: { type: 'final' },
  },
});

/**
 * Latency (µs) from sending `INTERRUPT` to the thread actor to a reader resuming with
 * `turn_aborted`, per interrupt; each turn starts untimed, then the event loop turns once before
 * the interrupt (as in the engine's `'macrotask'` arrival).
 * @example
 * const samples = await xstateChainFloor(2000, 200);
 */
export async function xstateChainFloor(n: number, warmup: number): Promise<number[]> {
  let deliver: (event: { type: string }) => void = () => undefined;
  const thread = setup({
    actors: { turn: turn.provide({ actions: { emitTurnAborted: () => deliver({ type: 'turn_aborted' }) } }) },
  }).createMachine({
    initial: 'idle',
    states: {
      idle: { on: { START: 'active' } },
      active: { invoke: { id: 'turn', src: 'turn', onDone: 'idle' }, on: { INTERRUPT: { actions: sendTo('turn', { type: 'ABORT' }) } } },
    },
  });
  const actor = createActor(thread).start();
  const out: number[] = [];
  try {
    for (let i = 0; i < warmup + n; i++) {
      actor.send({ type: 'START' });
      await new Promise((resolve) => setImmediate(resolve));
      const read = new Promise<{ type: string }>((resolve) => (deliver = resolve));
      const t0 = nowUs();
      actor.send({ type: 'INTERRUPT' });
      if ((await read).type !== 'turn_aborted') throw new Error('unexpected event');
      if (i >= warmup) out.push(nowUs() - t0);
    }
  } finally {
    actor.stop();
  }
  return out;
}
