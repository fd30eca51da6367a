/**
 * SPEC §14 items 2, 4 and 73: a simple turn's event order, its completion, and token counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ev } from 'turnstate/testing';
import { inputOf, kinds, msgs, readTurn, say, startEngine, userMessage, withoutInitialContext, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const rateLimitHeaders = { 'x-codex-primary-used-percent': '12.5', 'x-codex-primary-window-minutes': '300' };

describe('a simple turn', () => {
  it('§14.2 starts with task_started{turn_id = submission id} and ends with one task_complete carrying the answer', async () => {
    h = await startEngine([{ events: [ev.created('r1'), ev.assistantMessage('m1', 'Hello!'), ev.completed('r1')] }]);

    const id = await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(events[0]?.msg).toMatchObject({ type: 'task_started', turn_id: id });
    expect(events.every((e) => e.id === id)).toBe(true);
    expect(msgs(events, 'task_complete')).toEqual([expect.objectContaining({ turn_id: id, last_agent_message: 'Hello!' })]);
  });

  it('§14.4 emits the turn events in the reference order (rate-limit token_count from headers)', async () => {
    h = await startEngine([
      {
        headers: rateLimitHeaders,
        events: [
          ev.created('r1'),
          ev.messageAdded('m1'),
          ev.textDelta('Hel'),
          ev.textDelta('lo'),
          ev.assistantMessage('m1', 'Hello'),
          ev.completed('r1', { input_tokens: 10, output_tokens: 2, total_tokens: 12 }),
        ],
      },
    ]);

    await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([
      'task_started',
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'token_count',
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'token_count',
      'task_complete',
    ]);
    const [fromHeaders, withUsage] = msgs(events, 'token_count');
    expect(fromHeaders?.rate_limits?.primary?.used_percent).toBe(12.5);
    expect(withUsage?.info?.last_token_usage.total_tokens).toBe(12);
    expect(withoutInitialContext(inputOf(h.server, 0))).toEqual([userMessage('hi')]);
    expect(h.server.requests).toHaveLength(1);
  });

  it('§14.73 token_count total accumulates per response; last equals the most recent response', async () => {
    const answer = (id: string, usage: { input_tokens: number; output_tokens: number; total_tokens: number }) => ({
      events: [ev.created(id), ev.assistantMessage(`m-${id}`, 'ok'), ev.completed(id, usage)],
    });
    h = await startEngine([
      answer('r1', { input_tokens: 100, output_tokens: 20, total_tokens: 120 }),
      answer('r2', { input_tokens: 300, output_tokens: 5, total_tokens: 305 }),
    ]);

    await h.thread.submit(say('one'));
    const first = msgs(await readTurn(h.thread), 'token_count');
    await h.thread.submit(say('two'));
    const second = msgs(await readTurn(h.thread), 'token_count');

    expect([...first, ...second].map((t) => [t.info?.total_token_usage, t.info?.last_token_usage])).toEqual([
      [
        { input_tokens: 100, cached_input_tokens: 0, output_tokens: 20, reasoning_output_tokens: 0, total_tokens: 120 },
        { input_tokens: 100, cached_input_tokens: 0, output_tokens: 20, reasoning_output_tokens: 0, total_tokens: 120 },
      ],
      [
        { input_tokens: 400, cached_input_tokens: 0, output_tokens: 25, reasoning_output_tokens: 0, total_tokens: 425 },
        { input_tokens: 300, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 305 },
      ],
    ]);
  });
});
