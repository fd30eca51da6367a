import { describe, expect, it } from 'vitest';
import { commandLine, createExecEventMapper } from '../../src/cli/exec-json.js';
import type { Event, EventMsg } from '../../src/protocol/index.js';

const e = (msg: Record<string, unknown>): Event => ({ id: 't1', msg: msg as unknown as EventMsg });
const usage = { input_tokens: 100, cached_input_tokens: 40, output_tokens: 7, reasoning_output_tokens: 2, total_tokens: 107 };

describe('createExecEventMapper', () => {
  it('maps a turn with a command and a patch to Codex exec events with per-run item ids', () => {
    const m = createExecEventMapper();
    const out = [
      e({ type: 'session_configured', session_id: 'th-1' }),
      e({ type: 'task_started', turn_id: 't1' }),
      e({ type: 'agent_reasoning', text: '   ' }),
      e({ type: 'agent_reasoning', text: 'thinking about it' }),
      e({ type: 'exec_command_begin', call_id: 'c1', turn_id: 't1', command: ['bash', '-lc', 'echo hi'], cwd: '/w' }),
      e({ type: 'exec_command_output_delta', call_id: 'c1', stream: 'stdout', chunk: 'hi\n' }),
      e({ type: 'exec_command_end', call_id: 'c1', turn_id: 't1', command: ['bash', '-lc', 'echo hi'], cwd: '/w', exit_code: 0, aggregated_output: 'hi\n', status: 'completed' }),
      e({ type: 'patch_apply_begin', call_id: 'p1', turn_id: 't1', auto_approved: true, changes: { 'a.txt': { type: 'add', content: 'x' } } }),
      e({ type: 'patch_apply_end', call_id: 'p1', turn_id: 't1', success: true, status: 'completed', changes: { 'a.txt': { type: 'add', content: 'x' }, 'b.txt': { type: 'update', unified_diff: '' } } }),
      e({ type: 'token_count', info: { total_token_usage: usage, last_token_usage: usage } }),
      e({ type: 'agent_message', message: 'done' }),
      e({ type: 'task_complete', turn_id: 't1', last_agent_message: 'done' }),
    ].flatMap((ev) => m.map(ev));
    expect(out).toEqual([
      { type: 'thread.started', thread_id: 'th-1' },
      { type: 'turn.started' },
      { type: 'item.completed', item: { id: 'item_0', type: 'reasoning', text: 'thinking about it' } },
      { type: 'item.started', item: { id: 'item_1', type: 'command_execution', command: "bash -lc 'echo hi'", aggregated_output: '', status: 'in_progress' } },
      { type: 'item.completed', item: { id: 'item_1', type: 'command_execution', command: "bash -lc 'echo hi'", aggregated_output: 'hi\n', exit_code: 0, status: 'completed' } },
      { type: 'item.started', item: { id: 'item_2', type: 'file_change', changes: [{ path: 'a.txt', kind: 'add' }], status: 'in_progress' } },
      { type: 'item.completed', item: { id: 'item_2', type: 'file_change', changes: [{ path: 'a.txt', kind: 'add' }, { path: 'b.txt', kind: 'update' }], status: 'completed' } },
      { type: 'item.completed', item: { id: 'item_3', type: 'agent_message', text: 'done' } },
      { type: 'turn.completed', usage: { input_tokens: 100, cached_input_tokens: 40, cache_write_input_tokens: 0, output_tokens: 7, reasoning_output_tokens: 2 } },
    ]);
    expect(m.outcome()).toBe('completed');
    expect(m.finalMessage()).toBe('done');
  });

  it('ends a turn with an error as turn.failed carrying the error message', () => {
    const m = createExecEventMapper();
    const out = [
      e({ type: 'task_started', turn_id: 't1' }),
      e({ type: 'stream_error', message: 'Reconnecting... 1/5' }),
      e({ type: 'error', message: 'unauthorized: bad key' }),
      e({ type: 'task_complete', turn_id: 't1' }),
    ].flatMap((ev) => m.map(ev));
    expect(out).toEqual([
      { type: 'turn.started' },
      { type: 'item.completed', item: { id: 'item_0', type: 'error', message: 'Reconnecting... 1/5' } },
      { type: 'error', message: 'unauthorized: bad key' },
      { type: 'turn.failed', error: { message: 'unauthorized: bad key' } },
    ]);
    expect(m.outcome()).toBe('failed');
    expect(m.finalMessage()).toBeNull();
  });

  it('starts, updates and completes one todo_list; a failing command is failed; an abort prints no turn event', () => {
    const m = createExecEventMapper();
    const plan = (s: string) => e({ type: 'plan_update', plan: [{ step: 'a', status: 'completed' }, { step: 'b', status: s }] });
    const out = [
      plan('pending'),
      plan('completed'),
      e({ type: 'exec_command_begin', call_id: 'c', turn_id: 't1', command: ['false'], cwd: '/' }),
      e({ type: 'exec_command_end', call_id: 'c', turn_id: 't1', command: ['false'], cwd: '/', exit_code: 1, aggregated_output: '', status: 'failed' }),
      e({ type: 'turn_aborted', reason: 'interrupted' }),
    ].flatMap((ev) => m.map(ev));
    expect(out.map((x) => x.type)).toEqual(['item.started', 'item.updated', 'item.started', 'item.completed', 'item.completed']);
    expect(out[1]).toEqual({ type: 'item.updated', item: { id: 'item_0', type: 'todo_list', items: [{ text: 'a', completed: true }, { text: 'b', completed: true }] } });
    expect(out[3]).toMatchObject({ item: { id: 'item_1', exit_code: 1, status: 'failed' } });
    expect(out[4]).toMatchObject({ item: { id: 'item_0', type: 'todo_list' } });
    expect(m.outcome()).toBe('aborted');
  });

  it('maps MCP calls and web searches with their begin/end pairs', () => {
    const m = createExecEventMapper();
    const inv = { server: 'docs', tool: 'lookup', arguments: { q: 1 } };
    const out = [
      e({ type: 'mcp_tool_call_begin', call_id: 'm1', invocation: inv }),
      e({ type: 'mcp_tool_call_end', call_id: 'm1', invocation: inv, result: { Err: 'boom' } }),
      e({ type: 'web_search_begin', call_id: 'w1' }),
      e({ type: 'web_search_end', call_id: 'w1', query: 'xstate' }),
    ].flatMap((ev) => m.map(ev));
    expect(out[0]).toEqual({ type: 'item.started', item: { id: 'item_0', type: 'mcp_tool_call', server: 'docs', tool: 'lookup', arguments: { q: 1 }, status: 'in_progress' } });
    expect(out[1]).toEqual({ type: 'item.completed', item: { id: 'item_0', type: 'mcp_tool_call', server: 'docs', tool: 'lookup', arguments: { q: 1 }, status: 'failed', error: { message: 'boom' } } });
    expect(out[3]).toEqual({ type: 'item.completed', item: { id: 'item_1', type: 'web_search', query: 'xstate' } });
  });
});

describe('commandLine', () => {
  it('quotes arguments a shell would split', () => {
    expect(commandLine(['bash', '-lc', "echo 'hi' there"])).toBe(`bash -lc 'echo '\\''hi'\\'' there'`);
    expect(commandLine(['ls', '-la', 'src/cli'])).toBe('ls -la src/cli');
  });
});
