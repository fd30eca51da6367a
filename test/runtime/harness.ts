/** Test harness for lifecycle tests: an event log, controllable host tasks, a simulated clock. */
import { SimulatedClock } from 'xstate';
import { createThread, type CreateThreadOptions, type Event, type EventMsg, type SessionTask, type Thread } from 'turnstate';

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

/** A deferred value. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export type TaskBehaviour = 'cooperative' | 'slow' | 'nonCooperative';

/** A host task the test finishes by hand; how it reacts to cancellation is configurable. */
export function controllableTask(kind: string, behaviour: TaskBehaviour = 'cooperative') {
  const gate = deferred<string | null>();
  const started = deferred<void>();
  const state = { ran: false, aborted: false, lateEmitted: false };
  const task: SessionTask<null> = {
    kind,
    async run(ctx, _input, signal) {
      state.ran = true;
      started.resolve();
      const onAbort = new Promise<string | null>((resolve) => {
        signal.addEventListener('abort', () => {
          state.aborted = true;
          if (behaviour === 'cooperative') resolve(null);
          if (behaviour === 'slow') setTimeout(() => resolve(null), 5);
        });
      });
      const result = await (behaviour === 'nonCooperative' ? gate.promise : Promise.race([gate.promise, onAbort]));
      if (behaviour === 'nonCooperative' && signal.aborted) {
        // Late work after a force-stop must never surface.
        ctx.emit({ type: 'agent_message', message: 'late message', phase: null });
        ctx.recordItems([{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'late item' }] }]);
        state.lateEmitted = true;
      }
      return result;
    },
  };
  return { task, finish: (msg: string | null = 'done') => gate.resolve(msg), started: started.promise, state };
}

/** Creates a thread with a simulated XState clock (machine delays advance only by hand). */
export async function threadWithSimulatedClock(options: CreateThreadOptions = {}) {
  const sim = new SimulatedClock();
  sim.set(1_700_000_000_000);
  const thread = await createThread({ cwd: '/tmp', ephemeral: true, ...options, actorClock: sim, clock: { now: () => sim.now() } });
  return { thread, sim, log: new EventLog(thread) };
}

/** Lets pending promise callbacks and immediate callbacks run. */
export async function flushAsync(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** The text of every message in history (for marker checks). */
export function historyTexts(thread: Thread): string[] {
  const session = thread.actor.getSnapshot().context.session as { history: { items: Array<{ type: string; content?: Array<{ text?: string }> }> } };
  return session.history.items.flatMap((i) => (i.type === 'message' ? (i.content ?? []).map((c) => c.text ?? '') : []));
}
