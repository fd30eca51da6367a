/**
 * Item events: the v2 item lifecycle (`item_started` / `item_completed`, content deltas) and
 * the legacy v1 projections clients still read (`user_message`, `agent_message`, reasoning,
 * web search, image generation).
 */
import { z } from 'zod';
import { ResponseItem, TurnItem } from './items.js';
import { ev, optStr, str } from './event-fields.js';

const itemMeta = { thread_id: str, turn_id: str };

/** The item variants of `EventMsg` (v2, then the legacy projections), in wire order. */
export const itemEvents = [
  // Items (v2)
  ev('item_started', { ...itemMeta, item: TurnItem }),
  ev('item_completed', { ...itemMeta, item: TurnItem }),
  ev('raw_response_item', { item: ResponseItem }),
  ev('agent_message_content_delta', { ...itemMeta, item_id: str, delta: str }),
  ev('plan_delta', { ...itemMeta, item_id: str, delta: str }),
  ev('reasoning_content_delta', { ...itemMeta, item_id: str, delta: str, summary_index: z.number().default(0) }),
  ev('reasoning_raw_content_delta', { ...itemMeta, item_id: str, delta: str, content_index: z.number().default(0) }),
  // Legacy (v1) projections
  ev('user_message', {
    message: str,
    images: z.array(str).nullish(),
    local_images: z.array(str).default([]),
    text_elements: z.array(z.unknown()).default([]),
  }),
  ev('agent_message', { message: str, phase: optStr, memory_citation: z.unknown().optional() }),
  ev('agent_message_delta', { delta: str }),
  ev('agent_reasoning', { text: str }),
  ev('agent_reasoning_delta', { delta: str }),
  ev('agent_reasoning_raw_content', { text: str }),
  ev('agent_reasoning_raw_content_delta', { delta: str }),
  ev('agent_reasoning_section_break', { item_id: z.string().default(''), summary_index: z.number().default(0) }),
  ev('web_search_begin', { call_id: str }),
  ev('web_search_end', { call_id: str, query: z.string().default('') }),
  ev('image_generation_begin', { call_id: str }),
  ev('image_generation_end', { call_id: str }),
] as const;
