/**
 * The history a `fork_context` child starts from (SPEC §11.2 fork mode): the parent's
 * conversation without its tool traffic — user messages, and assistant messages that are not
 * commentary — then the parent's `spawn_agent` call answered by a note that tells the child
 * what the copied history is. Context the harness injected (instructions, environment) is
 * left out: the child records its own at its first turn.
 */
import { CONTEXTUAL_USER_PREFIXES } from '../history/classify.js';
import type { ResponseItem } from '../protocol/index.js';

/**
 * The output the child sees for the parent's spawn call (own wording; Codex's
 * `FORKED_SPAWN_AGENT_OUTPUT_MESSAGE` says the same).
 * @example
 * FORKED_SPAWN_OUTPUT.startsWith('You were spawned'); // true
 */
export const FORKED_SPAWN_OUTPUT =
  'You were spawned as a new agent. The conversation above was copied from the agent that spawned you and is background only: the next user message is your task.';

const textOf = (item: Extract<ResponseItem, { type: 'message' }>): string =>
  item.content.map((part) => ('text' in part ? part.text : '')).join('');

const isContextual = (item: Extract<ResponseItem, { type: 'message' }>): boolean =>
  CONTEXTUAL_USER_PREFIXES.some((prefix) => textOf(item).trimStart().startsWith(prefix));

/**
 * Picks the forked child's starting items from the parent's history.
 * @example
 * forkedHistory(parentHistory, 'call_spawn').at(-1); // { type: 'function_call_output', call_id: 'call_spawn', output: FORKED_SPAWN_OUTPUT }
 */
export function forkedHistory(history: readonly ResponseItem[], spawnCallId: string): ResponseItem[] {
  const out: ResponseItem[] = [];
  let spawnCall: ResponseItem | null = null;
  for (const item of history) {
    if (item.type === 'function_call' && item.call_id === spawnCallId) spawnCall = item;
    if (item.type !== 'message') continue;
    if (item.role === 'user' && !isContextual(item)) out.push(item);
    if (item.role === 'assistant' && item.phase !== 'commentary') out.push(item);
  }
  if (spawnCall) out.push(spawnCall, { type: 'function_call_output', call_id: spawnCallId, output: FORKED_SPAWN_OUTPUT });
  return out;
}
