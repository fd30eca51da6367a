/**
 * `fromEffect`: a synchronous step settles without a microtask, a throw reaches `onError`, a
 * promise settles when it does, the step runs only after the parent's transition, and a step
 * that reads `signal` is told when its actor stops before it settled.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { fromEffect } from '../../src/runtime/sync-effect.js';

function host(step: Parameters<typeof fromEffect<{ n: number }>>[0]) {
  const machine = setup({ actors: { step: fromEffect<{ n: number }>(step) } }).createMachine({
    initial: 'running',
    states: {
      running: {
        invoke: {
          src: 'step',
          input: { n: 1 },
          onDone: 'done',
          onError: 'failed',
        },
      },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
  });
  return createActor(machine);
}

describe('fromEffect', () => {
  it('settles a synchronous step before start() returns, with the input and after the parent committed', () => {
    const seen: string[] = [];
    const actor = host(({ input }) => void seen.push(`step ${input.n} parent ${JSON.stringify(actor.getSnapshot().value)}`));
    actor.start();
    expect(seen).toEqual(['step 1 parent "running"']);
    expect(actor.getSnapshot().value).toBe('done');
  });

  it('a throwing step reaches onError synchronously', () => {
    const actor = host(() => {
      throw new Error('broken');
    });
    actor.start();
    expect(actor.getSnapshot().value).toBe('failed');
  });

  it('a step returning a promise settles when it resolves or rejects', async () => {
    let resolve!: () => void;
    const ok = host(() => new Promise<void>((r) => (resolve = r)));
    ok.start();
    expect(ok.getSnapshot().value).toBe('running');
    resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(ok.getSnapshot().value).toBe('done');
    const bad = host(() => Promise.reject(new Error('no')));
    bad.start();
    await new Promise((r) => setImmediate(r));
    expect(bad.getSnapshot().value).toBe('failed');
  });

  it('a step whose parent stopped first settles nothing', async () => {
    let resolve!: () => void;
    const actor = host(() => new Promise<void>((r) => (resolve = r)));
    actor.start();
    actor.stop();
    resolve();
    await new Promise((r) => setImmediate(r));
    expect(actor.getSnapshot()).toMatchObject({ status: 'stopped', value: 'running' });
  });

  it('a step reading `signal` sees it aborted when its actor stops before the step settled, not after', async () => {
    const signals: AbortSignal[] = [];
    let resolve!: () => void;
    const pending = host(({ signal }) => {
      signals.push(signal);
      return new Promise<void>((r) => (resolve = r));
    });
    pending.start();
    expect(signals[0]?.aborted).toBe(false);
    pending.stop();
    expect(signals[0]?.aborted).toBe(true);
    resolve();

    const settled = host(({ signal }) => void signals.push(signal));
    settled.start();
    expect(settled.getSnapshot().value).toBe('done');
    settled.stop();
    expect(signals[1]?.aborted).toBe(false);
  });

  it('a step that first reads `signal` after its actor stopped gets it aborted (as fromPromise gives it)', async () => {
    let read!: () => AbortSignal;
    let resolve!: () => void;
    const actor = host((args) => {
      read = () => args.signal;
      return new Promise<void>((r) => (resolve = r));
    });
    actor.start();
    actor.stop();
    expect(read().aborted).toBe(true);
    resolve();
    // A step that settled and only then reads it: not aborted.
    let late!: () => AbortSignal;
    const settled = host((args) => void (late = () => args.signal));
    settled.start();
    settled.stop();
    expect(late().aborted).toBe(false);
  });

  it('a persisted snapshot carries no controller; a restored one gets a fresh holder', () => {
    const logic = fromEffect<{ n: number }>(() => undefined);
    const actor = createActor(logic, { input: { n: 2 } });
    const persisted = actor.getPersistedSnapshot();
    expect(Object.getOwnPropertySymbols(persisted)).toEqual([]);
    expect(JSON.parse(JSON.stringify(persisted))).toMatchObject({ status: 'active', input: { n: 2 } });
    const restored = logic.restoreSnapshot?.(persisted, undefined as never);
    expect(Object.getOwnPropertySymbols(restored)).toHaveLength(1);
  });
});
