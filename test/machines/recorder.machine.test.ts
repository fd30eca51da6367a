/**
 * The recorder machine alone, with logging fakes and a SimulatedClock: requests are served
 * one at a time in arrival order, a shutdown drains the queue first, and failed writes and
 * closes are recorded and pass through `writeFailed` / `closeFailed`.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import type { RecorderRequest } from '../../machines/contracts.js';
import { recorderMachine } from '../../machines/recorder.machine.js';
import { coded, settle } from './fakes.js';

function fakeRecorder(options: { failRequest?: number; failClose?: boolean } = {}) {
  const log: string[] = [];
  const states: string[] = [];
  const machine = recorderMachine.provide({
    actors: {
      recorderOp: fromPromise<{ materialized: boolean }, RecorderRequest>(async ({ input }) => {
        log.push(`${input.kind} ${input.requestId}`);
        if (input.requestId === options.failRequest) throw coded('disk_full', 'no space left');
        return { materialized: input.kind === 'persist' };
      }),
      closeRecorder: fromPromise<void, void>(async () => {
        log.push('close');
        if (options.failClose) throw new Error('EBADF');
      }),
    },
    actions: {
      notify: (_, p) => log.push(`notify ${p.requestId}${p.error ? ` ${p.error}` : ''}`),
    },
  });
  // Microsteps show the transient states (`writeFailed`, `closeFailed`) an inspector sees.
  const actor = createActor(machine, {
    input: { materialized: false },
    clock: new SimulatedClock(),
    inspect: (ev) => {
      if (ev.type === '@xstate.microstep' && ev.actorRef === actor) states.push(String((ev.snapshot as unknown as { value: unknown }).value));
    },
  });
  actor.start();
  const request = (requestId: number, kind: RecorderRequest['kind']) => actor.send({ type: 'REQUEST', request: { requestId, kind } });
  return { actor, log, states, request };
}

describe('recorder machine', () => {
  it('serves requests in order, one at a time; shutdown drains then closes', async () => {
    const r = fakeRecorder();
    r.request(1, 'persist');
    r.request(2, 'flush');
    r.actor.send({ type: 'SHUTDOWN' });
    r.request(3, 'flush');
    await settle(6);
    expect(r.log).toEqual(['persist 1', 'notify 1', 'flush 2', 'notify 2', 'flush 3', 'notify 3', 'close']);
    expect(r.actor.getSnapshot().status).toBe('done');
    expect(r.actor.getSnapshot().context).toMatchObject({ materialized: false, completed: 3, failures: 0, lastError: null });
  });

  it('a failed write notifies its requester with the error, records it, and the next request runs', async () => {
    const r = fakeRecorder({ failRequest: 1 });
    r.request(1, 'persist');
    r.request(2, 'persist');
    await settle(6);
    expect(r.log).toEqual(['persist 1', 'notify 1 no space left', 'persist 2', 'notify 2']);
    expect(r.states).toEqual(['idle', 'working', 'working', 'writeFailed', 'idle', 'working', 'idle']);
    expect(r.actor.getSnapshot().context).toMatchObject({ materialized: true, completed: 1, failures: 1, lastError: { code: 'disk_full', message: 'no space left' } });
  });

  it('announces each served request as `served` (its id, its error or null), in order', async () => {
    const machine = recorderMachine.provide({
      actors: {
        recorderOp: fromPromise<{ materialized: boolean }, RecorderRequest>(async ({ input }) => {
          if (input.requestId === 2) throw coded('disk_full', 'no space left');
          return { materialized: true };
        }),
      },
    });
    const actor = createActor(machine, { input: { materialized: false }, clock: new SimulatedClock() });
    const served: string[] = [];
    actor.on('served', (e) => served.push(`${e.requestId} ${e.error ?? 'ok'}`));
    actor.start();
    for (const requestId of [1, 2, 3]) actor.send({ type: 'REQUEST', request: { requestId, kind: 'flush' } });
    await settle(6);
    expect(served).toEqual(['1 ok', '2 no space left', '3 ok']);
  });

  it('a failed close is recorded and the recorder still closes', async () => {
    const r = fakeRecorder({ failClose: true });
    r.actor.send({ type: 'SHUTDOWN' });
    await settle();
    expect(r.log).toEqual(['close']);
    expect(r.actor.getSnapshot().value).toBe('closed');
    expect(r.states.slice(-3)).toEqual(['closing', 'closeFailed', 'closed']);
    expect(r.actor.getSnapshot().context.lastError).toEqual({ code: 'rollout_write_failed', message: 'EBADF' });
  });
});
