// Small builders for history items, so tests read as the conversation they describe.
import type { ResponseItem } from '../../src/protocol/items.js';

export const user = (text: string): ResponseItem => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
export const assistant = (text: string): ResponseItem => ({
  type: 'message',
  role: 'assistant',
  content: [{ type: 'output_text', text }],
});
export const developer = (...texts: string[]): ResponseItem => ({
  type: 'message',
  role: 'developer',
  content: texts.map((text) => ({ type: 'input_text' as const, text })),
});
export const system = (text: string): ResponseItem => ({ type: 'message', role: 'system', content: [{ type: 'input_text', text }] });
export const fnCall = (callId: string, name = 'shell'): ResponseItem => ({ type: 'function_call', name, arguments: '{}', call_id: callId });
export const fnOutput = (callId: string, output = 'ok'): ResponseItem => ({ type: 'function_call_output', call_id: callId, output });
export const customCall = (callId: string, name = 'apply_patch'): ResponseItem => ({ type: 'custom_tool_call', call_id: callId, name, input: '' });
export const customOutput = (callId: string, output = 'ok'): ResponseItem => ({ type: 'custom_tool_call_output', call_id: callId, output });
export const shellCall = (callId: string): ResponseItem => ({
  type: 'local_shell_call',
  call_id: callId,
  status: 'completed',
  action: { type: 'exec', command: ['ls'] },
});
export const searchCall = (callId: string): ResponseItem => ({ type: 'tool_search_call', call_id: callId });
export const searchOutput = (callId: string): ResponseItem => ({ type: 'tool_search_output', call_id: callId, tools: [] });
export const reasoning = (encrypted?: string): ResponseItem => ({
  type: 'reasoning',
  id: 'r',
  summary: [{ type: 'summary_text', text: 'thinking' }],
  ...(encrypted === undefined ? {} : { encrypted_content: encrypted }),
});
export const ghost = (): ResponseItem => ({ type: 'ghost_snapshot', ghost_commit: { id: 'abc' } });
export const other = (): ResponseItem => ({ type: 'other' });
export const envContext = (): ResponseItem => user('<environment_context>\n  <cwd>/repo</cwd>\n</environment_context>');
export const interAgent = (content: string): ResponseItem =>
  assistant(JSON.stringify({ author: '/root', recipient: '/root/worker', other_recipients: [], content, trigger_turn: false }));
