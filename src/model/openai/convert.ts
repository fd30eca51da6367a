/**
 * Pure mapping from Responses API stream events (decoded SSE JSON) to turnstate
 * `ResponseEvent`s, and from `response.failed` / `response.incomplete` to `ModelError`.
 * No I/O here: the client feeds events in and forwards what comes out.
 */
import { ResponseItem } from '../../protocol/items.js';
import type { TokenUsage } from '../../protocol/tokens.js';
import { ModelError } from '../types.js';
import type { ResponseEvent } from '../types.js';
import type { SseMessage } from './sse.js';

/**
 * The exact message Codex users see when the account is out of quota.
 * @example
 * if (err.kind === 'quota_exceeded') console.log(err.message === QUOTA_EXCEEDED_MESSAGE); // true
 */
export const QUOTA_EXCEEDED_MESSAGE = 'Quota exceeded. Check your plan and billing details.';

/**
 * A decoded stream event: an object with a string `type`.
 * @example
 * const e: RawStreamEvent = { type: 'response.output_text.delta', delta: 'Hi' };
 */
export type RawStreamEvent = { type: string } & Record<string, unknown>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Decodes one SSE message into a stream event, or `null` when its data is not a JSON object
 * (such lines are skipped, not fatal). An event-only message becomes `{ type: event }`.
 * @example
 * decodeSseMessage({ event: 'response.created', data: '{"type":"response.created","response":{"id":"r1"}}' });
 */
export function decodeSseMessage(message: SseMessage): RawStreamEvent | null {
  if (message.data.trim() === '') return message.event ? { type: message.event } : null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (!isObj(parsed)) return null;
  const type = str(parsed.type) ?? message.event;
  return type === null ? null : { ...parsed, type };
}

/**
 * Maps one Responses stream event to zero or more `ResponseEvent`s. Throws `ModelError` for
 * `response.failed` and `response.incomplete`. Unknown types and malformed events yield `[]`.
 * @example
 * convertResponsesEvent({ type: 'response.output_text.delta', delta: 'Hi' });
 * // [{ type: 'output_text_delta', delta: 'Hi' }]
 */
export function convertResponsesEvent(event: RawStreamEvent): ResponseEvent[] {
  switch (event.type) {
    case 'response.created':
      return isObj(event.response) ? [{ type: 'created' }] : [];
    case 'response.output_item.added':
    case 'response.output_item.done': {
      const parsed = ResponseItem.safeParse(event.item);
      if (!parsed.success) return [];
      const type = event.type === 'response.output_item.added' ? 'output_item_added' : 'output_item_done';
      return [{ type, item: parsed.data }];
    }
    case 'response.output_text.delta': {
      const delta = str(event.delta);
      return delta === null ? [] : [{ type: 'output_text_delta', delta }];
    }
    case 'response.custom_tool_call_input.delta': {
      const delta = str(event.delta);
      const callId = str(event.call_id);
      const itemId = str(event.item_id) ?? callId;
      return delta === null || itemId === null ? [] : [{ type: 'tool_call_input_delta', item_id: itemId, call_id: callId, delta }];
    }
    case 'response.reasoning_summary_text.delta': {
      const delta = str(event.delta);
      const index = int(event.summary_index);
      return delta === null || index === null ? [] : [{ type: 'reasoning_summary_delta', delta, summary_index: index }];
    }
    case 'response.reasoning_text.delta': {
      const delta = str(event.delta);
      const index = int(event.content_index);
      return delta === null || index === null ? [] : [{ type: 'reasoning_content_delta', delta, content_index: index }];
    }
    case 'response.reasoning_summary_part.added': {
      const index = int(event.summary_index);
      return index === null ? [] : [{ type: 'reasoning_summary_part_added', summary_index: index }];
    }
    case 'response.metadata': {
      const metadata = isObj(event.metadata) ? event.metadata : {};
      const verifications = metadata.openai_verification_recommendation;
      return Array.isArray(verifications) && verifications.length > 0 ? [{ type: 'model_verifications', verifications }] : [];
    }
    case 'response.completed': {
      if (!isObj(event.response)) return [];
      const usage = isObj(event.response.usage) ? tokenUsageFromResponses(event.response.usage) : null;
      return [{ type: 'completed', response_id: str(event.response.id) ?? '', token_usage: usage }];
    }
    case 'response.failed':
      throw failedResponseError(isObj(event.response) ? event.response.error : undefined);
    case 'response.incomplete': {
      const response = isObj(event.response) ? event.response : {};
      const details = isObj(response.incomplete_details) ? response.incomplete_details : {};
      const reason = str(details.reason) ?? 'unknown';
      throw new ModelError('stream', `Incomplete response returned, reason: ${reason}`);
    }
    default:
      return [];
  }
}

/**
 * Converts a Responses API `usage` object to `TokenUsage` (missing numbers count as 0).
 * @example
 * tokenUsageFromResponses({ input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 2, total_tokens: 12 });
 * // { input_tokens: 10, cached_input_tokens: 4, output_tokens: 2, reasoning_output_tokens: 0, total_tokens: 12 }
 */
export function tokenUsageFromResponses(usage: Obj): TokenUsage {
  const inputDetails = isObj(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const outputDetails = isObj(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return {
    input_tokens: int(usage.input_tokens) ?? 0,
    cached_input_tokens: int(inputDetails.cached_tokens) ?? 0,
    output_tokens: int(usage.output_tokens) ?? 0,
    reasoning_output_tokens: int(outputDetails.reasoning_tokens) ?? 0,
    total_tokens: int(usage.total_tokens) ?? 0,
  };
}

/**
 * Classifies the `error` object of a failed response (or of an HTTP error body) by its code.
 * @example
 * failedResponseError({ code: 'insufficient_quota', message: '...' }).kind; // 'quota_exceeded'
 */
export function failedResponseError(error: unknown, opts: { httpStatus?: number | null } = {}): ModelError {
  const err = isObj(error) ? error : {};
  const code = str(err.code);
  const message = str(err.message) ?? 'response.failed event received';
  const base = { httpStatus: opts.httpStatus ?? null };
  switch (code) {
    case 'context_length_exceeded':
      return new ModelError('context_window_exceeded', message, base);
    case 'insufficient_quota':
      return new ModelError('quota_exceeded', QUOTA_EXCEEDED_MESSAGE, base);
    case 'usage_not_included':
      return new ModelError('usage_not_included', message, base);
    case 'cyber_policy':
      return new ModelError('cyber_policy', message, base);
    case 'invalid_prompt':
      return new ModelError('invalid_request', message, base);
    case 'server_is_overloaded':
    case 'slow_down':
      return new ModelError('server_overloaded', message, base);
    default: {
      const retryAfterMs = code === 'rate_limit_exceeded' ? parseRetryAfter(message) : null;
      return new ModelError('retryable', message, { ...base, retryAfterMs });
    }
  }
}

/**
 * Reads a server-requested delay from "... Please try again in 1.5s" / "in 28ms", in ms.
 * @example
 * parseRetryAfter('Rate limit reached. Please try again in 1.5s.'); // 1500
 */
export function parseRetryAfter(message: string): number | null {
  const match = /try again in\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?)\b/i.exec(message);
  if (!match?.[1] || !match[2]) return null;
  const value = Number.parseFloat(match[1]);
  return Math.round(match[2].toLowerCase() === 'ms' ? value : value * 1000);
}
