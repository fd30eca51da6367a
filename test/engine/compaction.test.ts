/**
 * SPEC §14 items 33, 34 and 35: manual compaction's event order, the history the next
 * request sees, and automatic compaction before a turn and in the middle of one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from 'turnstate';
import { ev, type ScriptedResponse } from 'turnstate/testing';
import { SUMMARIZATION_PROMPT, SUMMARY_PREFIX } from '../../src/history/index.js';
import { inputOf, kinds, msgs, readTurn, say, startEngine, userMessage, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const answer = (id: string, text: string, total = 0): ScriptedResponse => ({
  events: [ev.created(id), ev.assistantMessage(`m-${id}`, text), ev.completed(id, { input_tokens: total, total_tokens: total })],
});
const summary = (id: string): ScriptedResponse => answer(id, 'SUMMARY: the user asked a question', 120);
// Replayed without the server's id: requests are sent with `store: false`.
const assistant = (text: string) => ({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const summaryMessage = userMessage(`${SUMMARY_PREFIX}\nSUMMARY: the user asked a question`);
const compactionEvents = [
  'item_started:ContextCompaction',
  'token_count',
  'token_count',
  'item_completed:ContextCompaction',
  'context_compacted',
  'warning',
];

describe('compaction', () => {
  it('§14.33 manual compact emits the reference event order', async () => {
    h = await startEngine([answer('r1', 'an answer'), summary('r2')]);
    await h.thread.submit(say('first question'));
    await readTurn(h.thread);

    const id = await h.thread.submit({ type: 'compact' });
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual(['task_started', ...compactionEvents, 'task_complete']);
    expect(events.every((e) => e.id === id)).toBe(true);
    const [started, completed] = [msgs(events, 'item_started')[0], msgs(events, 'item_completed')[0]];
    expect(completed?.item.id).toBe(started?.item.id);
    const [api, local] = msgs(events, 'token_count');
    expect(api?.info?.last_token_usage.total_tokens).toBe(120);
    expect(local?.info?.last_token_usage.total_tokens).toBeGreaterThan(0);
    expect(msgs(events, 'task_complete')[0]).toMatchObject({ turn_id: id, last_agent_message: null });
  });

  it('§14.34 the next request holds kept user messages, the summary, re-injected context, then the new message', async () => {
    h = await startEngine([answer('r1', 'an answer'), summary('r2'), answer('r3', 'ok')]);
    await h.thread.submit(say('first question'));
    await readTurn(h.thread);
    await h.thread.submit({ type: 'compact' });
    await readTurn(h.thread);

    await h.thread.submit(say('after compaction'));
    await readTurn(h.thread);

    const first = inputOf(h.server, 0);
    const context = first.slice(0, -1);
    expect(first.at(-1)).toEqual(userMessage('first question'));
    expect(context.map((i) => i.role)).toEqual(['developer', 'user']);
    expect(inputOf(h.server, 1)).toEqual([...first, assistant('an answer'), userMessage(SUMMARIZATION_PROMPT)]);
    expect(inputOf(h.server, 2)).toEqual([userMessage('first question'), summaryMessage, ...context, userMessage('after compaction')]);
  });

  it('§14.35 compacts before the turn at 90% of the window (below the config limit), without another task_started', async () => {
    h = await startEngine([answer('r1', 'an answer', 1_800), summary('r2'), answer('r3', 'ok')], {
      contextWindow: 2_000,
      engine: { autoCompactTokenLimit: 100_000 },
    });
    await h.thread.submit(say('first question'));
    await readTurn(h.thread);

    await h.thread.submit(say('second question'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([
      'task_started',
      ...compactionEvents,
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'token_count',
      'task_complete',
    ]);
    const context = inputOf(h.server, 0).slice(0, -1);
    expect(inputOf(h.server, 2)).toEqual([userMessage('first question'), summaryMessage, ...context, userMessage('second question')]);
  });

  it('§14.35 does not compact just below the limit', async () => {
    h = await startEngine([answer('r1', 'an answer', 1_799), answer('r2', 'ok')], { contextWindow: 2_000 });
    await h.thread.submit(say('first question'));
    await readTurn(h.thread);

    await h.thread.submit(say('second question'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).not.toContain('item_started:ContextCompaction');
    expect(h.server.requests).toHaveLength(2);
  });

  it('§14.35 compacts mid-turn at the config limit when a follow-up is needed, re-injecting context above the user message', async () => {
    const noop = defineTool({ name: 'noop', description: 'Does nothing', parameters: z.object({}), execute: () => 'done' });
    h = await startEngine(
      [
        { events: [ev.created('r1'), ev.functionCall('call_1', 'noop', '{}'), ev.completed('r1', { input_tokens: 5_000, total_tokens: 5_000 })] },
        summary('r2'),
        answer('r3', 'finished'),
      ],
      { tools: [noop], engine: { autoCompactTokenLimit: 5_000 } },
    );

    await h.thread.submit(say('do it'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([
      'task_started',
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'token_count',
      ...compactionEvents,
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'token_count',
      'task_complete',
    ]);
    const first = inputOf(h.server, 0);
    const context = first.slice(0, -1);
    const call = { type: 'function_call', call_id: 'call_1', name: 'noop', arguments: '{}' };
    const output = { type: 'function_call_output', call_id: 'call_1', output: 'done' };
    expect(inputOf(h.server, 1)).toEqual([...first, call, output, userMessage(SUMMARIZATION_PROMPT)]);
    expect(inputOf(h.server, 2)).toEqual([...context, userMessage('do it'), summaryMessage]);
  });
});
