/**
 * A host tool whose `execute` throws: the model's next request carries a failed
 * `function_call_output` for that call, and the turn completes normally.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from 'turnstate';
import { ev } from 'turnstate/testing';
import { inputOf, kinds, readTurn, say, startEngine, userMessage, withoutInitialContext, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a throwing tool', () => {
  it('yields a failed output to the model and the turn goes on to task_complete', async () => {
    const explode = defineTool({
      name: 'explode',
      description: 'Always throws',
      parameters: z.object({}),
      execute: () => {
        throw new Error('disk on fire');
      },
    });
    h = await startEngine(
      [
        { events: [ev.created('r1'), ev.functionCall('call_1', 'explode', '{}'), ev.completed('r1')] },
        { events: [ev.created('r2'), ev.assistantMessage('m2', 'the tool failed'), ev.completed('r2')] },
      ],
      { tools: [explode] },
    );
    await h.thread.submit(say('try it'));
    const events = await readTurn(h.thread);

    expect(h.server.requests).toHaveLength(2);
    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([
      userMessage('try it'),
      { type: 'function_call', call_id: 'call_1', name: 'explode', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'tool failed: disk on fire' },
    ]);
    expect(kinds(events)).not.toContain('error');
    expect(kinds(events).at(-1)).toBe('task_complete');
    expect(events.at(-1)).toMatchObject({ msg: { type: 'task_complete', last_agent_message: 'the tool failed' } });
  });
});
