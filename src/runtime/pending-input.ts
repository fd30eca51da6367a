/**
 * Recording input into history with the events clients expect: every recorded item is
 * announced as `raw_response_item`; a user message also gets its item lifecycle
 * (`item_started` → `item_completed` → legacy `user_message`).
 */
import { isContextualUserMessage, responseInputToResponseItem } from '../history/index.js';
import type { ResponseInputItem, ResponseItem, UserInput } from '../protocol/index.js';
import type { ThreadHost } from './thread-host.js';

/** The user-visible input of a user message item (text and images). */
export function userInputsOf(item: ResponseItem): UserInput[] {
  if (item.type !== 'message') return [];
  const out: UserInput[] = [];
  for (const c of item.content) {
    if (c.type === 'input_text') out.push({ type: 'text', text: c.text, text_elements: [] });
    else if (c.type === 'input_image') out.push({ type: 'image', image_url: c.image_url });
  }
  return out;
}

/** Records a user message and announces it with the full item lifecycle. */
export function recordUserMessage(rt: ThreadHost, turnId: string, item: ResponseItem, content: UserInput[], itemId: string): void {
  rt.recordItems([item]);
  rt.emit(turnId, { type: 'raw_response_item', item });
  const turnItem = { type: 'UserMessage' as const, id: itemId, content };
  rt.emit(turnId, { type: 'item_started', thread_id: rt.threadId, turn_id: turnId, item: turnItem });
  rt.emit(turnId, { type: 'item_completed', thread_id: rt.threadId, turn_id: turnId, item: turnItem });
}

/** Records one pending-input item (steered input, injected items, mail) into history. */
export function recordResponseInput(rt: ThreadHost, turnId: string, input: ResponseInputItem): void {
  const item = responseInputToResponseItem(input);
  // Contextual messages (user shell records, notifications) are not announced as user items.
  if (item.type === 'message' && item.role === 'user' && !isContextualUserMessage(item)) {
    recordUserMessage(rt, turnId, item, userInputsOf(item), rt.config.newId());
    return;
  }
  rt.recordItems([item]);
  rt.emit(turnId, { type: 'raw_response_item', item });
}
