/**
 * `provideShared(machine, implementations)`: what `machine.provide(implementations)` returns,
 * without a copy of the machine's state-node tree.
 *
 * Each thread gets its own machines with effects closed over its own ports. XState's
 * `provide()` rebuilds every state node of the machine it copies; for the thread machine and
 * the machines it nests that is about 117 kB per thread (measured on XState 5.33, 2,000
 * copies), five times what an idle thread costs otherwise. A machine's implementations are the
 * only thing a per-thread copy changes, and XState reads them through the snapshot's machine
 * (`snapshot.machine.implementations`), so the copy here is an object that inherits the
 * original's state nodes and owns only its implementations — a few hundred bytes.
 *
 * This leans on how XState 5 resolves implementations; `test/runtime/provide-shared.test.ts`
 * checks that a copy runs its own implementations and shares the original's tree, so an
 * XState upgrade that changes this fails there, and `provideShared` can become `provide`.
 */
import type { AnyStateMachine } from 'xstate';

/** The methods a `StateMachine` binds to itself in its constructor. */
const BOUND_METHODS = ['transition', 'getInitialSnapshot', 'getPersistedSnapshot', 'restoreSnapshot', 'start'] as const;

type Implementations = { actors?: object; actions?: object; guards?: object; delays?: object };

/**
 * Per machine, the prototype of its copies: the machine, with the methods its constructor bound
 * to it unbound again (so they run on the copy that calls them). A pure cache: derived once
 * from an immutable machine and never changed, so keeping it module-wide shares nothing
 * between threads.
 */
const copyPrototypes = new WeakMap<object, object>();

function copyPrototypeOf(machine: object): object {
  let proto = copyPrototypes.get(machine);
  if (proto) return proto;
  const methods = Object.getPrototypeOf(machine) as Record<string, (...args: unknown[]) => unknown>;
  const unbound: PropertyDescriptorMap = {};
  for (const name of BOUND_METHODS) {
    const method = methods[name];
    if (typeof method === 'function') {
      unbound[name] = {
        value: function (this: object, ...args: unknown[]) {
          return method.apply(this, args);
        },
        writable: true,
      };
    }
  }
  proto = Object.create(machine, unbound) as object;
  copyPrototypes.set(machine, proto);
  return proto;
}

/** `base` with `given` on top; the copy inherits the rest from `base` instead of copying it. */
const over = (base: object, given: object | undefined): object => (given ? Object.assign(Object.create(base) as object, given) : base);

/**
 * `machine.provide(implementations)` sharing `machine`'s state nodes (same types, same result).
 * `lazyActors` are actors made on first use (once per copy): a thread that never starts a turn
 * never builds its turn logic.
 * @example
 * const logic = provideShared(turnMachine, { actions: { emitTurnStarted: ({}, { turnId }) => emit(turnId) } });
 * createActor(logic, { input: spec }).start();
 */
export function provideShared<M extends AnyStateMachine>(
  machine: M,
  implementations: Parameters<M['provide']>[0],
  lazyActors: { [K in keyof M['implementations']['actors']]?: () => M['implementations']['actors'][K] } = {},
): M {
  const base = machine.implementations as Required<Implementations>;
  const given = implementations as Implementations;
  const actors = over(base.actors, given.actors) as Record<string, unknown>;
  const lazy = Object.entries(lazyActors) as Array<[string, () => unknown]>;
  if (lazy.length > 0 && actors === base.actors) throw new TypeError('provideShared: lazy actors need at least one provided actor');
  for (const [name, make] of lazy) {
    let made: unknown;
    Object.defineProperty(actors, name, { get: () => (made ??= make()), enumerable: true });
  }
  const merged = {
    actors,
    actions: over(base.actions, given.actions),
    guards: over(base.guards, given.guards),
    delays: over(base.delays, given.delays),
  };
  return Object.create(copyPrototypeOf(machine), { implementations: { value: merged, enumerable: true } }) as M;
}
