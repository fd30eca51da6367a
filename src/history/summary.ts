/**
 * The wording of local compaction: the request for a handoff summary, and the line that
 * introduces the summary in the rebuilt history.
 */
import type { ResponseItem } from '../protocol/items.js';
import { contentTexts, isMessage } from './classify.js';

/**
 * The instruction sent, as a final user message, when asking the model to summarise a thread
 * before its history is replaced.
 * @example
 * recordItems(state, [userInputToMessage([{ type: 'text', text: SUMMARIZATION_PROMPT, text_elements: [] }])]);
 */
export const SUMMARIZATION_PROMPT = `You are about to run out of context space. Stop working on the task and write a handoff note instead: the conversation so far will be replaced by this note, and another agent (or you, with a fresh context) will continue from it.

Write the note for a capable engineer who has not seen this conversation. Include:
- the goal the user asked for, with any constraints or preferences they stated;
- what has been done so far, naming the files, commands and decisions involved;
- the current state: what works, what is broken, what was being attempted when you stopped;
- open questions and anything you learned that would be costly to rediscover;
- the concrete next steps, in order.

Be specific and brief. Quote exact identifiers, paths and error messages where they matter. Do not call any tools; reply with the note only.`;

/**
 * The line that opens a compaction summary in history, telling the model what follows.
 * @example
 * `${SUMMARY_PREFIX}\nThe user wants …`;
 */
export const SUMMARY_PREFIX =
  'Context handoff: the text below was written by an earlier context window of this same conversation to summarise the work so far. Treat it as your own notes and continue from it.';

/**
 * Whether a text, or a `user` message's first text part, is a compaction summary.
 * @example
 * isSummaryMessage(`${SUMMARY_PREFIX}\nnotes`); // true
 */
export function isSummaryMessage(itemOrText: ResponseItem | string): boolean {
  if (typeof itemOrText === 'string') return itemOrText.startsWith(`${SUMMARY_PREFIX}\n`) || itemOrText === SUMMARY_PREFIX;
  if (!isMessage(itemOrText, 'user')) return false;
  const first = contentTexts(itemOrText.content)[0];
  return first !== undefined && isSummaryMessage(first);
}
