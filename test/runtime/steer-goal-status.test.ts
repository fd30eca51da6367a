import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidRequestError,
  SteerInputError,
  agentStatusFromEvent,
  createThread,
  defineTool,
  type AgentStatus,
  type Thread,
} from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { controllableTask, deferred, EventLog } from './harness.js';
import { turnActorId } from '../../machines/actor-ids.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

const hi = [{ type: 'text' as const, text: 'more please' }];

describe('steerInput (§12, §14.59)', () => {
  it('reports the four refusal kinds and changes nothing', async () => {
    const gate = deferred();
    thread = await createThread({ model: scriptedModel([[{ type: 'created' }, { waitFor: gate.promise }, ...scriptedTurn.reply('x')]]), cwd: '/tmp' });
    const log = new EventLog(thread);
    await expect(thread.steerInput(hi)).rejects.toMatchObject({ kind: 'no_active_turn', message: 'no active turn to steer' });
    const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] });
    await log.untilType('task_started', { id });
    await expect(thread.steerInput([])).rejects.toMatchObject({ kind: 'empty_input' });
    await expect(thread.steerInput(hi, 'other-turn')).rejects.toMatchObject({
      kind: 'expected_turn_mismatch',
      message: `expected active turn id \`other-turn\` but found \`${id}\``,
    });
    const turn = thread.actor.getSnapshot().children[turnActorId(id)] as { getSnapshot(): { context: { pendingInput: unknown[] } } };
    expect(turn.getSnapshot().context.pendingInput).toEqual([]);
    await expect(thread.steerInput(hi, id)).resolves.toBe(id);
    expect(turn.getSnapshot().context.pendingInput).toHaveLength(1);
    gate.resolve();
    await log.untilType('task_complete', { id });
  });

  it('refuses to steer a compact turn; user_input then yields active_turn_not_steerable (§14.14)', async () => {
    const gate = deferred();
    thread = await createThread({ model: scriptedModel([[{ type: 'created' }, { waitFor: gate.promise }, ...scriptedTurn.reply('summary')]]), cwd: '/tmp' });
    const log = new EventLog(thread);
    const compactId = await thread.submit({ type: 'compact' });
    await log.untilType('task_started', { id: compactId });
    await expect(thread.steerInput(hi)).rejects.toBeInstanceOf(SteerInputError);
    await expect(thread.steerInput(hi)).rejects.toMatchObject({ kind: 'active_turn_not_steerable', turnKind: 'compact' });
    const inputId = await thread.submit({ type: 'user_input', items: hi });
    await thread.whenProcessed();
    expect(log.types({ id: inputId })).toEqual(['error']);
    expect(log.ofType('error')[0]).toMatchObject({
      message: 'cannot steer a compact turn',
      codex_error_info: { active_turn_not_steerable: { turn_kind: 'compact' } },
    });
    expect(thread.actor.getSnapshot().matches('active')).toBe(true);
    gate.resolve();
    await log.untilType('task_complete', { id: compactId });
  });

  it('injectResponseItems rejects empty input and records into history when idle', async () => {
    thread = await createThread({ cwd: '/tmp' });
    await expect(thread.injectResponseItems([])).rejects.toBeInstanceOf(InvalidRequestError);
    const where = await thread.injectResponseItems([{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'note' }] }]);
    expect(where).toBe('history');
    const { history } = thread.actor.getSnapshot().context;
    expect(history.items).toEqual([{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'note' }] }]);
  });
});

describe('goals (§7, seed lifecycle)', () => {
  it('set announces an active goal; interrupt pauses it before turn_aborted (seed order; §14.67 adapted)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const t = controllableTask('work');
    const turnId = await thread.spawnTask(t.task, null);
    await t.started;
    const goal = await thread.setGoal({ objective: 'Ship the release' });
    expect(goal).toMatchObject({ objective: 'Ship the release', status: 'active', tokensUsed: 0 });
    await thread.submit({ type: 'interrupt' });
    await thread.whenProcessed();
    const tail = log.events.filter((e) => e.id === turnId).map((e) => (e.msg.type === 'thread_goal_updated' ? `goal:${e.msg.goal.status}` : e.msg.type));
    expect(tail).toEqual(['task_started', 'goal:active', 'goal:paused', 'turn_aborted']);
    expect(thread.getGoal()?.status).toBe('paused');
    expect(thread.actor.getSnapshot().value).toBe('idle');
  });

  it('an active goal continues automatically after a turn, with the hidden continuation message', async () => {
    const model = scriptedModel([scriptedTurn.reply('first'), scriptedTurn.reply('still working')]);
    thread = await createThread({ model, cwd: '/tmp' });
    const log = new EventLog(thread);
    await thread.setGoal({ objective: 'Keep the docs in sync' });
    await log.untilType('task_complete');
    await thread.whenProcessed();
    // The continuation made no tool call, so the chain stops after it.
    expect(log.ofType('task_started')).toHaveLength(1);
    const last = model.requests[0]?.input.at(-1) as { role: string; content: Array<{ text: string }> };
    expect(last.role).toBe('developer');
    expect(last.content[0]?.text).toContain('<untrusted_objective>\nKeep the docs in sync\n</untrusted_objective>');
    expect(log.ofType('user_message')).toEqual([]);
  });

  it('reaching the budget marks the goal budgetLimited and injects one wrap-up message; the turn continues (§14.65)', async () => {
    const usage = { input_tokens: 600, cached_input_tokens: 0, output_tokens: 100, reasoning_output_tokens: 0, total_tokens: 700 };
    const model = scriptedModel([scriptedTurn.functionCall('call_1', 'noop', '{}', { usage }), scriptedTurn.reply('wrapped up')]);
    const noop = defineTool({ name: 'noop', description: 'does nothing', parameters: z.object({}), execute: () => 'ok' });
    thread = await createThread({ model, tools: [noop], cwd: '/tmp' });
    const log = new EventLog(thread);
    // An active goal set while idle starts a continuation turn, which calls the tool.
    await thread.setGoal({ objective: 'Small job', token_budget: 500 });
    const done = await log.untilType('task_complete');
    await thread.whenProcessed();
    expect(thread.getGoal()).toMatchObject({ status: 'budgetLimited', tokensUsed: 700 });
    const goalUpdates = log.ofType('thread_goal_updated').map((g) => [g.goal.status, g.goal.tokensUsed]);
    expect(goalUpdates).toEqual([
      ['active', 0],
      ['budgetLimited', 700],
    ]);
    const second = JSON.stringify(model.requests[1]?.input);
    expect(second.match(/Wrap up this turn soon/g)).toHaveLength(1);
    expect(log.ofType('turn_aborted')).toEqual([]);
    expect(done.msg.last_agent_message).toBe('wrapped up');
    // A budget-limited goal does not continue by itself.
    expect(log.ofType('task_started')).toHaveLength(1);
  });
});

describe('out-of-band elicitations (§14.69)', () => {
  it('0→1 pauses, 1→0 resumes, decrement at zero errors, no events', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    expect(thread.isPausedForElicitation()).toBe(false);
    expect(thread.incrementOutOfBandElicitationCount()).toBe(1);
    expect(thread.isPausedForElicitation()).toBe(true);
    expect(thread.decrementOutOfBandElicitationCount()).toBe(0);
    expect(thread.isPausedForElicitation()).toBe(false);
    expect(() => thread!.decrementOutOfBandElicitationCount()).toThrow('out-of-band elicitation count is already zero');
    await thread.whenProcessed();
    expect(log.types()).toEqual(['session_configured']);
  });
});

describe('agent status (§6, §14.52)', () => {
  it('maps lifecycle events to statuses', () => {
    expect(agentStatusFromEvent({ type: 'task_started', turn_id: 't', collaboration_mode_kind: 'default' })).toBe('running');
    expect(agentStatusFromEvent({ type: 'task_complete', turn_id: 't', last_agent_message: 'done' })).toEqual({ completed: 'done' });
    expect(agentStatusFromEvent({ type: 'turn_aborted', turn_id: 't', reason: 'interrupted' })).toBe('interrupted');
    expect(agentStatusFromEvent({ type: 'turn_aborted', turn_id: 't', reason: 'budget_limited' })).toBe('interrupted');
    expect(agentStatusFromEvent({ type: 'turn_aborted', turn_id: 't', reason: 'replaced' })).toEqual({ errored: 'Replaced' });
    expect(agentStatusFromEvent({ type: 'error', message: 'boom' })).toEqual({ errored: 'boom' });
    expect(agentStatusFromEvent({ type: 'shutdown_complete' })).toBe('shutdown');
    expect(agentStatusFromEvent({ type: 'warning', message: 'w' })).toBeNull();
  });

  it('follows the stream: pending_init → running → completed → running → interrupted → shutdown', async () => {
    thread = await createThread({ model: scriptedModel([scriptedTurn.reply('ok')]), cwd: '/tmp' });
    const seen: AgentStatus[] = [thread.status()];
    thread.onStatus((s) => seen.push(s));
    const log = new EventLog(thread);
    const id = await thread.submit({ type: 'user_input', items: hi });
    await log.untilType('task_complete', { id });
    const t = controllableTask('work');
    await thread.spawnTask(t.task, null);
    await t.started;
    await thread.submit({ type: 'interrupt' });
    await thread.shutdown();
    expect(seen).toEqual(['pending_init', 'running', { completed: 'ok' }, 'running', 'interrupted', 'shutdown']);
  });
});
