/**
 * Host tasks whose end the test controls, with a chosen reaction to cancellation — the task
 * behaviours the lifecycle property test mixes.
 */
import type { SessionTask } from '../../tasks/session-task.js';

/**
 * How a task reacts to cancellation: `cooperative` stops at once, `slow` stops 5 ms later,
 * `nonCooperative` ignores it (the engine force-stops it after the grace period, and its late
 * output must never surface).
 */
export type TaskBehaviour = 'cooperative' | 'slow' | 'nonCooperative';

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A controllable task and its handles. */
export interface ControllableTask {
  task: SessionTask<null>;
  /** Ends the task with this final message. */
  finish(message?: string | null): void;
  /** Resolves once the task body has started. */
  started: Promise<void>;
  state: { ran: boolean; aborted: boolean; lateEmitted: boolean };
}

/**
 * A host task the test finishes by hand (`finish`), reacting to cancellation as `behaviour` says.
 * @example
 * const t = controllableTask('lint', 'nonCooperative');
 * const turnId = await thread.spawnTask(t.task, null);
 * t.finish('clean');
 */
export function controllableTask(kind: string, behaviour: TaskBehaviour = 'cooperative'): ControllableTask {
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
