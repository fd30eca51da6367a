import { afterEach, describe, expect, it } from 'vitest';
import { chatRequestBody, ChatStreamConverter, openaiModel, toChatMessages, toChatTool } from '../../src/model/openai/index.js';
import { ModelError } from '../../src/model/types.js';
import { chatChunk, startMockResponsesServer } from '../../src/testing/mock-server/index.js';
import type { MockResponsesServer, MockScript } from '../../src/testing/mock-server/index.js';
import { collect, drain, request } from './helpers.js';

let server: MockResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: MockScript) {
  server = await startMockResponsesServer(script);
  return { server, model: openaiModel({ model: 'llama-test', baseURL: server.url, apiKey: 'sk-test', api: 'chat' }) };
}

const usageChunk = {
  id: 'c1',
  object: 'chat.completion.chunk',
  choices: [],
  usage: { prompt_tokens: 30, completion_tokens: 7, total_tokens: 37, prompt_tokens_details: { cached_tokens: 10 }, completion_tokens_details: { reasoning_tokens: 2 } },
};

describe('openaiModel (Chat Completions)', () => {
  it('streams text as a message item with usage', async () => {
    const { model, server: s } = await setup([
      { chat: [chatChunk('c1', { role: 'assistant', content: '' }), chatChunk('c1', { content: 'Hel' }), chatChunk('c1', { content: 'lo' }), chatChunk('c1', {}, 'stop'), usageChunk] },
    ]);
    expect(await collect(model)).toEqual([
      { type: 'created' },
      { type: 'output_item_added', item: { type: 'message', role: 'assistant', id: 'c1', content: [] } },
      { type: 'output_text_delta', delta: 'Hel' },
      { type: 'output_text_delta', delta: 'lo' },
      { type: 'output_item_done', item: { type: 'message', role: 'assistant', id: 'c1', content: [{ type: 'output_text', text: 'Hello' }] } },
      {
        type: 'completed',
        response_id: 'c1',
        token_usage: { input_tokens: 30, cached_input_tokens: 10, output_tokens: 7, reasoning_output_tokens: 2, total_tokens: 37 },
      },
    ]);
    expect(s.requests[0]?.path).toBe('/v1/chat/completions');
    expect(s.requests[0]?.body).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'You are a test model.' },
        { role: 'user', content: 'hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('accumulates tool call deltas into function_call items', async () => {
    const { model, server: s } = await setup([
      {
        chat: [
          chatChunk('c2', { content: 'Let me look.' }),
          chatChunk('c2', { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'shell', arguments: '' } }] }),
          chatChunk('c2', { tool_calls: [{ index: 0, function: { arguments: '{"command":' } }] }),
          chatChunk('c2', { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' } }] }),
          chatChunk('c2', { tool_calls: [{ index: 0, function: { arguments: '["ls"]}' } }] }),
          chatChunk('c2', {}, 'tool_calls'),
        ],
      },
    ]);
    const tools = [
      { type: 'function' as const, name: 'shell', description: 'Run', parameters: { type: 'object' } },
      { type: 'custom' as const, name: 'apply_patch', description: 'Patch' },
    ];
    const events = await collect(model, request({ tools, parallel_tool_calls: true }));
    expect(events.slice(-4)).toEqual([
      { type: 'output_item_done', item: { type: 'message', role: 'assistant', id: 'c2', content: [{ type: 'output_text', text: 'Let me look.' }] } },
      { type: 'output_item_done', item: { type: 'function_call', call_id: 'call_a', name: 'shell', arguments: '{"command":["ls"]}' } },
      { type: 'output_item_done', item: { type: 'custom_tool_call', call_id: 'call_b', name: 'apply_patch', input: '*** Begin Patch' } },
      { type: 'completed', response_id: 'c2', token_usage: null },
    ]);
    expect(s.requests[0]?.body).toMatchObject({
      parallel_tool_calls: true,
      tools: [
        { type: 'function', function: { name: 'shell', description: 'Run', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'apply_patch', parameters: { required: ['input'] } } },
      ],
    });
  });

  it('fails with a stream error when the body ends with neither [DONE] nor a finish reason', async () => {
    const { model } = await setup([{ chat: [chatChunk('c3', { content: 'par' })], done: false }]);
    const { events, error } = await drain(model);
    expect(events.map((e) => e.type)).toEqual(['created', 'output_item_added', 'output_text_delta']);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toBe('stream closed before response.completed');
  });

  it('maps an error chunk through the failure codes', async () => {
    const { model } = await setup([{ chat: [{ error: { code: 'context_length_exceeded', message: 'too long' } }] }]);
    const { error } = await drain(model);
    expect((error as ModelError).kind).toBe('context_window_exceeded');
  });
});

describe('chat request conversion', () => {
  it('converts history to chat messages', () => {
    expect(
      toChatMessages('Be brief.', [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'dev note' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: 'data:image/png;base64,AA' }] },
        { type: 'reasoning', id: 'rs', summary: [], encrypted_content: 'x' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Running.' }] },
        { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
        { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: 'P' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
        { type: 'custom_tool_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'done' }] },
        { type: 'function_call', call_id: 'c3', name: 'shell', arguments: '{"a":1}' },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'dev note' },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
      {
        role: 'assistant',
        content: 'Running.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'shell', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"P"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      { role: 'tool', tool_call_id: 'c2', content: 'done' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c3', type: 'function', function: { name: 'shell', arguments: '{"a":1}' } }] },
    ]);
  });

  it('joins input text parts with newlines and assistant parts directly', () => {
    expect(
      toChatMessages('', [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<env/>' }, { type: 'input_text', text: 'fix it' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Do' }, { type: 'output_text', text: 'ne' }] },
      ]),
    ).toEqual([
      { role: 'user', content: '<env/>\nfix it' },
      { role: 'assistant', content: 'Done' },
    ]);
  });

  it('converts tools and reasoning effort', () => {
    expect(toChatTool({ type: 'function', name: 'f', description: 'd', parameters: { type: 'object' }, strict: true })).toEqual({
      type: 'function',
      function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true },
    });
    expect(chatRequestBody(request({ reasoning: { effort: 'low' } })).reasoning_effort).toBe('low');
    expect(chatRequestBody(request())).not.toHaveProperty('tools');
  });

  it('ChatStreamConverter completes on a finish reason without [DONE] and invents missing call ids', () => {
    const c = new ChatStreamConverter();
    expect(c.start()).toEqual([{ type: 'created' }]);
    expect(c.chunk({ id: 'x', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'tool_calls' }] })).toEqual([]);
    expect(c.finish(false)).toEqual([
      { type: 'output_item_done', item: { type: 'function_call', call_id: 'x_call_0', name: 'f', arguments: '{}' } },
      { type: 'completed', response_id: 'x', token_usage: null },
    ]);
  });
});
