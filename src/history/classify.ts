/**
 * Read-only questions about single history items: is it sent to the model, is it a user
 * turn boundary, is it context the harness injected, did the model produce it.
 * Every function here is total over `ResponseItem` and never mutates its argument.
 */
import { RESPONSE_ITEM_TYPES, type ContentItem, type MessageItem, type ResponseItem } from '../protocol/items.js';

/** Item types that belong in model-visible history (ghost snapshots ride along but are dropped from prompts). */
const API_ITEM_TYPES: ReadonlySet<string> = new Set([...RESPONSE_ITEM_TYPES].filter((type) => type !== 'other'));

/**
 * Openings of user-role text that the harness injects as context rather than the user typing it.
 * @example
 * CONTEXTUAL_USER_PREFIXES.includes('<environment_context>'); // true
 */
export const CONTEXTUAL_USER_PREFIXES: readonly string[] = [
  '# AGENTS.md instructions for',
  '<environment_context>',
  '<skill>',
  '<user_shell_command>',
  '<turn_aborted>',
  '<subagent_notification>',
  '<hook_prompt>',
];

/**
 * Openings of developer-role text that describe the turn's settings.
 * @example
 * CONTEXTUAL_DEVELOPER_PREFIXES.includes('<model_switch>'); // true
 */
export const CONTEXTUAL_DEVELOPER_PREFIXES: readonly string[] = [
  '<permissions instructions>',
  '<model_switch>',
  '<collaboration_mode>',
  '<realtime_conversation>',
  '<personality_spec>',
];

/**
 * Whether an item is kept by `recordItems`: API items (messages other than `system`, calls,
 * outputs, reasoning, web search, image generation, compaction) and ghost snapshots.
 * @example
 * isApiItem({ type: 'message', role: 'system', content: [] }); // false
 */
export function isApiItem(item: ResponseItem): boolean {
  if (item.type === 'message') return item.role !== 'system';
  return API_ITEM_TYPES.has(item.type);
}

/**
 * Narrows to a message, optionally of one role.
 * @example
 * isMessage(item, 'user');
 */
export function isMessage(item: ResponseItem, role?: string): item is MessageItem {
  return item.type === 'message' && (role === undefined || item.role === role);
}

/**
 * The text parts of a content list (input and output text), in order.
 * @example
 * contentTexts([{ type: 'input_text', text: 'a' }]); // ['a']
 */
export function contentTexts(content: readonly ContentItem[]): string[] {
  const texts: string[] = [];
  for (const part of content) if (part.type !== 'input_image') texts.push(part.text);
  return texts;
}

function startsWithAny(text: string, prefixes: readonly string[]): boolean {
  const head = text.trimStart().toLowerCase();
  return prefixes.some((prefix) => head.startsWith(prefix.toLowerCase()));
}

/**
 * Whether one piece of user-role text is a harness-injected context fragment.
 * @example
 * isContextualUserText('<environment_context>\n</environment_context>'); // true
 */
export function isContextualUserText(text: string): boolean {
  return startsWithAny(text, CONTEXTUAL_USER_PREFIXES);
}

/**
 * Whether one piece of developer-role text is a settings fragment (permissions, model switch, …).
 * @example
 * isContextualDeveloperText('<permissions instructions>…'); // true
 */
export function isContextualDeveloperText(text: string): boolean {
  return startsWithAny(text, CONTEXTUAL_DEVELOPER_PREFIXES);
}

/**
 * A `user` message made only of context fragments: it has text, and every text part is
 * contextual (images do not change the answer).
 * @example
 * isContextualUserMessage({ type: 'message', role: 'user', content: [{ type: 'input_text', text: '<turn_aborted>x</turn_aborted>' }] }); // true
 */
export function isContextualUserMessage(item: ResponseItem): boolean {
  if (!isMessage(item, 'user')) return false;
  const texts = contentTexts(item.content);
  return texts.length > 0 && texts.every(isContextualUserText);
}

/**
 * A `developer` message with at least one settings fragment. Such a message may also carry
 * ordinary developer instructions; see `hasNonContextualDeveloperText`.
 * @example
 * isContextualDeveloperMessage({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<model_switch>…' }] }); // true
 */
export function isContextualDeveloperMessage(item: ResponseItem): boolean {
  return isMessage(item, 'developer') && contentTexts(item.content).some(isContextualDeveloperText);
}

/**
 * Whether a developer message carries text that is not a settings fragment.
 * @example
 * hasNonContextualDeveloperText(devMessage); // true when it also holds developer instructions
 */
export function hasNonContextualDeveloperText(item: ResponseItem): boolean {
  return isMessage(item, 'developer') && contentTexts(item.content).some((t) => !isContextualDeveloperText(t));
}

/**
 * An assistant message whose single `output_text` is an inter-agent communication JSON
 * (`{ author, recipient, content, … }`).
 * @example
 * isInterAgentMessage(interAgentMessage({ author: 'a', recipient: 'b', other_recipients: [], content: 'hi', trigger_turn: false })); // true
 */
export function isInterAgentMessage(item: ResponseItem): boolean {
  if (!isMessage(item, 'assistant') || item.content.length !== 1) return false;
  const [part] = item.content;
  if (part?.type !== 'output_text') return false;
  // Only text opening with `{` can parse to an object; plain replies skip a throwing JSON.parse.
  if (!/^\s*\{/.test(part.text)) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(part.text);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const record = parsed as Record<string, unknown>;
  return typeof record.author === 'string' && typeof record.recipient === 'string' && typeof record.content === 'string';
}

/**
 * Whether an item starts a user turn: a `user` message that is not purely contextual, or an
 * inter-agent assistant message.
 * @example
 * isUserTurnBoundary({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix it' }] }); // true
 */
export function isUserTurnBoundary(item: ResponseItem): boolean {
  if (isMessage(item, 'user')) return !isContextualUserMessage(item);
  return isInterAgentMessage(item);
}

/**
 * Whether the model emitted this item in a response (so the API's last usage report covers it).
 * Inter-agent assistant messages are injected locally and do not count.
 * @example
 * isModelGeneratedItem({ type: 'function_call', name: 'shell', arguments: '{}', call_id: 'c1' }); // true
 */
export function isModelGeneratedItem(item: ResponseItem): boolean {
  switch (item.type) {
    case 'message':
      return item.role === 'assistant' && !isInterAgentMessage(item);
    case 'reasoning':
    case 'function_call':
    case 'custom_tool_call':
    case 'local_shell_call':
    case 'tool_search_call':
    case 'web_search_call':
    case 'image_generation_call':
    case 'compaction':
      return true;
    default:
      return false;
  }
}
