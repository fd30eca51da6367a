import { afterEach, describe, expect, it } from 'vitest';
import { createThread, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { EventLog } from './harness.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

const usage = (input: number, output: number) => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });
const outputOf = (input: unknown[], callId: string) =>
  (input.find((i) => (i as { type: string; call_id?: string }).type === 'function_call_output' && (i as { call_id: string }).call_id === callId) as { output: string } | undefined)?.output;

describe('goal tools (§7.1, §14.64, §14.66, §14.68)', () => {
  it('create_goal starts the chain; update_goal refuses other statuses; complete stops it', async () => {
    const model = scriptedModel([
      scriptedTurn.functionCall('c1', 'create_goal', JSON.stringify({ objective: 'Write the docs' }), { usage: usage(100, 20) }),
      scriptedTurn.reply('Goal set.', { usage: usage(150, 10) }),
      // The automatic continuation turn:
      scriptedTurn.functionCall('c2', 'update_goal', JSON.stringify({ status: 'paused' }), { usage: usage(200, 10) }),
      scriptedTurn.functionCall('c3', 'update_goal', JSON.stringify({ status: 'complete' }), { usage: usage(250, 10) }),
      scriptedTurn.reply('All done.', { usage: usage(260, 5) }),
    ]);
    thread = await createThread({ model, cwd: '/tmp', ephemeral: true, builtinTools: { shell: false, applyPatch: false, updatePlan: false } });
    const log = new EventLog(thread);
    const first = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'please document everything' }] });
    await log.untilType('task_complete', { id: first });
    await log.until((e) => e.msg.type === 'task_complete' && e.id !== first);
    await thread.whenProcessed();
    await new Promise((r) => setTimeout(r, 20));

    expect(log.ofType('task_started')).toHaveLength(2);
    const updates = log.ofType('thread_goal_updated').map((u) => [u.goal.status, u.goal.tokensUsed]);
    expect(updates[0]).toEqual(['active', 0]);
    expect(updates.at(-1)?.[0]).toBe('complete');
    // Usage grows with each settled tool completion and turn end (non-cached input + output).
    const used = updates.map(([, n]) => n as number);
    expect([...used].sort((a, b) => a - b)).toEqual(used);
    expect(thread.getGoal()?.status).toBe('complete');
    expect(outputOf(model.requests[3]?.input ?? [], 'c2')).toBe('update_goal only accepts status "complete" (got "paused"); nothing was changed.');
    const continuation = model.requests[2]?.input.at(-1) as { role: string; content: Array<{ text: string }> };
    expect(continuation.role).toBe('developer');
    expect(continuation.content[0]?.text).toContain('Write the docs');
    expect(model.requests).toHaveLength(5);
  });

  it('create_goal refuses when a goal exists and changes nothing', async () => {
    const model = scriptedModel([
      scriptedTurn.functionCall('c1', 'create_goal', JSON.stringify({ objective: 'Another goal' })),
      scriptedTurn.reply('ok'),
    ]);
    thread = await createThread({ model, cwd: '/tmp', ephemeral: true, builtinTools: { shell: false, applyPatch: false, updatePlan: false } });
    const log = new EventLog(thread);
    await thread.setGoal({ objective: 'Existing goal', status: 'paused' });
    const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] });
    await log.untilType('task_complete', { id });
    expect(outputOf(model.requests[1]?.input ?? [], 'c1')).toBe('A goal already exists (paused): Existing goal. It was not replaced.');
    expect(thread.getGoal()).toMatchObject({ objective: 'Existing goal', status: 'paused' });
  });
});
