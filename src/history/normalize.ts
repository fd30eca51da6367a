/**
 * Turns recorded history into a valid prompt.
 * Invariant of the result: every call with a `call_id` is answered by exactly one output of
 * the matching kind, no output lacks its call, and no ghost snapshot or `other` item remains.
 */
import { produce } from './immer.js';
import type { ContentItem, FunctionCallOutputBody, ResponseItem } from '../protocol/items.js';
import { abortedOutputFor, callKey, outputKey, type PairKey } from './pairs.js';
import { pairedForPrompt } from './pair-index.js';
import { historyPrefix, type HistoryState } from './state.js';

/**
 * Text that replaces an image for a model without image input.
 * @example
 * forPrompt(items, { imageInput: false }); // image parts become { type: 'input_text', text: IMAGE_OMITTED_TEXT }
 */
export const IMAGE_OMITTED_TEXT = 'image content omitted because you do not support image input';

/**
 * Options of `forPrompt`.
 * @example
 * const opts: PromptOptions = { imageInput: false };
 */
export interface PromptOptions {
  /** Whether the model accepts image input (default true). */
  imageInput?: boolean;
}

/**
 * The full-walk pairing (the reference `forPrompt`'s incremental pairing must agree with).
 * Answers every unanswered call with a synthetic `"aborted"` output placed right after the
 * call, and drops outputs whose call is missing and repeated outputs for one call.
 * @example
 * pairCallsAndOutputs([{ type: 'function_call', name: 'shell', arguments: '{}', call_id: 'c1' }]);
 * // [call, { type: 'function_call_output', call_id: 'c1', output: 'aborted' }]
 */
export function pairCallsAndOutputs(items: readonly ResponseItem[]): ResponseItem[] {
  const calls = new Set<PairKey>();
  for (const item of items) {
    const key = callKey(item);
    if (key !== null) calls.add(key);
  }
  const answered = new Set<PairKey>();
  const kept: ResponseItem[] = [];
  for (const item of items) {
    const key = outputKey(item);
    if (key !== null) {
      if (!calls.has(key) || answered.has(key)) continue;
      answered.add(key);
    }
    kept.push(item);
  }
  const result: ResponseItem[] = [];
  for (const item of kept) {
    result.push(item);
    const key = callKey(item);
    if (key === null || answered.has(key)) continue;
    const aborted = abortedOutputFor(item);
    if (aborted !== null) result.push(aborted);
    answered.add(key);
  }
  return result;
}

const omittedImage = (): ContentItem => ({ type: 'input_text', text: IMAGE_OMITTED_TEXT });

function stripContent(content: readonly ContentItem[]): ContentItem[] | null {
  if (!content.some((part) => part.type === 'input_image')) return null;
  return content.map((part) => (part.type === 'input_image' ? omittedImage() : part));
}

function stripBody(body: FunctionCallOutputBody): FunctionCallOutputBody | null {
  if (typeof body === 'string' || !body.some((part) => part.type === 'input_image')) return null;
  return body.map((part) => (part.type === 'input_image' ? { type: 'input_text' as const, text: IMAGE_OMITTED_TEXT } : part));
}

/**
 * Replaces image parts of messages and tool outputs with a short text saying they were omitted.
 * @example
 * stripImages(userMessageWithImage).content[0]; // { type: 'input_text', text: IMAGE_OMITTED_TEXT }
 */
export function stripImages(item: ResponseItem): ResponseItem {
  if (item.type === 'message') {
    const content = stripContent(item.content);
    return content === null ? item : produce(item, (draft) => void (draft.content = content));
  }
  if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
    const output = stripBody(item.output);
    return output === null ? item : produce(item, (draft) => void (draft.output = output));
  }
  return item;
}

/**
 * The items to send to the model (a new array): calls and outputs paired, orphans removed,
 * images replaced when the model has no image input, ghost snapshots and `other` items
 * dropped. Takes the items, or a history state (then its items array is never built: one
 * pass over history makes the prompt). The pairing work is incremental over histories built
 * with `recordItems` (see `./pair-index.ts`).
 * @example
 * forPrompt(state, { imageInput: false });
 * forPrompt([...state.items, prompt]);
 */
export function forPrompt(items: readonly ResponseItem[] | HistoryState, opts: PromptOptions = {}): ResponseItem[] {
  const paired = pairedForPrompt(Array.isArray(items) ? (items as readonly ResponseItem[]) : historyPrefix(items as HistoryState));
  return opts.imageInput === false ? paired.map(stripImages) : paired;
}
