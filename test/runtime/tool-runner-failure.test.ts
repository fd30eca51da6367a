/**
 * A tool runner that rejects inside the tool-call actor: the actor (spawned with the call item
 * as its input) ends in `failed` with the error's `{ code, message }` (an inspector sees it),
 * the model's next request carries a failed output for the call, and the turn completes.
 */
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { z } from 'zod';
import { createThread, defineTool } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { EventLog } from './harness.js';

describe('a rejecting tool runner', () => {
  it('ends its toolCall actor in failed, the model sees a failed output, and the turn still completes', async () => {
    const toolStates: Array<{ value: unknown; error: unknown; item: unknown }> = [];
    const inspect = (ev: InspectionEvent) => {
      if (ev.type !== '@xstate.snapshot') return;
      const snap = ev.snapshot as unknown as { machine?: { id: string }; value?: unknown; context?: { error?: unknown; item?: unknown } };
      if (snap.machine?.id === 'toolCall') toolStates.push({ value: snap.value, error: snap.context?.error ?? null, item: snap.context?.item });
    };
    const explode = defineTool({
      name: 'explode',
      description: 'Always rejects',
      parameters: z.object({}),
      execute: () => Promise.reject(Object.assign(new Error('runner crashed'), { code: 'runner_crashed' })),
    });
    const model = scriptedModel([scriptedTurn.functionCall('c1', 'explode', '{}'), scriptedTurn.reply('the tool failed')]);
    const thread = await createThread({ model, tools: [explode], builtinTools: false, cwd: '/tmp', ephemeral: true, inspect });
    const log = new EventLog(thread);
    const turnId = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'try it' }] });
    const done = await log.untilType('task_complete', { id: turnId });

    expect(done.msg.last_agent_message).toBe('the tool failed');
    expect(toolStates.at(-1)).toEqual({
      value: 'failed',
      error: { code: 'runner_crashed', message: 'runner crashed' },
      item: { type: 'function_call', call_id: 'c1', name: 'explode', arguments: '{}' },
    });
    expect(model.requests[1]?.input.at(-1)).toEqual({ type: 'function_call_output', call_id: 'c1', output: 'tool failed: runner crashed' });
    expect(log.events.map((e) => e.msg.type)).not.toContain('error');
    await thread.shutdown();
  });
});
