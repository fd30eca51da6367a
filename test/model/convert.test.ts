import { describe, expect, it } from 'vitest';
import {
  convertResponsesEvent,
  decodeSseMessage,
  failedResponseError,
  parseRetryAfter,
  QUOTA_EXCEEDED_MESSAGE,
} from '../../src/model/openai/convert.js';
import { parseRateLimits, streamOpenEvents } from '../../src/model/openai/headers.js';
import { responsesRequestBody, turnHeaders } from '../../src/model/openai/request.js';
import { ModelError } from '../../src/model/types.js';
import { ev } from '../../src/testing/mock-server/index.js';
import { request } from './helpers.js';

const convert = (e: { type: string } & Record<string, unknown>) => convertResponsesEvent(e);
const thrown = (f: () => unknown): ModelError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error('expected a ModelError');
};

describe('decodeSseMessage', () => {
  it('parses JSON data and falls back to the event name for the type', () => {
    expect(decodeSseMessage({ event: 'x.y', data: '{"a":1}' })).toEqual({ type: 'x.y', a: 1 });
    expect(decodeSseMessage({ event: 'x', data: '{"type":"response.created"}' })).toEqual({ type: 'response.created' });
  });
  it('skips unparsable or non-object data', () => {
    expect(decodeSseMessage({ event: 'x', data: '{not json' })).toBeNull();
    expect(decodeSseMessage({ event: null, data: '[1,2]' })).toBeNull();
    expect(decodeSseMessage({ event: null, data: '{}' })).toBeNull();
  });
  it('turns an event-only message into { type }', () => {
    expect(decodeSseMessage({ event: 'response.in_progress', data: '' })).toEqual({ type: 'response.in_progress' });
  });
});

describe('convertResponsesEvent', () => {
  it('maps response.created only when it carries a response', () => {
    expect(convert(ev.created('r1'))).toEqual([{ type: 'created' }]);
    expect(convert({ type: 'response.created' })).toEqual([]);
  });

  it('maps output items through the ResponseItem schema and ignores unparsable items', () => {
    expect(convert(ev.assistantMessage('m1', 'hello', 'final_answer'))).toEqual([
      {
        type: 'output_item_done',
        item: { type: 'message', role: 'assistant', id: 'm1', content: [{ type: 'output_text', text: 'hello' }], phase: 'final_answer' },
      },
    ]);
    expect(convert(ev.messageAdded('m1'))).toEqual([
      { type: 'output_item_added', item: { type: 'message', role: 'assistant', id: 'm1', content: [{ type: 'output_text', text: '' }] } },
    ]);
    expect(convert(ev.functionCall('c1', 'shell', '{"command":["ls"]}'))).toEqual([
      { type: 'output_item_done', item: { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"command":["ls"]}' } },
    ]);
    expect(convert({ type: 'response.output_item.done', item: { type: 'function_call', name: 'x' } })).toEqual([]);
    expect(convert({ type: 'response.output_item.done' })).toEqual([]);
  });

  it('maps unknown item types to "other" items', () => {
    const [out] = convert({ type: 'response.output_item.done', item: { type: 'mcp_call', id: 'x' } });
    expect(out).toMatchObject({ type: 'output_item_done', item: { type: 'other', original_type: 'mcp_call' } });
  });

  it('maps deltas', () => {
    expect(convert(ev.textDelta('He'))).toEqual([{ type: 'output_text_delta', delta: 'He' }]);
    expect(convert(ev.customToolInputDelta('i1', 'c1', '*** Begin'))).toEqual([
      { type: 'tool_call_input_delta', item_id: 'i1', call_id: 'c1', delta: '*** Begin' },
    ]);
    expect(convert(ev.customToolInputDelta('i1', null, 'x'))).toEqual([{ type: 'tool_call_input_delta', item_id: 'i1', call_id: null, delta: 'x' }]);
    expect(convert(ev.reasoningSummaryDelta('think', 2))).toEqual([{ type: 'reasoning_summary_delta', delta: 'think', summary_index: 2 }]);
    expect(convert(ev.reasoningTextDelta('raw', 1))).toEqual([{ type: 'reasoning_content_delta', delta: 'raw', content_index: 1 }]);
    expect(convert(ev.reasoningSummaryPartAdded(1))).toEqual([{ type: 'reasoning_summary_part_added', summary_index: 1 }]);
  });

  it('skips deltas missing required fields', () => {
    expect(convert({ type: 'response.output_text.delta' })).toEqual([]);
    expect(convert({ type: 'response.reasoning_summary_text.delta', delta: 'x' })).toEqual([]);
    expect(convert({ type: 'response.reasoning_text.delta', delta: 'x' })).toEqual([]);
    expect(convert({ type: 'response.reasoning_summary_part.added' })).toEqual([]);
  });

  it('maps response.metadata to model verifications', () => {
    expect(convert(ev.metadata('r1', ['trusted_access_for_cyber']))).toEqual([
      { type: 'model_verifications', verifications: ['trusted_access_for_cyber'] },
    ]);
    expect(convert(ev.metadata('r1', []))).toEqual([]);
  });

  it('maps response.completed with and without usage', () => {
    expect(convert(ev.completed('r1', { input_tokens: 10, cached_tokens: 4, output_tokens: 3, reasoning_tokens: 2, total_tokens: 13 }))).toEqual([
      {
        type: 'completed',
        response_id: 'r1',
        token_usage: { input_tokens: 10, cached_input_tokens: 4, output_tokens: 3, reasoning_output_tokens: 2, total_tokens: 13 },
      },
    ]);
    expect(convert(ev.completedWithTokens('r2', 7))).toEqual([
      {
        type: 'completed',
        response_id: 'r2',
        token_usage: { input_tokens: 7, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 7 },
      },
    ]);
    expect(convert(ev.completed('r3', null))).toEqual([{ type: 'completed', response_id: 'r3', token_usage: null }]);
  });

  it('ignores other event types', () => {
    expect(convert({ type: 'response.in_progress', response: {} })).toEqual([]);
    expect(convert({ type: 'response.content_part.added' })).toEqual([]);
  });

  it.each([
    ['context_length_exceeded', 'context_window_exceeded'],
    ['insufficient_quota', 'quota_exceeded'],
    ['usage_not_included', 'usage_not_included'],
    ['cyber_policy', 'cyber_policy'],
    ['invalid_prompt', 'invalid_request'],
    ['server_is_overloaded', 'server_overloaded'],
    ['slow_down', 'server_overloaded'],
    ['rate_limit_exceeded', 'retryable'],
    ['something_else', 'retryable'],
  ] as const)('maps response.failed code %s to %s', (code, kind) => {
    const err = thrown(() => convert(ev.failed('r1', code, 'boom')));
    expect(err.kind).toBe(kind);
  });

  it('uses the exact quota message and keeps the server message otherwise', () => {
    expect(thrown(() => convert(ev.failed('r', 'insufficient_quota', 'You exceeded your quota'))).message).toBe(
      'Quota exceeded. Check your plan and billing details.',
    );
    expect(QUOTA_EXCEEDED_MESSAGE).toBe('Quota exceeded. Check your plan and billing details.');
    expect(thrown(() => convert(ev.failed('r', 'invalid_prompt', 'flagged'))).message).toBe('flagged');
  });

  it('parses the server-requested delay for rate_limit_exceeded only', () => {
    const limited = thrown(() => convert(ev.failed('r', 'rate_limit_exceeded', 'Rate limit reached. Please try again in 1.5s. Visit ...')));
    expect(limited.retryAfterMs).toBe(1500);
    expect(limited.retryable).toBe(true);
    expect(thrown(() => convert(ev.failed('r', 'rate_limit_exceeded', 'Please try again in 28ms.'))).retryAfterMs).toBe(28);
    expect(thrown(() => convert(ev.failed('r', 'other', 'Please try again in 2s'))).retryAfterMs).toBeNull();
  });

  it('maps a response.failed without an error object to a retryable error', () => {
    const err = thrown(() => convert({ type: 'response.failed', response: { id: 'r' } }));
    expect(err.kind).toBe('retryable');
    expect(err.retryAfterMs).toBeNull();
  });

  it('maps response.incomplete to a stream error naming the reason', () => {
    const err = thrown(() => convert(ev.incomplete('r1', 'max_output_tokens')));
    expect(err.kind).toBe('stream');
    expect(err.message).toBe('Incomplete response returned, reason: max_output_tokens');
    expect(thrown(() => convert({ type: 'response.incomplete', response: {} })).message).toBe('Incomplete response returned, reason: unknown');
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['Please try again in 1.5s.', 1500],
    ['please try again in 28ms', 28],
    ['Please try again in 2 seconds', 2000],
    ['Please try again in 3sec', 3000],
    ['try later', null],
  ] as const)('%s → %s', (message, ms) => {
    expect(parseRetryAfter(message)).toBe(ms);
  });
});

describe('failedResponseError', () => {
  it('carries the HTTP status when given', () => {
    expect(failedResponseError({ code: 'slow_down', message: 'x' }, { httpStatus: 503 }).httpStatus).toBe(503);
  });
});

describe('streamOpenEvents', () => {
  it('emits header events in Codex order', () => {
    const headers = new Headers({
      'x-codex-turn-state': 'ts-9',
      'x-reasoning-included': 'true',
      'x-models-etag': 'etag-1',
      'x-codex-primary-used-percent': '42.5',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-at': '1700000000',
      'x-codex-secondary-used-percent': '10',
      'x-codex-secondary-window-minutes': '10080',
      'openai-model': 'gpt-5-served',
    });
    expect(streamOpenEvents(headers)).toEqual([
      { type: 'server_model', model: 'gpt-5-served' },
      {
        type: 'rate_limits',
        snapshot: {
          limit_id: 'codex',
          primary: { used_percent: 42.5, window_minutes: 300, resets_at: 1700000000 },
          secondary: { used_percent: 10, window_minutes: 10080, resets_at: null },
        },
      },
      { type: 'models_etag', etag: 'etag-1' },
      { type: 'server_reasoning_included', included: true },
      { type: 'turn_state', value: 'ts-9' },
    ]);
  });

  it('emits nothing without the headers', () => {
    expect(streamOpenEvents(new Headers({ 'content-type': 'text/event-stream' }))).toEqual([]);
  });

  it('parses one snapshot per family, codex first, skipping unparsable numbers', () => {
    const snapshots = parseRateLimits(
      new Headers({
        'x-other-primary-used-percent': '5',
        'x-other-limit-name': 'Other model',
        'x-codex-secondary-used-percent': 'n/a',
        'x-codex-primary-used-percent': '1',
      }),
    );
    expect(snapshots.map((s) => s.limit_id)).toEqual(['codex', 'other']);
    expect(snapshots[0]?.secondary).toBeNull();
    expect(snapshots[1]).toMatchObject({ limit_name: 'Other model', primary: { used_percent: 5 } });
  });
});

describe('responsesRequestBody', () => {
  it('builds a streaming, unstored request with tools and reasoning', () => {
    const body = responsesRequestBody(
      request({
        tools: [
          { type: 'function', name: 'shell', description: 'run', parameters: { type: 'object' } },
          { type: 'custom', name: 'apply_patch', description: 'patch', format: { type: 'grammar', syntax: 'lark', definition: 'x' } },
        ],
        parallel_tool_calls: true,
        reasoning: { effort: 'high', summary: 'auto' },
        prompt_cache_key: 'conv-1',
      }),
    );
    expect(body).toMatchObject({
      model: 'gpt-test',
      instructions: 'You are a test model.',
      stream: true,
      store: false,
      parallel_tool_calls: true,
      reasoning: { effort: 'high', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'conv-1',
      tools: [
        { type: 'function', name: 'shell', description: 'run', parameters: { type: 'object' }, strict: false },
        { type: 'custom', name: 'apply_patch', description: 'patch', format: { type: 'grammar', syntax: 'lark', definition: 'x' } },
      ],
    });
  });

  it('omits reasoning and include when no reasoning is requested', () => {
    const body = responsesRequestBody(request());
    expect(body).not.toHaveProperty('reasoning');
    expect(body).not.toHaveProperty('include');
  });

  it('builds turn headers only from present values', () => {
    expect(turnHeaders({ turn_state: 'a', turn_metadata: '{"x":1}' })).toEqual({ 'x-codex-turn-state': 'a', 'x-codex-turn-metadata': '{"x":1}' });
    expect(turnHeaders({ turn_state: null })).toEqual({});
  });
});
