/**
 * The read-and-render loop the CLI commands share: pull a thread's events, write their
 * rendering, stop at a condition. Reads only through the public `Thread` API.
 */
import type { Writable } from 'node:stream';
import { ThreadClosedError } from '../errors.js';
import type { Event } from '../protocol/index.js';
import type { Thread } from '../runtime/thread.js';
import type { Renderer } from './render.js';

/**
 * What the loop does with each event after rendering it; return 'stop' to end there.
 * @example
 * const untilDone: EventHook = (e) => (e.msg.type === 'task_complete' ? 'stop' : undefined);
 */
export type EventHook = (event: Event) => 'stop' | void | Promise<'stop' | void>;

/**
 * Renders events until `hook` says stop, the thread closes, or `timeoutMs` passes without an
 * event (then it throws, so a stuck session fails loudly instead of hanging the terminal).
 * @example
 * await pump(thread, renderer, process.stdout, (e) => (e.msg.type === 'task_complete' ? 'stop' : undefined));
 */
export async function pump(thread: Thread, renderer: Renderer, out: Writable, hook: EventHook, timeoutMs = 30_000): Promise<Event | null> {
  for (;;) {
    const event = await nextEventWithin(thread, timeoutMs);
    if (event === null) {
      out.write(renderer.end());
      return null;
    }
    out.write(renderer.render(event));
    if ((await hook(event)) === 'stop') return event;
  }
}

/** The thread's next event, `null` once it has shut down; rejects after `timeoutMs` of silence. */
async function nextEventWithin(thread: Thread, timeoutMs: number): Promise<Event | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no event from the thread for ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([thread.nextEvent().catch((err: unknown) => (err instanceof ThreadClosedError ? null : Promise.reject(err))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
