import { describe, expect, it } from 'vitest';
import { ResponseItem } from '../../src/protocol/items.js';
import { responsesRequestBody } from '../../src/model/openai/request.js';
import { toResponsesInput } from '../../src/model/openai/input.js';
import { validateResponsesRequest } from '../../src/testing/mock-server/validate.js';

// Items as a resumed Codex rollout holds them: server ids, Codex-only bookkeeping fields.
const codexHistory = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }], internal_chat_message_metadata_passthrough: { x: 1 } },
  { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thinking' }], content: [{ type: 'reasoning_text', text: 'raw' }], encrypted_content: 'gAAA1' },
  { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: null },
  { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}', metadata: { turn: 1 } },
  { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
  { type: 'custom_tool_call', id: 'ctc_1', status: 'completed', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
  { type: 'custom_tool_call_output', call_id: 'call_2', name: 'apply_patch', output: 'Done' },
  { type: 'message', role: 'assistant', id: 'msg_1', phase: 'final_answer', end_turn: true, content: [{ type: 'output_text', text: 'a.txt' }], metadata: {} },
  { type: 'ghost_snapshot', ghost_commit: { id: 'abc' } },
].map((raw) => ResponseItem.parse(raw));

describe('toResponsesInput', () => {
  it('builds each item from the API fields only: no Codex metadata, no server ids, no unreplayable reasoning', () => {
    expect(toResponsesInput(codexHistory)).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'gAAA1' },
      { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Done' },
      { type: 'message', role: 'assistant', phase: 'final_answer', content: [{ type: 'output_text', text: 'a.txt' }] },
    ]);
  });

  it('produces a body the strict mock (and so the API) accepts with store: false', () => {
    const body = responsesRequestBody({ model: 'gpt-5.1', instructions: 'x', input: codexHistory, tools: [], parallel_tool_calls: true });
    expect(body.store).toBe(false);
    expect(validateResponsesRequest(JSON.parse(JSON.stringify(body)))).toBeNull();
    // Passing the parsed items through unchanged is what the API refuses.
    expect(validateResponsesRequest({ ...body, input: JSON.parse(JSON.stringify(codexHistory.slice(0, 1))) })?.error.code).toBe('unknown_parameter');
  });

  it('leaves out the id of reasoning stored without one', () => {
    const reasoning = ResponseItem.parse({ type: 'reasoning', summary: [], encrypted_content: 'gAAA' });
    expect(toResponsesInput([reasoning])).toEqual([{ type: 'reasoning', summary: [], encrypted_content: 'gAAA' }]);
  });

  it('maps roles the API has no input form for to user, and unknown item kinds to nothing', () => {
    const items = [
      ResponseItem.parse({ type: 'message', role: 'tool', content: [{ type: 'input_text', text: 't' }] }),
      ResponseItem.parse({ type: 'future_kind', payload: 1 }),
    ];
    expect(toResponsesInput(items)).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 't' }] }]);
  });
});
