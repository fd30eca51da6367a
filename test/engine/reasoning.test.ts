/**
 * Requests on reasoning models with `store: false`: the model capability table decides
 * `reasoning` and `include`, and follow-up requests replay only what the API can resolve
 * without stored state (reasoning with encrypted content, messages and calls without ids).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from 'turnstate';
import { ev } from 'turnstate/testing';
import { inputOf, readTurn, say, startEngine, userMessage, withoutInitialContext, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});
const bodyOf = (index: number) => h?.server.requests[index]?.body as Record<string, unknown>;
const encrypted = (id: string) => Buffer.from(`encrypted-reasoning:${id}`).toString('base64');

describe('reasoning models', () => {
  it('a tool turn on gpt-5.1 asks for encrypted reasoning and replays it, with assistant messages and calls sent without server ids', async () => {
    h = await startEngine(
      [
        {
          events: [
            ev.created('r1'),
            ev.reasoning('rs_1', ['Need to look it up']),
            ev.assistantMessage('msg_1', 'Looking it up.', 'commentary'),
            ev.itemDone({ type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'lookup', arguments: '{"word":"xstate"}', status: 'completed' }),
            ev.completed('r1'),
          ],
        },
        { events: [ev.created('r2'), ev.assistantMessage('msg_2', 'xstate: found', 'final_answer'), ev.completed('r2')] },
      ],
      { slug: 'gpt-5.1', tools: [lookup] },
    );
    await h.thread.submit(say('look up xstate'));
    const events = await readTurn(h.thread);
    expect(events.at(-1)?.msg).toMatchObject({ type: 'task_complete', last_agent_message: 'xstate: found' });

    for (const index of [0, 1]) {
      expect(bodyOf(index)).toMatchObject({ model: 'gpt-5.1', store: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'medium', summary: 'auto' } });
    }
    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([
      userMessage('look up xstate'),
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need to look it up' }], encrypted_content: encrypted('rs_1') },
      { type: 'message', role: 'assistant', phase: 'commentary', content: [{ type: 'output_text', text: 'Looking it up.' }] },
      { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"word":"xstate"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'xstate: found' },
    ]);
  });

  it('reasoning returned without encrypted content is left out of the follow-up request', async () => {
    h = await startEngine(
      [
        {
          events: [
            ev.created('r1'),
            ev.itemDone({ type: 'reasoning', id: 'rs_9', summary: [{ type: 'summary_text', text: 'hm' }] }),
            ev.functionCall('call_1', 'lookup', '{"word":"a"}'),
            ev.completed('r1'),
          ],
        },
        { events: [ev.created('r2'), ev.assistantMessage('msg_2', 'done'), ev.completed('r2')] },
      ],
      { slug: 'o4-mini', tools: [lookup] },
    );
    await h.thread.submit(say('go'));
    await readTurn(h.thread);
    expect(h.server.requests).toHaveLength(2);
    expect(withoutInitialContext(inputOf(h.server, 1)).map((item) => item.type)).toEqual(['message', 'function_call', 'function_call_output']);
  });

  it('a model without reasoning gets neither reasoning nor include, even with an effort configured', async () => {
    h = await startEngine([{ events: [ev.created('r1'), ev.assistantMessage('m1', 'hi'), ev.completed('r1')] }], { slug: 'gpt-4.1', effort: 'high' });
    await h.thread.submit(say('hi'));
    await readTurn(h.thread);
    expect(bodyOf(0)).not.toHaveProperty('reasoning');
    expect(bodyOf(0)).not.toHaveProperty('include');
  });

  it('the thread can override the table: a custom slug declared a reasoner without summaries', async () => {
    h = await startEngine([{ events: [ev.created('r1'), ev.assistantMessage('m1', 'hi'), ev.completed('r1')] }], {
      slug: 'acme-reasoner',
      effort: 'low',
      modelCapabilities: { reasoning: true, reasoningSummaries: false },
    });
    await h.thread.submit(say('hi'));
    await readTurn(h.thread);
    expect(bodyOf(0)).toMatchObject({ reasoning: { effort: 'low' }, include: ['reasoning.encrypted_content'] });
    expect(bodyOf(0).reasoning).not.toHaveProperty('summary');
  });
});
