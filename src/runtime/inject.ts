/**
 * `thread.injectResponseItems`: model-visible items from the host. Into a steerable active
 * turn, messages join its pending input (sent with its next request) and other items go
 * straight into history; on an idle thread everything goes into history, flushed.
 */
import type { ResponseItem } from '../protocol/index.js';
import type { ThreadRuntime } from './thread-runtime.js';

/**
 * Injects parsed items; where they went.
 * @example
 * await injectItems(rt, [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'note' }] }]); // 'history'
 */
export async function injectItems(rt: ThreadRuntime, items: ResponseItem[]): Promise<'pending_input' | 'history'> {
  const active = rt.activeTurn();
  if (active && rt.turnRef(active.turnId)?.getSnapshot().hasTag('steerable')) {
    const pending = items.flatMap((item) => (item.type === 'message' ? [{ type: 'message' as const, role: item.role, content: item.content }] : []));
    const direct = items.filter((item) => item.type !== 'message');
    if (pending.length) rt.actor.send({ type: 'STEER', items: pending });
    if (direct.length) rt.recordItems(direct);
    return 'pending_input';
  }
  rt.recordItems(items);
  await rt.flushRollout();
  return 'history';
}
