/** Test harness for lifecycle tests: an event log, controllable host tasks, a simulated clock. */
import { SimulatedClock } from 'xstate';
import { createThread, type CreateThreadOptions, type Event, type EventMsg, type Thread } from 'turnstate';

/** Collects every event of a thread in the background. */
export class EventLog {
  readonly events: Event[] = [];
  private waiters: Array<() => void> = [];
  readonly done: Promise<void>;

  constructor(thread: Thread) {
    this.done = (async () => {
      for await (const ev of thread.events()) {
        this.events.push(ev);
        for (const w of this.waiters.splice(0)) w();
      }
      for (const w of this.waiters.splice(0)) w();
    })();
  }

  /** Waits until an event matching `pred` has arrived (after index `from`). */
  async until(pred: (e: Event) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<Event> {
    const deadline = Date.now() + (opts.timeoutMs ?? 5000);
    for (;;) {
      const found = this.events.slice(opts.from ?? 0).find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting; saw: ${this.types().join(', ')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
  }

  untilType<T extends EventMsg['type']>(type: T, opts: { from?: number; id?: string; timeoutMs?: number } = {}) {
    return this.until((e) => e.msg.type === type && (opts.id === undefined || e.id === opts.id), opts) as Promise<
      Event & { msg: Extract<EventMsg, { type: T }> }
    >;
  }

  /** Event types, optionally only those of one submission id, without noise. */
  types(opts: { id?: string; keepRaw?: boolean; keepDeltas?: boolean } = {}): string[] {
    return this.events
      .filter((e) => opts.id === undefined || e.id === opts.id)
      .filter((e) => opts.keepRaw || e.msg.type !== 'raw_response_item')
      .filter((e) => opts.keepDeltas || !e.msg.type.endsWith('_delta'))
      .map((e) => e.msg.type);
  }

  ofType<T extends EventMsg['type']>(type: T): Array<Extract<EventMsg, { type: T }>> {
    return this.events.filter((e) => e.msg.type === type).map((e) => e.msg as Extract<EventMsg, { type: T }>);
  }
}

// Deferred values and controllable tasks are the shipped kit's (turnstate/testing).
export { controllableTask, deferred, flushAsync, historyTexts, type TaskBehaviour } from 'turnstate/testing';

/** Creates a thread with a simulated XState clock (machine delays advance only by hand). */
export async function threadWithSimulatedClock(options: CreateThreadOptions = {}) {
  const sim = new SimulatedClock();
  sim.set(1_700_000_000_000);
  const thread = await createThread({ cwd: '/tmp', ephemeral: true, ...options, actorClock: sim, clock: { now: () => sim.now() } });
  return { thread, sim, log: new EventLog(thread) };
}
