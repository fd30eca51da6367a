import { describe, expect, it } from 'vitest';
import type { Event, EventMsg } from 'turnstate';
import { createRenderer, formatMs, renderSummary, usageLine } from '../../src/cli/index.js';

const T = 'turn-1';
const e = (msg: EventMsg, id = T): Event => ({ id, msg });
const usage = (input: number, cached: number, output: number) => ({
  input_tokens: input,
  cached_input_tokens: cached,
  output_tokens: output,
  reasoning_output_tokens: 0,
  total_tokens: input + output,
});
const renderAll = (events: Event[], color = false) => {
  const r = createRenderer({ color });
  return { text: events.map((ev) => r.render(ev)).join('') + r.end(), stats: r.stats() };
};

describe('createRenderer', () => {
  it('marks a turn that reported an error as failed, and shows a command once, shell-quoted', () => {
    const cmd = { call_id: 'c1', turn_id: T, command: ['bash', '-lc', 'echo hi'], cwd: '/w', parsed_cmd: [], source: 'agent' as const };
    const { text } = renderAll([
      e({ type: 'task_started', turn_id: T, collaboration_mode_kind: 'default' }),
      e({ type: 'exec_command_begin', ...cmd }),
      e({ type: 'exec_command_end', ...cmd, stdout: 'hi\n', stderr: '', aggregated_output: 'hi\n', exit_code: 0, duration: null, formatted_output: '', status: 'completed' }),
      e({ type: 'raw_response_item', item: { type: 'function_call_output', call_id: 'c1', output: 'Exit code: 0' } }),
      e({ type: 'error', message: 'unauthorized' }),
      e({ type: 'task_complete', turn_id: T, duration_ms: 5 }),
    ]);
    expect(text).toBe("── turn 1 ──\n$ bash -lc 'echo hi'\n  ↳ exit 0 hi ⏎\nerror › unauthorized\n✗ turn failed after 5 ms\n");
  });

  it('writes streamed deltas inline and closes the line at the full message', () => {
    const { text } = renderAll([
      e({ type: 'task_started', turn_id: T, collaboration_mode_kind: 'default' }),
      e({ type: 'user_message', message: 'hi', local_images: [], text_elements: [] }),
      e({ type: 'agent_message_content_delta', thread_id: 'th', turn_id: T, item_id: 'm1', delta: 'Hel' }),
      e({ type: 'agent_message_delta', delta: 'Hel' }),
      e({ type: 'agent_message_delta', delta: 'lo!' }),
      e({ type: 'agent_message', message: 'Hello!' }),
      e({ type: 'task_complete', turn_id: T, duration_ms: 12 }),
    ]);
    expect(text).toBe('── turn 1 ──\nyou › hi\nassistant › Hello!\n✓ turn complete in 12 ms\n');
  });

  it('prints a message that was not streamed in full', () => {
    expect(renderAll([e({ type: 'agent_message', message: 'Done.' })]).text).toBe('assistant › Done.\n');
  });

  it('shows tool calls and their output, and counts them', () => {
    const { text, stats } = renderAll([
      e({ type: 'raw_response_item', item: { type: 'function_call', name: 'word_count', arguments: '{"text":"a b"}', call_id: 'c1' } }),
      e({ type: 'raw_response_item', item: { type: 'function_call_output', call_id: 'c1', output: '2 words' } }),
      e({ type: 'raw_response_item', item: { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' } }),
      e({ type: 'raw_response_item', item: { type: 'custom_tool_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'ok' }] } }),
      e({ type: 'raw_response_item', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'not shown' }] } }),
    ]);
    expect(text).toBe(
      'tool › word_count({"text":"a b"})\n  ↳ 2 words\ntool › apply_patch *** Begin Patch ⏎ *** End Patch\n  ↳ ok\n',
    );
    expect(stats.toolCalls).toBe(2);
  });

  it('cuts long tool output to one line', () => {
    const r = createRenderer({ maxToolOutput: 10 });
    expect(r.render(e({ type: 'raw_response_item', item: { type: 'function_call_output', call_id: 'c', output: 'line one\nline two' } }))).toBe(
      '  ↳ line one …\n',
    );
  });

  it('closes an interrupted stream before the abort line', () => {
    const { text, stats } = renderAll([
      e({ type: 'task_started', turn_id: T, collaboration_mode_kind: 'default' }),
      e({ type: 'agent_message_delta', delta: 'In the land' }),
      e({ type: 'turn_aborted', turn_id: T, reason: 'interrupted', duration_ms: 240 }),
    ]);
    expect(text).toBe('── turn 1 ──\nassistant › In the land\n✗ turn aborted: interrupted after 240 ms\n');
    expect(stats).toEqual({ turnsStarted: 1, turnsCompleted: 0, turnsAborted: 1, toolCalls: 0, errors: 0 });
  });

  it('separates reasoning from the answer, and notes close the stream too', () => {
    const r = createRenderer();
    const text = [
      r.render(e({ type: 'agent_reasoning_delta', delta: 'hmm' })),
      r.render(e({ type: 'agent_message_delta', delta: 'Yes' })),
      r.note('host › interrupt'),
      r.render(e({ type: 'agent_reasoning', text: 'full reasoning' })),
      r.end(),
    ].join('');
    expect(text).toBe('thinking › hmm\nassistant › Yes\nhost › interrupt\nthinking › full reasoning\n');
  });

  it('renders errors, warnings, token counts and skips the rest', () => {
    const { text, stats } = renderAll([
      e({ type: 'error', message: 'unauthorized' }),
      e({ type: 'stream_error', message: 'Reconnecting... 1/5' }),
      e({ type: 'warning', message: 'context is almost full' }),
      e({ type: 'token_count', info: { total_token_usage: usage(10, 0, 5), last_token_usage: usage(10, 0, 5) }, rate_limits: null }),
      e({ type: 'token_count', info: null, rate_limits: null }),
      e({ type: 'shutdown_complete' }),
      e({ type: 'item_started', thread_id: 'th', turn_id: T, item: { type: 'Plan', id: 'p', text: 'x' } }),
    ]);
    expect(text).toBe('error › unauthorized\nretrying › Reconnecting... 1/5\nwarning › context is almost full\n· 15 tokens (10 input, 5 output)\n');
    expect(stats.errors).toBe(1);
  });

  it('reports how an undo ended', () => {
    const { text } = renderAll([
      e({ type: 'undo_started', message: 'Undo in progress...' }),
      e({ type: 'undo_completed', success: true, message: 'Undo restored snapshot 1a2b3c4.' }),
      e({ type: 'undo_completed', success: false, message: 'No ghost snapshot available to undo.' }),
    ]);
    expect(text).toBe('↶ Undo restored snapshot 1a2b3c4.\nundo › No ghost snapshot available to undo.\n');
  });

  it('colours only when asked', () => {
    const events = [e({ type: 'error', message: 'x' }), e({ type: 'agent_message_delta', delta: 'y' })];
    expect(renderAll(events, false).text).not.toContain('\u001b[');
    const colored = renderAll(events, true).text;
    expect(colored).toContain('\u001b[31merror ›\u001b[39m x\n');
    // eslint-disable-next-line no-control-regex -- ANSI escapes start with the ESC control character
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(renderAll(events, false).text);
  });
});

describe('renderSummary', () => {
  it('lists turns, tool calls, requests, tokens and time', () => {
    const text = renderSummary({
      stats: { turnsStarted: 2, turnsCompleted: 1, turnsAborted: 1, toolCalls: 1, errors: 0 },
      requests: 3,
      usage: { total_token_usage: usage(883, 384, 59), last_token_usage: usage(471, 384, 21) },
      elapsedMs: 1234,
    });
    expect(text).toBe(
      [
        '── summary ──',
        'turns       2 (1 completed, 1 interrupted)',
        'tool calls  1',
        'requests    3 model requests',
        'tokens      942 tokens (883 input, 384 cached, 59 output)',
        'elapsed     1.23 s',
        '',
      ].join('\n'),
    );
  });

  it('says when no usage was reported and lists errors', () => {
    const text = renderSummary({ stats: { turnsStarted: 1, turnsCompleted: 1, turnsAborted: 0, toolCalls: 0, errors: 2 }, requests: 1, usage: null, elapsedMs: 5 });
    expect(text).toContain('tokens      none reported\n');
    expect(text).toContain('requests    1 model request\n');
    expect(text).toContain('errors      2\n');
  });

  it('formats durations and usage', () => {
    expect([formatMs(0.4), formatMs(999), formatMs(1000), formatMs(61_500)]).toEqual(['0 ms', '999 ms', '1.00 s', '61.50 s']);
    expect(usageLine({ ...usage(10, 0, 5), reasoning_output_tokens: 3 })).toBe('15 tokens (10 input, 5 output, 3 reasoning)');
  });
});
