import { afterEach, describe, expect, it } from 'vitest';
import { openaiModel } from '../../src/model/openai/index.js';
import { ModelError } from '../../src/model/types.js';
import type { ResponseEvent } from '../../src/model/types.js';
import { ev, startMockResponsesServer } from '../../src/testing/mock-server/index.js';
import type { MockResponsesServer, MockScript } from '../../src/testing/mock-server/index.js';
import { collect, drain, request } from './helpers.js';

let server: MockResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: MockScript, opts: { requestMaxRetries?: number; streamIdleTimeoutMs?: number } = {}) {
  server = await startMockResponsesServer(script);
  const model = openaiModel({ model: 'gpt-test', baseURL: server.url, apiKey: 'sk-test', ...opts });
  return { server, model };
}

const asModelError = (error: unknown): ModelError => {
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
};

describe('openaiModel (Responses API) against the mock server', () => {
  it('streams a text turn end to end', async () => {
    const { model } = await setup([
      {
        events: [
          ev.created('resp_1'),
          ev.messageAdded('msg_1'),
          ev.textDelta('Hel'),
          ev.textDelta('lo'),
          ev.assistantMessage('msg_1', 'Hello'),
          ev.completed('resp_1', { input_tokens: 20, cached_tokens: 5, output_tokens: 4, reasoning_tokens: 1, total_tokens: 24 }),
        ],
      },
    ]);
    expect(await collect(model)).toEqual([
      { type: 'created' },
      { type: 'output_item_added', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text: '' }] } },
      { type: 'output_text_delta', delta: 'Hel' },
      { type: 'output_text_delta', delta: 'lo' },
      { type: 'output_item_done', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text: 'Hello' }] } },
      {
        type: 'completed',
        response_id: 'resp_1',
        token_usage: { input_tokens: 20, cached_input_tokens: 5, output_tokens: 4, reasoning_output_tokens: 1, total_tokens: 24 },
      },
    ] satisfies ResponseEvent[]);
  });

  it('maps reasoning, tool calls, web search and metadata events', async () => {
    const { model } = await setup([
      {
        events: [
          ev.created('r'),
          ev.reasoningAdded('rs_1'),
          ev.reasoningSummaryPartAdded(0),
          ev.reasoningSummaryDelta('plan', 0),
          ev.reasoningTextDelta('raw', 0),
          ev.reasoning('rs_1', ['plan'], ['raw']),
          ev.metadata('r', ['trusted_access_for_cyber']),
          ev.customToolCallAdded('ctc_1', 'apply_patch'),
          ev.customToolInputDelta('ctc_1', 'ctc_1', '*** Begin Patch'),
          ev.customToolCall('ctc_1', 'apply_patch', '*** Begin Patch\n*** End Patch'),
          ev.functionCall('call_1', 'shell', '{"command":["ls"]}'),
          ev.localShellCall('ls_1', 'completed', ['echo', 'hi']),
          ev.webSearchCall('ws_1', 'completed', 'weather'),
          ev.completed('r'),
        ],
      },
    ]);
    const events = await collect(model);
    expect(events.map((e) => (e.type === 'output_item_done' || e.type === 'output_item_added' ? `${e.type}:${e.item.type}` : e.type))).toEqual([
      'created',
      'output_item_added:reasoning',
      'reasoning_summary_part_added',
      'reasoning_summary_delta',
      'reasoning_content_delta',
      'output_item_done:reasoning',
      'model_verifications',
      'output_item_added:custom_tool_call',
      'tool_call_input_delta',
      'output_item_done:custom_tool_call',
      'output_item_done:function_call',
      'output_item_done:local_shell_call',
      'output_item_done:web_search_call',
      'completed',
    ]);
    expect(events[5]).toMatchObject({
      item: { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'plan' }], content: [{ type: 'reasoning_text', text: 'raw' }] },
    });
    expect(events[11]).toEqual({
      type: 'output_item_done',
      item: { type: 'local_shell_call', call_id: 'ls_1', status: 'completed', action: { type: 'exec', command: ['echo', 'hi'] } },
    });
    expect(events[12]).toMatchObject({ item: { type: 'web_search_call', id: 'ws_1', action: { type: 'search', query: 'weather' } } });
  });

  it('emits header events at stream open, before the first SSE event', async () => {
    const { model } = await setup([
      {
        headers: {
          'openai-model': 'gpt-test-2025',
          'x-codex-primary-used-percent': '25',
          'x-codex-primary-window-minutes': '300',
          'x-codex-primary-reset-at': '1760000000',
          'x-codex-secondary-used-percent': '3.5',
          'x-models-etag': 'W/"abc"',
          'x-reasoning-included': 'true',
          'x-codex-turn-state': 'sticky-1',
        },
        events: [ev.created('r'), ev.completed('r')],
      },
    ]);
    expect(await collect(model)).toEqual([
      { type: 'server_model', model: 'gpt-test-2025' },
      {
        type: 'rate_limits',
        snapshot: {
          limit_id: 'codex',
          primary: { used_percent: 25, window_minutes: 300, resets_at: 1760000000 },
          secondary: { used_percent: 3.5, window_minutes: null, resets_at: null },
        },
      },
      { type: 'models_etag', etag: 'W/"abc"' },
      { type: 'server_reasoning_included', included: true },
      { type: 'turn_state', value: 'sticky-1' },
      { type: 'created' },
      { type: 'completed', response_id: 'r', token_usage: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 } },
    ]);
  });

  it('sends model, instructions, input, tools and turn headers in the request', async () => {
    const { model, server } = await setup([{ events: [ev.created('r'), ev.completed('r')] }]);
    const req = request({
      tools: [{ type: 'function', name: 'shell', description: 'Run a command', parameters: { type: 'object', properties: {} } }],
      parallel_tool_calls: true,
      reasoning: { effort: 'medium', summary: 'auto' },
      turn_state: 'sticky-1',
      turn_metadata: '{"turn_id":"t1"}',
    });
    await collect(model, req);
    const [recorded] = server.requests;
    expect(recorded?.method).toBe('POST');
    expect(recorded?.path).toBe('/v1/responses');
    expect(recorded?.headers['authorization']).toBe('Bearer sk-test');
    expect(recorded?.headers['x-codex-turn-state']).toBe('sticky-1');
    expect(recorded?.headers['x-codex-turn-metadata']).toBe('{"turn_id":"t1"}');
    expect(recorded?.body).toEqual({
      model: 'gpt-test',
      instructions: 'You are a test model.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      tools: [{ type: 'function', name: 'shell', description: 'Run a command', parameters: { type: 'object', properties: {} }, strict: false }],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'medium', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
      stream: true,
    });
  });

  it('uses the default model when the request names none and omits absent turn headers', async () => {
    const { model, server } = await setup([{ events: [ev.created('r'), ev.completed('r')] }]);
    await collect(model, request({ model: '' }));
    expect((server.requests[0]?.body as { model: string }).model).toBe('gpt-test');
    expect(server.requests[0]?.headers).not.toHaveProperty('x-codex-turn-state');
  });

  it('skips unparsable data lines and event-only messages', async () => {
    const { model } = await setup([
      {
        raw: [
          'event: response.created\ndata: {"type":"response.created","response":{"id":"r"}}\n\n',
          'event: response.output_text.delta\ndata: {oops\n\n',
          'event: response.in_progress\n\n',
          ': comment\n\n',
          'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"ok"}\n\n',
          'event: response.completed\ndata: {"type":"response.completed","response":{"id":"r"}}\n\n',
        ],
      },
    ]);
    expect(await collect(model)).toEqual([
      { type: 'created' },
      { type: 'output_text_delta', delta: 'ok' },
      { type: 'completed', response_id: 'r', token_usage: null },
    ]);
  });

  it('fails with a stream error when the stream ends before response.completed', async () => {
    const { model } = await setup([{ events: [ev.created('r'), ev.textDelta('partial')], closeEarly: true }]);
    const { events, error } = await drain(model);
    expect(events).toEqual([{ type: 'created' }, { type: 'output_text_delta', delta: 'partial' }]);
    const err = asModelError(error);
    expect(err.kind).toBe('stream');
    expect(err.message).toBe('stream closed before response.completed');
    expect(err.retryable).toBe(true);
  });

  it('fails with a retryable stream error when the connection is cut mid-stream', async () => {
    const { model, server: s } = await setup([{ events: [ev.created('r'), ev.textDelta('partial')], abrupt: true }]);
    const { events, error } = await drain(model);
    expect(await s.waitForClose(0)).toBe('server_closed');
    expect(events[0]).toEqual({ type: 'created' });
    const err = asModelError(error);
    expect(err.kind).toBe('stream');
    expect(err.retryable).toBe(true);
  });

  it('fails with an idle timeout when the server goes quiet', async () => {
    const { model } = await setup([{ events: [ev.created('r')], hold: true }], { streamIdleTimeoutMs: 50 });
    const { events, error } = await drain(model);
    expect(events).toEqual([{ type: 'created' }]);
    const err = asModelError(error);
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe('idle timeout waiting for SSE');
    expect(await server?.waitForClose(0)).toBe('client_closed');
  });

  it('stops reading at response.completed', async () => {
    const { model } = await setup([{ events: [ev.created('r'), ev.completed('r'), ev.textDelta('after')] }]);
    const events = await collect(model);
    expect(events.at(-1)?.type).toBe('completed');
    expect(events.some((e) => e.type === 'output_text_delta')).toBe(false);
  });

  it('maps response.failed to ModelError with the exact quota message', async () => {
    const { model } = await setup([
      { events: [ev.created('r'), ev.failed('r', 'insufficient_quota', 'You exceeded your current quota')] },
      { events: [ev.created('r'), ev.failed('r', 'rate_limit_exceeded', 'Rate limit reached. Please try again in 28ms.')] },
      { events: [ev.created('r'), ev.failed('r', 'context_length_exceeded', 'Too long')] },
      { events: [ev.created('r'), ev.incomplete('r', 'content_filter')] },
    ]);
    const quota = asModelError((await drain(model)).error);
    expect([quota.kind, quota.message, quota.retryable]).toEqual(['quota_exceeded', 'Quota exceeded. Check your plan and billing details.', false]);
    const rate = asModelError((await drain(model)).error);
    expect([rate.kind, rate.retryAfterMs, rate.retryable]).toEqual(['retryable', 28, true]);
    const context = asModelError((await drain(model)).error);
    expect([context.kind, context.retryable]).toEqual(['context_window_exceeded', false]);
    const incomplete = asModelError((await drain(model)).error);
    expect([incomplete.kind, incomplete.message]).toEqual(['stream', 'Incomplete response returned, reason: content_filter']);
  });
});
