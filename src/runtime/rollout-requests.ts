/**
 * The thread's persist and flush requests to its rollout. A durable recorder is driven by the
 * thread's `recorder` actor, which serves requests one at a time in the order they came and
 * announces each as `served`; an in-memory recorder is called directly (nothing to order).
 */
import type { ActorRefFrom } from 'xstate';
import type { recorderMachine } from '../../machines/recorder.machine.js';
import type { Recorder } from './recorder.js';

type RecorderActor = ActorRefFrom<typeof recorderMachine>;

/**
 * One thread's persist and flush requests.
 * @example
 * const rollout = new RolloutRequests(recorder, () => actor.getSnapshot().children.recorder);
 * await rollout.flush(); // everything recorded so far is durable
 */
export class RolloutRequests {
  private nextRequest = 1;

  /**
   * `recorderActor` finds the thread's `recorder` actor (absent before start or after it
   * stopped). `ownMemory` is set when the recorder is the engine's own `MemoryRecorder` (an
   * ephemeral thread without a host recorder): its flush only counts, so a turn's flush step
   * need not wait for it. A host's recorder, even a `MemoryRecorder`, is always waited for.
   */
  constructor(
    private readonly recorder: Recorder,
    private readonly recorderActor: () => RecorderActor | undefined,
    private readonly ownMemory = false,
  ) {}

  /**
   * Materialises the rollout (explicit persist points: first prompt, rename, ...). Once the
   * rollout exists and writes succeed there is nothing to do, so no recorder round trip: the
   * lines recorded so far are written in the background anyway, as Codex's
   * `ensure_rollout_materialized` is a no-op on a materialised rollout.
   */
  persist(): Promise<void> {
    if (this.recorder.needsPersist === false) return Promise.resolve();
    return this.request('persist');
  }

  /** Durability barrier for everything recorded so far. */
  flush(): Promise<void> {
    return this.request('flush');
  }

  /** `flush` for a turn's flush step: `undefined` when the engine's own in-memory recorder has nothing to wait for. */
  flushStep(): Promise<void> | undefined {
    if (!this.ownMemory) return this.request('flush');
    // The engine's MemoryRecorder counts the flush synchronously and cannot fail.
    void this.recorder.flush();
    return undefined;
  }

  /**
   * Materialises the rollout before the first goal write. It goes to the recorder directly
   * (which orders its own operations): a goal write may still run while the recorder actor is
   * closing, when it serves no more requests.
   */
  async materialize(): Promise<void> {
    if (!this.recorder.materialized) await this.recorder.persist();
  }

  /**
   * Asks the recorder actor for a persist or flush; resolves when it was served (the actor
   * announces each served request, in order), rejects with the write's error.
   */
  private request(kind: 'persist' | 'flush'): Promise<void> {
    // An in-memory recorder has nothing to order or wait for: no actor round trip.
    if (!this.recorder.durable) return this.recorder[kind]();
    const recorder = this.recorderActor();
    if (!recorder || recorder.getSnapshot().status !== 'active') return Promise.resolve();
    const requestId = this.nextRequest++;
    return new Promise<void>((resolve, reject) => {
      const served = recorder.on('served', (event) => {
        if (event.requestId !== requestId) return;
        served.unsubscribe();
        if (event.error === null) resolve();
        else reject(new Error(event.error));
      });
      recorder.send({ type: 'REQUEST', request: { requestId, kind } });
    });
  }
}
