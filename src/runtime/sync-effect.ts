/**
 * `fromEffect`: actor logic for a lifecycle step that is usually synchronous (record the
 * `<turn_aborted>` marker, settle the goal when nothing is left to store, skip a missing
 * abort hook) but may have to wait (a host's abort hook, a goal write, a flush).
 *
 * Hand-written on XState's documented custom `ActorLogic` interface because `fromPromise`
 * wraps every step in a promise and an `AbortController` and always settles a microtask
 * later; on the abort path those allocations and hops were most of the cost. Here a step
 * that returns `undefined` settles inside the actor's own start (the done event reaches the
 * parent's mailbox before the parent's current event finishes), one that throws settles as
 * an error (the machine's `onError` failure state), and one that returns a promise settles
 * when it does, exactly as `fromPromise` would.
 *
 * The step runs when the actor starts, which XState defers until the parent's transition is
 * committed, so a step may send to the parent or other actors.
 */
import type { ActorSystem, AnyActorRef, PromiseActorLogic } from 'xstate';

/** What `fromEffect` steps see: their input and the actor system they run in. */
export interface EffectArgs<TInput> {
  input: TInput;
  system: ActorSystem<{ actors: Record<string, AnyActorRef> }>;
}


/**
 * Actor logic running `step` once; done when it returns (or its promise resolves), failed when
 * it throws (or rejects). Typed as `fromPromise`'s logic, so it fills a `fromPromise` contract.
 * @example
 * const marker = fromEffect<{ turnId: string }>(({ input }) => record(input.turnId));
 */
export function fromEffect<TInput>(step: (args: EffectArgs<TInput>) => void | Promise<void>): PromiseActorLogic<void, TInput> {
  return {
    config: step,
    transition: (state, event) => {
      if (state.status !== 'active') return state;
      switch (event.type) {
        case 'effect.done':
          return { ...state, status: 'done', output: undefined, input: undefined };
        case 'effect.failed':
          return { ...state, status: 'error', error: event['error'], input: undefined };
        case 'xstate.stop':
          return { ...state, status: 'stopped', input: undefined };
        default:
          return state;
      }
    },
    start: (state, { self, system }) => {
      if (state.status !== 'active') return;
      let pending: void | Promise<void>;
      try {
        pending = step({ input: state.input as TInput, system });
      } catch (error) {
        self.send({ type: 'effect.failed', error });
        return;
      }
      if (pending === undefined) {
        self.send({ type: 'effect.done' });
        return;
      }
      pending.then(
        () => {
          if (self.getSnapshot().status === 'active') self.send({ type: 'effect.done' });
        },
        (error: unknown) => {
          if (self.getSnapshot().status === 'active') self.send({ type: 'effect.failed', error });
        },
      );
    },
    getInitialSnapshot: (_, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as ReturnType<PromiseActorLogic<void, TInput>['getInitialSnapshot']>,
  };
}
