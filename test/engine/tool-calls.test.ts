/**
 * SPEC §14 item 22: a function call runs its tool and the engine follows up with a request
 * carrying the call and its output, until a response has no tool calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from 'turnstate';
import { ev } from 'turnstate/testing';
import { inputOf, kinds, msgs, readTurn, say, startEngine, userMessage, withoutInitialContext, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('tool calls', () => {
  it('§14.22 runs each call and follows up with the call and its output until a response has no tool calls', async () => {
    const seen: Array<{ a: number; b: number }> = [];
    const add = defineTool({
      name: 'add',
      description: 'Adds two numbers',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: (args) => {
        seen.push(args);
        return String(args.a + args.b);
      },
    });
    h = await startEngine(
      [
        { events: [ev.created('r1'), ev.functionCall('call_1', 'add', '{"a":1,"b":2}'), ev.completed('r1')] },
        { events: [ev.created('r2'), ev.functionCall('call_2', 'add', '{"a":3,"b":4}'), ev.completed('r2')] },
        { events: [ev.created('r3'), ev.assistantMessage('m3', '1+2=3 and 3+4=7'), ev.completed('r3')] },
      ],
      { tools: [add] },
    );

    await h.thread.submit(say('add things'));
    const events = await readTurn(h.thread);

    expect(seen).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
    const call1 = { type: 'function_call', call_id: 'call_1', name: 'add', arguments: '{"a":1,"b":2}' };
    const call2 = { type: 'function_call', call_id: 'call_2', name: 'add', arguments: '{"a":3,"b":4}' };
    const out1 = { type: 'function_call_output', call_id: 'call_1', output: '3' };
    const out2 = { type: 'function_call_output', call_id: 'call_2', output: '7' };
    expect(h.server.requests).toHaveLength(3);
    expect(withoutInitialContext(inputOf(h.server, 0))).toEqual([userMessage('add things')]);
    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([userMessage('add things'), call1, out1]);
    expect(withoutInitialContext(inputOf(h.server, 2))).toEqual([userMessage('add things'), call1, out1, call2, out2]);
    expect((h.server.requests[0]?.body as { tools: unknown[] }).tools).toEqual([
      {
        type: 'function',
        name: 'add',
        description: 'Adds two numbers',
        parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
        strict: false,
      },
    ]);
    expect(kinds(events)).toEqual([
      'task_started',
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'token_count',
      'token_count',
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'token_count',
      'task_complete',
    ]);
    const raw = msgs(events, 'raw_response_item').map((e) => e.item.type);
    expect(raw).toEqual(['message', 'function_call', 'function_call_output', 'function_call', 'function_call_output', 'message']);
    expect(msgs(events, 'task_complete')[0]?.last_agent_message).toBe('1+2=3 and 3+4=7');
  });

  it('§14.22 runs the calls of one response concurrently and sends their outputs in call order', async () => {
    const log: string[] = [];
    const wait = defineTool({
      name: 'wait',
      description: 'Waits ms, then answers',
      parameters: z.object({ ms: z.number(), tag: z.string() }),
      execute: async ({ ms, tag }) => {
        log.push(`start ${tag}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${tag}`);
        return tag;
      },
    });
    h = await startEngine(
      [
        {
          events: [
            ev.created('r1'),
            ev.functionCall('call_slow', 'wait', '{"ms":60,"tag":"slow"}'),
            ev.functionCall('call_fast', 'wait', '{"ms":0,"tag":"fast"}'),
            ev.completed('r1'),
          ],
        },
        { events: [ev.created('r2'), ev.assistantMessage('m2', 'both done'), ev.completed('r2')] },
      ],
      { tools: [wait] },
    );

    await h.thread.submit(say('wait twice'));
    await readTurn(h.thread);

    expect(log).toEqual(['start slow', 'start fast', 'end fast', 'end slow']);
    expect(withoutInitialContext(inputOf(h.server, 1)).map((i) => [i.type, i.call_id ?? null, i.output ?? null])).toEqual([
      ['message', null, null],
      ['function_call', 'call_slow', null],
      ['function_call', 'call_fast', null],
      ['function_call_output', 'call_slow', 'slow'],
      ['function_call_output', 'call_fast', 'fast'],
    ]);
  });

  it('§14.22 returns a failed argument parse to the model as the output and continues', async () => {
    const add = defineTool({ name: 'add', description: 'Adds', parameters: z.object({ a: z.number() }), execute: ({ a }) => String(a) });
    h = await startEngine(
      [
        { events: [ev.created('r1'), ev.functionCall('call_1', 'add', '{"a":"one"}'), ev.completed('r1')] },
        { events: [ev.created('r2'), ev.assistantMessage('m2', 'sorry'), ev.completed('r2')] },
      ],
      { tools: [add] },
    );

    await h.thread.submit(say('add'));
    await readTurn(h.thread);

    const output = withoutInitialContext(inputOf(h.server, 1)).find((i) => i.type === 'function_call_output');
    expect(output).toEqual({ type: 'function_call_output', call_id: 'call_1', output: expect.stringMatching(/^failed to parse function arguments: a: /) });
  });
});
