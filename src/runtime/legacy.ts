/**
 * Legacy (v1) projections: every v2 item event is followed, with the same event id, by the
 * older event clients built before items existed (`item_completed(AgentMessage)` →
 * `agent_message`, content deltas → `agent_message_delta`, ...).
 */
import type { EventMsg, UserInput } from '../protocol/index.js';

export interface LegacyOptions {
  /** Also project raw reasoning content (`agent_reasoning_raw_content*`). */
  showRawReasoning: boolean;
}

/**
 * The legacy events that follow `msg`, in order (often none).
 * @example
 * legacyProjection({ type: 'agent_message_content_delta', thread_id: 't', turn_id: 'u', item_id: 'i', delta: 'h' }, { showRawReasoning: false });
 * // [{ type: 'agent_message_delta', delta: 'h' }]
 */
export function legacyProjection(msg: EventMsg, opts: LegacyOptions): EventMsg[] {
  switch (msg.type) {
    case 'agent_message_content_delta':
      return [{ type: 'agent_message_delta', delta: msg.delta }];
    case 'reasoning_content_delta':
      return [{ type: 'agent_reasoning_delta', delta: msg.delta }];
    case 'reasoning_raw_content_delta':
      return opts.showRawReasoning ? [{ type: 'agent_reasoning_raw_content_delta', delta: msg.delta }] : [];
    case 'item_started':
      if (msg.item.type === 'WebSearch') return [{ type: 'web_search_begin', call_id: msg.item.id }];
      if (msg.item.type === 'ImageGeneration') return [{ type: 'image_generation_begin', call_id: msg.item.id }];
      return [];
    case 'item_completed':
      return completedProjection(msg.item, opts);
    default:
      return [];
  }
}

function completedProjection(item: Extract<EventMsg, { type: 'item_completed' }>['item'], opts: LegacyOptions): EventMsg[] {
  switch (item.type) {
    case 'UserMessage':
      return [userMessageEvent(item.content)];
    case 'AgentMessage':
      return [
        {
          type: 'agent_message',
          message: item.content.map((c) => c.text).join(''),
          phase: item.phase ?? null,
          ...(item.memory_citation !== undefined ? { memory_citation: item.memory_citation } : {}),
        },
      ];
    case 'Reasoning': {
      const out: EventMsg[] = item.summary_text.map((text) => ({ type: 'agent_reasoning' as const, text }));
      if (opts.showRawReasoning) for (const text of item.raw_content) out.push({ type: 'agent_reasoning_raw_content', text });
      return out;
    }
    case 'ContextCompaction':
      return [{ type: 'context_compacted' }];
    case 'WebSearch':
      return [{ type: 'web_search_end', call_id: item.id, query: item.query }];
    case 'ImageGeneration':
      return [{ type: 'image_generation_end', call_id: item.id }];
    default:
      return [];
  }
}

/**
 * The legacy `user_message` event for some user input.
 * @example
 * userMessageEvent([{ type: 'text', text: 'hi', text_elements: [] }]).message; // 'hi'
 */
export function userMessageEvent(content: UserInput[]): Extract<EventMsg, { type: 'user_message' }> {
  const text: string[] = [];
  const images: string[] = [];
  const localImages: string[] = [];
  const elements: unknown[] = [];
  for (const c of content) {
    if (c.type === 'text') {
      text.push(c.text);
      elements.push(...c.text_elements);
    } else if (c.type === 'image') images.push(c.image_url);
    else if (c.type === 'local_image') localImages.push(c.path);
  }
  return { type: 'user_message', message: text.join('\n'), images, local_images: localImages, text_elements: elements };
}
