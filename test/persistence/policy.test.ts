import { describe, expect, it } from 'vitest';
import type { EventMsg } from '../../src/protocol/index.js';
import { filterForPersistence, sanitizeForPersistence, shouldPersist, type RolloutItem } from '../../src/persistence/index.js';
import { assistant, response, sessionMeta } from './support/fixtures.js';

// Built without parsing: some samples are minimal shapes, the policy only looks at `type`.
const ev = (payload: Record<string, unknown>): RolloutItem => ({ type: 'event_msg', payload: payload as EventMsg });

const SAMPLES: Record<string, Record<string, unknown>> = {
  user_message: { type: 'user_message', message: 'hi' },
  agent_message: { type: 'agent_message', message: 'ok' },
  agent_reasoning: { type: 'agent_reasoning', text: 'thinking' },
  agent_reasoning_raw_content: { type: 'agent_reasoning_raw_content', text: 'raw' },
  token_count: { type: 'token_count', info: null },
  thread_name_updated: { type: 'thread_name_updated', thread_id: 't', thread_name: 'n' },
  context_compacted: { type: 'context_compacted' },
  entered_review_mode: { type: 'entered_review_mode', target: { type: 'uncommittedChanges' } },
  exited_review_mode: { type: 'exited_review_mode', review_output: null },
  thread_rolled_back: { type: 'thread_rolled_back', num_turns: 1 },
  undo_completed: { type: 'undo_completed', success: false },
  turn_aborted: { type: 'turn_aborted', turn_id: 't', reason: 'interrupted' },
  task_started: { type: 'task_started', turn_id: 't' },
  task_complete: { type: 'task_complete', turn_id: 't' },
  image_generation_end: { type: 'image_generation_end', call_id: 'c' },
  error: { type: 'error', message: 'boom' },
  guardian_assessment: { type: 'guardian_assessment' },
  web_search_end: { type: 'web_search_end', call_id: 'c', query: 'q' },
  patch_apply_end: { type: 'patch_apply_end', call_id: 'c', turn_id: 't', success: true, status: 'completed' },
  mcp_tool_call_end: { type: 'mcp_tool_call_end', call_id: 'c' },
  view_image_tool_call: { type: 'view_image_tool_call', call_id: 'c', path: '/a.png' },
  collab_agent_spawn_end: { type: 'collab_agent_spawn_end', call_id: 'c' },
  collab_agent_interaction_end: { type: 'collab_agent_interaction_end', call_id: 'c' },
  collab_waiting_end: { type: 'collab_waiting_end', call_id: 'c' },
  collab_close_end: { type: 'collab_close_end', call_id: 'c' },
  collab_resume_end: { type: 'collab_resume_end', call_id: 'c' },
  dynamic_tool_call_request: { type: 'dynamic_tool_call_request', call_id: 'c', turn_id: 't', tool: 'x', arguments: {} },
  dynamic_tool_call_response: { type: 'dynamic_tool_call_response', call_id: 'c' },
  agent_message_delta: { type: 'agent_message_delta', delta: 'x' },
  agent_message_content_delta: { type: 'agent_message_content_delta', thread_id: 't', turn_id: 't', item_id: 'i', delta: 'x' },
  warning: { type: 'warning', message: 'w' },
  stream_error: { type: 'stream_error', message: 'e' },
  exec_command_begin: { type: 'exec_command_begin', call_id: 'c', turn_id: 't', command: ['ls'], cwd: '/' },
  exec_approval_request: { type: 'exec_approval_request', call_id: 'c', turn_id: 't', command: ['ls'], cwd: '/' },
  raw_response_item: { type: 'raw_response_item', item: { type: 'message', role: 'assistant', content: [] } },
  thread_goal_updated: { type: 'thread_goal_updated', threadId: 't', goal: {} },
  shutdown_complete: { type: 'shutdown_complete' },
  hook_started: { type: 'hook_started' },
  buddy_reaction: { type: 'buddy_reaction', text: 'nice' },
};

const LIMITED = [
  'user_message', 'agent_message', 'agent_reasoning', 'agent_reasoning_raw_content', 'token_count', 'thread_name_updated',
  'context_compacted', 'entered_review_mode', 'exited_review_mode', 'thread_rolled_back', 'undo_completed', 'turn_aborted',
  'task_started', 'task_complete', 'image_generation_end',
];
const EXTENDED_ONLY = [
  'error', 'guardian_assessment', 'web_search_end', 'patch_apply_end', 'mcp_tool_call_end', 'view_image_tool_call',
  'collab_agent_spawn_end', 'collab_agent_interaction_end', 'collab_waiting_end', 'collab_close_end', 'collab_resume_end',
  'dynamic_tool_call_request', 'dynamic_tool_call_response',
];

const persistedTypes = (mode: 'limited' | 'extended'): string[] =>
  Object.entries(SAMPLES)
    .filter(([, payload]) => shouldPersist(ev(payload), mode))
    .map(([type]) => type);

describe('persistence policy', () => {
  it('limited mode keeps exactly the limited event list', () => {
    expect(persistedTypes('limited')).toEqual(LIMITED);
  });

  it('extended mode adds the extended list and nothing else', () => {
    expect(persistedTypes('extended')).toEqual([...LIMITED, ...EXTENDED_ONLY]);
  });

  it('keeps item_completed only for Plan items', () => {
    const plan = ev({ type: 'item_completed', thread_id: 't', turn_id: 't', item: { type: 'Plan', id: 'p', text: '1. x' } });
    const message = ev({ type: 'item_completed', thread_id: 't', turn_id: 't', item: { type: 'AgentMessage', id: 'a', content: [] } });
    expect([shouldPersist(plan, 'limited'), shouldPersist(message, 'limited'), shouldPersist(message, 'extended')]).toEqual([true, false, false]);
  });

  it('always keeps session_meta, compacted, turn_context and response items other than `other`', () => {
    const context: RolloutItem = {
      type: 'turn_context',
      payload: { cwd: '/w', approval_policy: 'never', sandbox_policy: { type: 'danger-full-access' }, model: 'm', summary: 'auto' },
    };
    expect(shouldPersist({ type: 'session_meta', payload: sessionMeta('t1') }, 'limited')).toBe(true);
    expect(shouldPersist({ type: 'compacted', payload: { message: 's' } }, 'limited')).toBe(true);
    expect(shouldPersist(context, 'limited')).toBe(true);
    expect(shouldPersist(response(assistant('hi')), 'limited')).toBe(true);
    expect(shouldPersist(response({ type: 'ghost_snapshot', ghost_commit: {} }), 'limited')).toBe(true);
    expect(shouldPersist(response({ type: 'other' }), 'extended')).toBe(false);
  });

  it('writes exec_command_end only in extended mode, sanitised', () => {
    const output = `HEAD${'x'.repeat(30_000)}é${'y'.repeat(30_000)}TAIL`;
    const end = ev({
      type: 'exec_command_end',
      call_id: 'c1',
      turn_id: 't1',
      command: ['make'],
      cwd: '/w',
      stdout: 'out',
      stderr: 'err',
      aggregated_output: output,
      exit_code: 0,
      duration: { secs: 1, nanos: 0 },
      formatted_output: 'formatted',
      status: 'completed',
    });
    expect(filterForPersistence([end], 'limited')).toEqual([]);
    const [written] = filterForPersistence([end], 'extended');
    const payload = written?.payload as Record<string, unknown>;
    const aggregated = String(payload.aggregated_output);
    expect(Buffer.byteLength(aggregated)).toBeLessThanOrEqual(10_000);
    expect(Buffer.byteLength(aggregated)).toBeGreaterThan(9_900);
    expect(aggregated.startsWith('HEADxxx')).toBe(true);
    expect(aggregated.endsWith('yyyTAIL')).toBe(true);
    expect(aggregated).toContain('bytes truncated');
    expect(payload).toMatchObject({ stdout: '', stderr: '', formatted_output: '', exit_code: 0, call_id: 'c1' });
  });

  it('leaves short exec output intact apart from the cleared streams', () => {
    const end = ev({ type: 'exec_command_end', call_id: 'c', turn_id: 't', command: [], cwd: '/', stdout: 'a', aggregated_output: 'a', exit_code: 1, duration: null, status: 'failed' });
    expect(sanitizeForPersistence(end).payload).toMatchObject({ aggregated_output: 'a', stdout: '' });
    expect(sanitizeForPersistence(response(assistant('x')))).toEqual(response(assistant('x')));
  });

  it('filters in order', () => {
    const items = [ev(SAMPLES.task_started ?? {}), ev(SAMPLES.agent_message_delta ?? {}), response(assistant('a')), ev(SAMPLES.task_complete ?? {})];
    expect(filterForPersistence(items, 'limited').map((item) => (item.payload as { type: string }).type)).toEqual(['task_started', 'message', 'task_complete']);
  });
});
