/**
 * SPEC §14 items 13 and 15: steered input waits for the in-flight request to finish and is
 * sent with the next one, inside the same turn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GatedRecorder } from '../support/gated-recorder.js';
import { ev, type ScriptedResponse } from 'turnstate/testing';
import { inputOf, kinds, msgs, readTurn, readUntil, say, startEngine, userMessage, withoutInitialContext, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Replayed without the server's id: requests are sent with `store: false`.
const assistant = (text: string) => ({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });

/** A response streamed slowly enough to act while it is in flight. */
const slow = (id: string, text: string): ScriptedResponse => ({
  events: [ev.created(id), ev.messageAdded('m1'), ev.textDelta(text), ev.assistantMessage('m1', text), ev.completed(id)],
  delayMs: 60,
});
const answer = (id: string, text: string): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage(`m-${id}`, text), ev.completed(id)] });

const turnEvents = [
  'task_started',
  'item_started:UserMessage',
  'item_completed:UserMessage',
  'user_message',
  'item_started:AgentMessage',
  'item_completed:AgentMessage',
  'agent_message',
  'token_count',
  'item_started:UserMessage',
  'item_completed:UserMessage',
  'user_message',
  'item_started:AgentMessage',
  'item_completed:AgentMessage',
  'agent_message',
  'token_count',
  'task_complete',
];

describe('steering', () => {
  it('§14.13 a user_input while streaming never interrupts the stream; it is sent in the next request', async () => {
    h = await startEngine([slow('r1', 'Working on it'), answer('r2', 'Done, also that')]);

    const turn = await h.thread.submit(say('do the thing'));
    const before = await readUntil(h.thread, 'agent_message_content_delta');
    const steer = await h.thread.submit(say('and also that'));
    const openWhenSteered = h.server.requests[0]?.connection;
    const rest = await readTurn(h.thread);
    const events = [...before, ...rest];

    expect(openWhenSteered).toBe('open');
    expect(await h.server.waitForClose(0)).toBe('finished');
    expect(kinds(events)).toEqual(turnEvents);
    expect(events.every((e) => e.id === turn)).toBe(true);
    expect(steer).not.toBe(turn);
    expect(withoutInitialContext(inputOf(h.server, 0))).toEqual([userMessage('do the thing')]);
    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([
      userMessage('do the thing'),
      assistant('Working on it'),
      userMessage('and also that'),
    ]);
    expect(msgs(events, 'task_complete')[0]?.last_agent_message).toBe('Done, also that');
  });

  it('§14.15 input steered after the final answer (stream still open) runs one more request in the same turn', async () => {
    h = await startEngine([slow('r1', 'All done'), answer('r2', 'Added the note')]);

    const turn = await h.thread.submit(say('finish up'));
    const before = await readUntil(h.thread, 'agent_message');
    const steeredInto = await h.thread.steerInput([{ type: 'text', text: 'one more thing' }], turn);
    const rest = await readTurn(h.thread);
    const events = [...before, ...rest];

    expect(steeredInto).toBe(turn);
    expect(h.server.requests).toHaveLength(2);
    expect(kinds(events)).toEqual(turnEvents);
    const steered = rest.map((e) => (e.msg.type === 'item_started' || e.msg.type === 'item_completed' ? `${e.msg.type}:${e.msg.item.type}` : e.msg.type));
    const at = steered.indexOf('item_started:UserMessage');
    expect(steered.slice(at - 1, at + 3)).toEqual(['raw_response_item', 'item_started:UserMessage', 'item_completed:UserMessage', 'user_message']);
    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([userMessage('finish up'), assistant('All done'), userMessage('one more thing')]);
    expect(msgs(events, 'task_started')).toHaveLength(1);
    expect(msgs(events, 'task_complete')[0]?.last_agent_message).toBe('Added the note');
  });

  it('§14.15 input steered once the task has finished is recorded at turn end, before task_complete, with no new request', async () => {
    const recorder = new GatedRecorder();
    h = await startEngine([answer('r1', 'All done'), answer('r2', 'Noted')], { recorder });
    const gate = recorder.armNextFlush();

    const turn = await h.thread.submit(say('finish up'));
    await gate.reached;
    await h.thread.steerInput([{ type: 'text', text: 'late note' }], turn);
    gate.release();
    const events = await readTurn(h.thread);
    await h.thread.submit(say('next'));
    await readTurn(h.thread);

    expect(kinds(events)).toEqual([
      'task_started',
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'token_count',
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'task_complete',
    ]);
    const tail = events.slice(-5).map((e) => (e.msg.type === 'item_started' || e.msg.type === 'item_completed' ? `${e.msg.type}:${e.msg.item.type}` : e.msg.type));
    expect(tail).toEqual(['raw_response_item', 'item_started:UserMessage', 'item_completed:UserMessage', 'user_message', 'task_complete']);
    expect(msgs(events, 'task_complete')[0]).toMatchObject({ turn_id: turn, last_agent_message: 'All done' });
    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([
      userMessage('finish up'),
      assistant('All done'),
      userMessage('late note'),
      userMessage('next'),
    ]);
  });
});
