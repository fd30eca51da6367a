/**
 * Call ↔ output pairing. A call and an output pair when they share a `call_id` and a kind:
 * function and local-shell calls answer with `function_call_output`, custom tool calls with
 * `custom_tool_call_output`, tool searches with `tool_search_output`. Items without a
 * `call_id` (server-side tool searches, id-less local shell calls) never need a partner.
 */
import type { ResponseItem } from '../protocol/items.js';

/**
 * Which output type answers a call.
 * @example
 * const kind: PairKind = 'custom'; // answered by custom_tool_call_output
 */
export type PairKind = 'function' | 'custom' | 'tool_search';

/**
 * `kind:call_id`, the identity shared by a call and its output.
 * @example
 * const key: PairKey = 'function:call_1';
 */
export type PairKey = `${PairKind}:${string}`;

function key(kind: PairKind, callId: unknown): PairKey | null {
  return typeof callId === 'string' && callId !== '' ? `${kind}:${callId}` : null;
}

/**
 * The pairing key of a call item, or `null` for anything that is not a call with a `call_id`.
 * @example
 * callKey({ type: 'custom_tool_call', call_id: 'c1', name: 'apply_patch', input: '' }); // 'custom:c1'
 */
export function callKey(item: ResponseItem): PairKey | null {
  switch (item.type) {
    case 'function_call':
    case 'local_shell_call':
      return key('function', item.call_id);
    case 'custom_tool_call':
      return key('custom', item.call_id);
    case 'tool_search_call':
      return key('tool_search', item.call_id);
    default:
      return null;
  }
}

/**
 * The pairing key of an output item, or `null` for anything that is not an output with a `call_id`.
 * @example
 * outputKey({ type: 'function_call_output', call_id: 'c1', output: 'ok' }); // 'function:c1'
 */
export function outputKey(item: ResponseItem): PairKey | null {
  switch (item.type) {
    case 'function_call_output':
      return key('function', item.call_id);
    case 'custom_tool_call_output':
      return key('custom', item.call_id);
    case 'tool_search_output':
      return key('tool_search', item.call_id);
    default:
      return null;
  }
}

/**
 * The output that stands in for a call whose result never arrived (`"aborted"`).
 * @example
 * abortedOutputFor({ type: 'function_call', name: 'shell', arguments: '{}', call_id: 'c1' });
 * // { type: 'function_call_output', call_id: 'c1', output: 'aborted' }
 */
export function abortedOutputFor(call: ResponseItem): ResponseItem | null {
  const pair = callKey(call);
  if (pair === null) return null;
  const callId = pair.slice(pair.indexOf(':') + 1);
  switch (call.type) {
    case 'custom_tool_call':
      return { type: 'custom_tool_call_output', call_id: callId, name: call.name, output: 'aborted' };
    case 'tool_search_call':
      // A tool search answers with a tool list, not text: an empty list says nothing was found.
      return { type: 'tool_search_output', call_id: callId, status: 'completed', execution: 'client', tools: [] };
    default:
      return { type: 'function_call_output', call_id: callId, output: 'aborted' };
  }
}

/**
 * Removes the items at `indices` together with every partner of a removed call or output.
 * @example
 * removeWithPartners(items, [0]); // drops items[0] and, if it was a call, its output
 */
export function removeWithPartners(items: readonly ResponseItem[], indices: readonly number[]): ResponseItem[] {
  const drop = new Set(indices);
  const callKeys = new Set<PairKey>();
  const outputKeys = new Set<PairKey>();
  for (const index of indices) {
    const item = items[index];
    if (item === undefined) continue;
    const asCall = callKey(item);
    const asOutput = outputKey(item);
    if (asCall !== null) outputKeys.add(asCall);
    if (asOutput !== null) callKeys.add(asOutput);
  }
  return items.filter((item, index) => {
    if (drop.has(index)) return false;
    const asCall = callKey(item);
    const asOutput = outputKey(item);
    return !(asCall !== null && callKeys.has(asCall)) && !(asOutput !== null && outputKeys.has(asOutput));
  });
}
