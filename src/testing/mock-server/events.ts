/**
 * Builders for Responses stream events, in the shapes the Codex test-suite mocks serve
 * (SPEC §10.1 "Mock server shapes"). Pass them to a scripted response's `events`.
 */
import type { MockEvent } from './types.js';

/**
 * Usage numbers for {@link ev.completed}; unspecified counts are 0, unspecified details null.
 * @example
 * ev.completed('r1', { input_tokens: 100, cached_tokens: 40, output_tokens: 10, total_tokens: 110 });
 */
export interface MockUsage {
  input_tokens?: number;
  cached_tokens?: number;
  output_tokens?: number;
  reasoning_tokens?: number;
  total_tokens?: number;
}

const itemDone = (item: Record<string, unknown>): MockEvent => ({ type: 'response.output_item.done', item });
const itemAdded = (item: Record<string, unknown>): MockEvent => ({ type: 'response.output_item.added', item });
const fakeEncrypted = (id: string): string => Buffer.from(`encrypted-reasoning:${id}`).toString('base64');

function usageObject(usage: MockUsage): Record<string, unknown> {
  return {
    input_tokens: usage.input_tokens ?? 0,
    input_tokens_details: usage.cached_tokens === undefined ? null : { cached_tokens: usage.cached_tokens },
    output_tokens: usage.output_tokens ?? 0,
    output_tokens_details: usage.reasoning_tokens === undefined ? null : { reasoning_tokens: usage.reasoning_tokens },
    total_tokens: usage.total_tokens ?? 0,
  };
}

/**
 * Event builders for mock Responses streams.
 * @example
 * const events = [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('Hel'), ev.textDelta('lo'),
 *   ev.assistantMessage('m1', 'Hello'), ev.completedWithTokens('r1', 42)];
 */
export const ev = {
  /** `response.created`. */
  created: (id: string): MockEvent => ({ type: 'response.created', response: { id } }),
  /** `response.completed` with zero usage by default; `null` leaves `usage` out entirely. */
  completed: (id: string, usage: MockUsage | null = {}): MockEvent => ({
    type: 'response.completed',
    response: usage === null ? { id } : { id, usage: usageObject(usage) },
  }),
  /** `response.completed` with `input_tokens = total_tokens = n`. */
  completedWithTokens: (id: string, n: number): MockEvent => ev.completed(id, { input_tokens: n, total_tokens: n }),
  /** A finished assistant message (`output_item.done`). */
  assistantMessage: (id: string, text: string, phase?: 'commentary' | 'final_answer'): MockEvent =>
    itemDone({ type: 'message', role: 'assistant', id, content: [{ type: 'output_text', text }], ...(phase ? { phase } : {}) }),
  /** An assistant message starting (`output_item.added`). */
  messageAdded: (id: string, text = ''): MockEvent =>
    itemAdded({ type: 'message', role: 'assistant', id, content: [{ type: 'output_text', text }] }),
  /** `response.output_text.delta`. */
  textDelta: (delta: string): MockEvent => ({ type: 'response.output_text.delta', delta }),
  /** A finished reasoning item with summary parts, fake encrypted content and optional raw text. */
  reasoning: (id: string, summary: string[], raw?: string[]): MockEvent =>
    itemDone({
      type: 'reasoning',
      id,
      summary: summary.map((text) => ({ type: 'summary_text', text })),
      encrypted_content: fakeEncrypted(id),
      ...(raw ? { content: raw.map((text) => ({ type: 'reasoning_text', text })) } : {}),
    }),
  /** A reasoning item starting. */
  reasoningAdded: (id: string): MockEvent => itemAdded({ type: 'reasoning', id, summary: [] }),
  /** `response.reasoning_summary_text.delta`. */
  reasoningSummaryDelta: (delta: string, summaryIndex = 0): MockEvent => ({
    type: 'response.reasoning_summary_text.delta',
    delta,
    summary_index: summaryIndex,
  }),
  /** `response.reasoning_text.delta` (raw reasoning). */
  reasoningTextDelta: (delta: string, contentIndex = 0): MockEvent => ({
    type: 'response.reasoning_text.delta',
    delta,
    content_index: contentIndex,
  }),
  /** `response.reasoning_summary_part.added`. */
  reasoningSummaryPartAdded: (summaryIndex: number): MockEvent => ({
    type: 'response.reasoning_summary_part.added',
    summary_index: summaryIndex,
  }),
  /** A finished function call; `args` is the JSON arguments string. */
  functionCall: (callId: string, name: string, args: string, namespace?: string): MockEvent =>
    itemDone({ type: 'function_call', call_id: callId, name, arguments: args, ...(namespace ? { namespace } : {}) }),
  /** A finished custom (freeform) tool call. */
  customToolCall: (callId: string, name: string, input: string): MockEvent =>
    itemDone({ type: 'custom_tool_call', call_id: callId, name, input }),
  /** A custom tool call starting. */
  customToolCallAdded: (callId: string, name: string): MockEvent =>
    itemAdded({ type: 'custom_tool_call', call_id: callId, name, input: '' }),
  /** `response.custom_tool_call_input.delta`. */
  customToolInputDelta: (itemId: string, callId: string | null, delta: string): MockEvent => ({
    type: 'response.custom_tool_call_input.delta',
    item_id: itemId,
    ...(callId === null ? {} : { call_id: callId }),
    delta,
  }),
  /** A finished local shell call. */
  localShellCall: (callId: string, status: 'completed' | 'in_progress' | 'incomplete', command: string[]): MockEvent =>
    itemDone({ type: 'local_shell_call', call_id: callId, status, action: { type: 'exec', command } }),
  /** A finished web search call. */
  webSearchCall: (id: string, status: string, query: string): MockEvent =>
    itemDone({ type: 'web_search_call', id, status, action: { type: 'search', query } }),
  /** `response.failed` with `error { code, message }`. */
  failed: (id: string, code: string, message: string): MockEvent => ({
    type: 'response.failed',
    response: { id, error: { code, message } },
  }),
  /** `response.incomplete` with `incomplete_details.reason`. */
  incomplete: (id: string, reason: string): MockEvent => ({
    type: 'response.incomplete',
    response: { id, incomplete_details: { reason } },
  }),
  /** `response.metadata` carrying model verification recommendations. */
  metadata: (responseId: string, recommendations: unknown[] = ['trusted_access_for_cyber']): MockEvent => ({
    type: 'response.metadata',
    sequence_number: 1,
    response_id: responseId,
    metadata: { openai_verification_recommendation: recommendations },
  }),
  /** Any finished item. */
  itemDone,
  /** Any starting item. */
  itemAdded,
};

/**
 * A minimal Chat Completions chunk (for `{ chat: [...] }` scripted responses).
 * @example
 * chatChunk('c1', { content: 'Hi' }); // { id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] }
 */
export function chatChunk(id: string, delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
  return { id, object: 'chat.completion.chunk', created: 0, model: 'mock', choices: [{ index: 0, delta, finish_reason: finishReason }] };
}
