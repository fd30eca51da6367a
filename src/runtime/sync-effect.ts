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
 * committed, so a step may send to the parent or other actors. A step that reads `signal` gets
 * an `AbortSignal` aborted when the actor is stopped before it settled (its parent left the
 * state, or the thread stopped), as `fromPromise` gives; one that never reads it costs no
 * `AbortController`. The controller lives in a holder owned by the actor's own snapshot (no
 * module-wide map), and is aborted by the `xstate.stop` transition, as `fromPromise` does.
 */
import type { ActorSystem, AnyActorRef, PromiseActorLogic } from 'xstate';

/** What `fromEffect` steps see: their input, the actor system they run in, and (made on first read) a stop signal. */
export interface EffectArgs<TInput> {
  input: TInput;
  system: ActorSystem<{ actors: Record<string, AnyActorRef> }>;
  /** Aborted when the actor stops before the step settled (also when first read after that stop); created on first read. */
  readonly signal: AbortSignal;
}

/** Where a running step's `AbortController` is kept: one per actor, in its snapshot. */
const CONTROLLER = Symbol('fromEffect.controller');
type ControllerHolder = { controller: AbortController | undefined; stopped?: boolean };
type EffectSnapshot = { [CONTROLLER]?: ControllerHolder };

/** The actor stopped before its step settled: its signal, made now or later, is aborted. */
function markStopped(holder: ControllerHolder | undefined): void {
  if (!holder) return;
  holder.stopped = true;
  holder.controller?.abort();
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
          // A step still running (its promise unsettled) is told to stop, if it asked to know;
          // one that asks later is given an aborted signal.
          markStopped((state as EffectSnapshot)[CONTROLLER]);
          return { ...state, status: 'stopped', input: undefined };
        default:
          return state;
      }
    },
    start: (state, { self, system }) => {
      if (state.status !== 'active') return;
      let pending: void | Promise<void>;
      const holder = (state as EffectSnapshot)[CONTROLLER];
      const args: EffectArgs<TInput> = {
        input: state.input as TInput,
        system,
        get signal() {
          // Every snapshot `fromEffect` makes or restores carries a holder.
          const h = holder as ControllerHolder;
          if (h.controller === undefined) {
            h.controller = new AbortController();
            if (h.stopped) h.controller.abort();
          }
          return h.controller.signal;
        },
      };
      try {
        pending = step(args);
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
    getInitialSnapshot: (_, input) => ({ status: 'active', output: undefined, error: undefined, input, [CONTROLLER]: { controller: undefined } }),
    // The controller is live state, not data: a persisted snapshot leaves it out.
    getPersistedSnapshot: ({ [CONTROLLER]: _controller, ...snapshot }: ReturnType<PromiseActorLogic<void, TInput>['getInitialSnapshot']> & EffectSnapshot) => snapshot,
    restoreSnapshot: (snapshot) => ({ ...(snapshot as ReturnType<PromiseActorLogic<void, TInput>['getInitialSnapshot']>), [CONTROLLER]: { controller: undefined } }),
  };
}
