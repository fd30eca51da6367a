/**
 * SPEC §14 items 16, 20 and 21: errors that are not retried end sampling with one `error`,
 * the turn still completes, and the session takes the next input normally.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ev } from 'turnstate/testing';
import { kinds, msgs, readTurn, say, startEngine, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const userTurnStart = ['task_started', 'item_started:UserMessage', 'item_completed:UserMessage', 'user_message'];

describe('model errors that end the turn', () => {
  it('§14.16 a non-retryable HTTP error emits error then task_complete, and the next user_input runs normally', async () => {
    h = await startEngine([
      { status: 400, body: { error: { message: 'Unsupported parameter: foo', type: 'invalid_request_error' } } },
      { events: [ev.created('r2'), ev.assistantMessage('m2', 'back again'), ev.completed('r2')] },
    ]);

    const failing = await h.thread.submit(say('first'));
    const failed = await readTurn(h.thread);
    const next = await h.thread.submit(say('second'));
    const recovered = await readTurn(h.thread);

    expect(kinds(failed)).toEqual([...userTurnStart, 'error', 'task_complete']);
    expect(msgs(failed, 'error')).toEqual([{ type: 'error', message: 'Unsupported parameter: foo', codex_error_info: 'bad_request' }]);
    expect(msgs(failed, 'task_complete')[0]).toMatchObject({ turn_id: failing, last_agent_message: null });
    expect(kinds(recovered)).toEqual([
      ...userTurnStart,
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'token_count',
      'task_complete',
    ]);
    expect(msgs(recovered, 'task_complete')[0]).toMatchObject({ turn_id: next, last_agent_message: 'back again' });
    expect(h.server.requests).toHaveLength(2);
    expect(h.delays).toEqual([]);
  });

  it('§14.20 context_length_exceeded fills token_count to the window, then error, then task_complete; no retry', async () => {
    h = await startEngine([{ events: [ev.created('r1'), ev.failed('r1', 'context_length_exceeded', 'Your input exceeds the context window.')] }], {
      contextWindow: 100_000,
    });

    await h.thread.submit(say('a very long prompt'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([...userTurnStart, 'token_count', 'error', 'task_complete']);
    const [full] = msgs(events, 'token_count');
    expect(full?.info?.total_token_usage.total_tokens).toBe(100_000);
    expect(full?.info?.model_context_window).toBe(100_000);
    expect(msgs(events, 'error')[0]?.codex_error_info).toBe('context_window_exceeded');
    expect(h.server.requests).toHaveLength(1);
    expect(h.delays).toEqual([]);
  });

  it('§14.21 insufficient_quota produces exactly one error with the quota message', async () => {
    h = await startEngine([{ events: [ev.created('r1'), ev.failed('r1', 'insufficient_quota', 'You exceeded your current quota.')] }]);

    await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([...userTurnStart, 'error', 'task_complete']);
    expect(msgs(events, 'error')).toEqual([
      { type: 'error', message: 'Quota exceeded. Check your plan and billing details.', codex_error_info: 'usage_limit_exceeded' },
    ]);
    expect(h.server.requests).toHaveLength(1);
  });
});
