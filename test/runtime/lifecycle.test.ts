import { afterEach, describe, expect, it } from 'vitest';
import { createThread, ThreadClosedError, TURN_ABORTED_MARKER_TEXT, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { controllableTask, deferred, EventLog, historyTexts } from './harness.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

const text = (t: string) => ({ type: 'user_input' as const, items: [{ type: 'text' as const, text: t }] });

describe('thread start', () => {
  it('emits session_configured with id "" before anything else (§14.1)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const first = await thread.nextEvent();
    expect(first.id).toBe('');
    expect(first.msg.type).toBe('session_configured');
    expect(first.msg).toMatchObject({ session_id: thread.id, cwd: '/tmp', approval_policy: 'on-request' });
  });
});

describe('a simple turn', () => {
  it('starts with task_started{turn_id = submission id} and ends with one task_complete carrying the answer (§14.2, §14.3)', async () => {
    const model = scriptedModel([scriptedTurn.reply('Hello!')]);
    thread = await createThread({ model, cwd: '/tmp' });
    const log = new EventLog(thread);
    const id = await thread.submit(text('hi'));
    await log.untilType('task_complete', { id });
    const turnEvents = log.events.filter((e) => e.msg.type !== 'session_configured');
    expect(turnEvents.every((e) => e.id === id)).toBe(true);
    expect(log.types({ id })).toEqual([
      'task_started',
      'item_started',
      'item_completed',
      'user_message',
      'item_started',
      'item_completed',
      'agent_message',
      'token_count',
      'task_complete',
    ]);
    expect(log.ofType('task_started')[0]?.turn_id).toBe(id);
    expect(log.ofType('task_complete')).toEqual([expect.objectContaining({ turn_id: id, last_agent_message: 'Hello!' })]);
  });

  it('rejects empty input with an error and starts no turn, even when idle (§14.75)', async () => {
    thread = await createThread({ model: scriptedModel([]), cwd: '/tmp' });
    const log = new EventLog(thread);
    const id = await thread.submit({ type: 'user_input', items: [] });
    await thread.whenProcessed();
    expect(log.types({ id })).toEqual(['error']);
    expect(log.ofType('error')[0]).toMatchObject({ message: 'input must not be empty', codex_error_info: 'bad_request' });
    expect(thread.actor.getSnapshot().value).toBe('idle');
  });

  it('rejects a malformed op at submit with zod issues and changes nothing', async () => {
    thread = await createThread({ cwd: '/tmp' });
    // JavaScript hosts and JSON off the wire skip the compile-time check; the runtime one stays.
    // @ts-expect-error a misspelled input item type
    await expect(thread.submit({ type: 'user_input', items: [{ type: 'txt', text: 'x' }] })).rejects.toMatchObject({
      code: 'invalid_input',
      issues: expect.arrayContaining([expect.objectContaining({ path: ['items', 0, 'type'] })]),
    });
    // @ts-expect-error an op type that does not exist
    await expect(thread.submit({ type: 'no_such_op' })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(thread.actor.getSnapshot().value).toBe('idle');
  });
});

describe('interrupts', () => {
  it('aborts the running turn with turn_aborted{interrupted}, no task_complete, and a marker in history (§14.5, §14.76)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const t = controllableTask('work');
    const turnId = await thread.spawnTask(t.task, null);
    await t.started;
    await thread.submit({ type: 'interrupt' });
    await thread.whenProcessed();
    expect(log.types({ id: turnId })).toEqual(['task_started', 'turn_aborted']);
    expect(log.ofType('turn_aborted')[0]).toMatchObject({ turn_id: turnId, reason: 'interrupted' });
    expect(historyTexts(thread)).toEqual([TURN_ABORTED_MARKER_TEXT]);
    expect(thread.status()).toBe('interrupted');
  });

  it('changes nothing when idle', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const id = await thread.submit({ type: 'interrupt' });
    await thread.whenProcessed();
    expect(log.types({ id })).toEqual([]);
    expect(historyTexts(thread)).toEqual([]);
    expect(thread.actor.getSnapshot().value).toBe('idle');
  });

  it('never surfaces a force-stopped task’s late events or history (§14.6)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const t = controllableTask('stubborn', 'nonCooperative');
    const turnId = await thread.spawnTask(t.task, null);
    await t.started;
    await thread.submit({ type: 'interrupt' });
    await thread.whenProcessed();
    t.finish('late result');
    await new Promise((r) => setTimeout(r, 20));
    expect(t.state.lateEmitted).toBe(true);
    expect(log.types({ id: turnId })).toEqual(['task_started', 'turn_aborted']);
    expect(log.ofType('agent_message')).toEqual([]);
    expect(historyTexts(thread)).toEqual([TURN_ABORTED_MARKER_TEXT]);
  });
});

describe('replacing', () => {
  it('a new task over an active one aborts it with replaced first, writing no marker (§14.11, §14.76)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const first = controllableTask('first');
    const firstId = await thread.spawnTask(first.task, null);
    await first.started;
    const second = controllableTask('second');
    const secondId = await thread.spawnTask(second.task, null);
    await second.started;
    await log.untilType('task_started', { id: secondId });
    const lifecycle = log.events
      .filter((e) => ['task_started', 'turn_aborted', 'task_complete'].includes(e.msg.type))
      .map((e) => `${e.id === firstId ? 'first' : e.id === secondId ? 'second' : e.id}:${e.msg.type}`);
    expect(lifecycle).toEqual(['first:task_started', 'first:turn_aborted', 'second:task_started']);
    expect(log.ofType('turn_aborted')[0]).toMatchObject({ reason: 'replaced' });
    expect(historyTexts(thread)).toEqual([]);
    expect(thread.status()).toEqual('running');
    second.finish('ok');
    await log.untilType('task_complete', { id: secondId });
  });

  it('undo replaces an active turn and reports no snapshot', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const t = controllableTask('work');
    const turnId = await thread.spawnTask(t.task, null);
    await t.started;
    const undoId = await thread.submit({ type: 'undo' });
    await log.untilType('task_complete', { id: undoId });
    expect(log.types({ id: turnId })).toEqual(['task_started', 'turn_aborted']);
    expect(log.types({ id: undoId })).toEqual(['undo_started', 'undo_completed', 'task_complete']);
    expect(log.ofType('undo_completed')[0]).toMatchObject({ success: false, message: 'No ghost snapshot available to undo.' });
  });
});

describe('steering user input', () => {
  it('input during an active regular turn starts no new turn and reaches the next request (§14.12, §14.13)', async () => {
    const gate = deferred();
    const model = scriptedModel([
      [{ type: 'created' }, { waitFor: gate.promise }, ...scriptedTurn.reply('first answer')],
      scriptedTurn.reply('second answer'),
    ]);
    thread = await createThread({ model, cwd: '/tmp' });
    const log = new EventLog(thread);
    const id = await thread.submit(text('first'));
    await log.untilType('task_started', { id });
    while (model.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
    const steerId = await thread.submit(text('second'));
    await thread.whenProcessed();
    expect(model.requests).toHaveLength(1);
    gate.resolve();
    await log.untilType('task_complete', { id });
    expect(log.types({ id: steerId })).toEqual([]);
    expect(log.ofType('task_started')).toHaveLength(1);
    expect(log.ofType('turn_aborted')).toHaveLength(0);
    expect(model.requests).toHaveLength(2);
    const lastInput = JSON.stringify(model.requests[1]?.input.at(-1));
    expect(lastInput).toContain('second');
    expect(JSON.stringify(model.requests[0]?.input)).not.toContain('second');
    expect(log.ofType('task_complete')[0]?.last_agent_message).toBe('second answer');
  });
});

describe('shutdown', () => {
  it('during a turn emits turn_aborted{interrupted} then shutdown_complete; later submissions fail (§14.53)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const t = controllableTask('work');
    const turnId = await thread.spawnTask(t.task, null);
    await t.started;
    const shutdownId = await thread.submit({ type: 'shutdown' });
    await log.done;
    expect(log.events.slice(-2).map((e) => [e.id, e.msg.type])).toEqual([
      [turnId, 'turn_aborted'],
      [shutdownId, 'shutdown_complete'],
    ]);
    await expect(thread.submit({ type: 'interrupt' })).rejects.toBeInstanceOf(ThreadClosedError);
    await expect(thread.nextEvent()).rejects.toBeInstanceOf(ThreadClosedError);
    expect(thread.status()).toBe('shutdown');
  });
});
