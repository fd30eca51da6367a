import { afterEach, describe, expect, it } from 'vitest';
import { createThread, type Logger, type SessionTask, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { controllableTask, deferred, EventLog } from './harness.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

describe('finishing a turn', () => {
  it('records input steered after the last request with its item lifecycle, before task_complete', async () => {
    thread = await createThread({ cwd: '/tmp', ephemeral: true });
    const log = new EventLog(thread);
    const gate = deferred<string>();
    const task: SessionTask<null> = { kind: 'regular', steerable: true, run: () => gate.promise };
    const turnId = await thread.spawnTask(task, null);
    await thread.steerInput([{ type: 'text', text: 'one more thing' }], turnId);
    gate.resolve('answer');
    await log.untilType('task_complete', { id: turnId });
    expect(log.types({ id: turnId, keepRaw: true })).toEqual([
      'task_started',
      'raw_response_item',
      'item_started',
      'item_completed',
      'user_message',
      'task_complete',
    ]);
    expect(log.ofType('user_message')[0]).toMatchObject({ message: 'one more thing', images: [] });
    const history = thread.actor.getSnapshot().context.history.items;
    expect(history).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'one more thing' }] }]);
  });

  it('trigger-turn mail starts a turn only when idle (spawn-if-idle refuses when busy)', async () => {
    const model = scriptedModel([scriptedTurn.reply('got mail')]);
    thread = await createThread({ model, cwd: '/tmp', ephemeral: true });
    const log = new EventLog(thread);
    const busy = controllableTask('busy');
    const busyId = await thread.spawnTask(busy.task, null);
    await busy.started;
    const mail = { author: 'agent-a', recipient: 'main', other_recipients: [], content: 'ping', trigger_turn: true };
    await thread.submit({ type: 'inter_agent_communication', communication: mail });
    await thread.whenProcessed();
    expect(log.ofType('task_started')).toHaveLength(1);
    busy.finish('done');
    await log.untilType('task_complete', { id: busyId });
    // Once idle, the queued trigger-turn mail starts its turn; the mail is an assistant message.
    const next = await log.until((e) => e.msg.type === 'task_complete' && e.id !== busyId);
    expect(next.msg).toMatchObject({ last_agent_message: 'got mail' });
    const input = model.requests[0]?.input ?? [];
    expect(input.at(-1)).toEqual({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: JSON.stringify(mail) }] });
  });
});

describe('diagnostics', () => {
  it('logs a warning for a decision whose approval is not pending', async () => {
    const warnings: string[] = [];
    const logger: Logger = { warn: (m) => warnings.push(m) };
    thread = await createThread({ cwd: '/tmp', ephemeral: true, logger });
    await thread.submit({ type: 'exec_approval', id: 'nobody', decision: 'approved' });
    const t = controllableTask('work');
    await thread.spawnTask(t.task, null);
    await thread.submit({ type: 'patch_approval', id: 'nobody', decision: 'denied' });
    await thread.whenProcessed();
    expect(warnings).toEqual([
      'ignoring an approval decision: no turn is active',
      'ignoring a decision for an approval that is not pending',
    ]);
  });
});

describe('view (read model)', () => {
  it('folds status, transcript, usage and pending approvals from the event stream', async () => {
    const usage = { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 };
    thread = await createThread({ model: scriptedModel([scriptedTurn.reply('Hi there', { usage })]), cwd: '/tmp', ephemeral: true });
    const log = new EventLog(thread);
    const statuses: unknown[] = [];
    thread.view.select((v) => v.status).subscribe((s) => statuses.push(s));
    const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hello' }] });
    await log.untilType('task_complete', { id });
    const view = thread.view.getSnapshot().context;
    expect(view.transcript).toEqual([
      { turnId: id, role: 'user', text: 'hello' },
      { turnId: id, role: 'assistant', text: 'Hi there' },
    ]);
    expect(view.tokenUsage?.total_token_usage.total_tokens).toBe(15);
    expect(view.activeTurnId).toBeNull();
    expect(statuses).toEqual(['running', { completed: 'Hi there' }]);
    const asker: SessionTask<null> = {
      kind: 'asker',
      async run(ctx) {
        ctx.emit({ type: 'exec_approval_request', call_id: 'c1', turn_id: ctx.turnId, command: ['make'], cwd: '/tmp', parsed_cmd: [] });
        return String(await ctx.requestApproval({ approvalId: 'c1', kind: 'exec' }));
      },
    };
    const askId = await thread.spawnTask(asker, null);
    await log.untilType('exec_approval_request', { id: askId });
    expect(thread.view.getSnapshot().context.pendingApprovals).toEqual([{ kind: 'exec', id: 'c1', turnId: askId, summary: 'make' }]);
    await thread.submit({ type: 'exec_approval', id: 'c1', decision: 'approved' });
    await log.untilType('task_complete', { id: askId });
    expect(thread.view.getSnapshot().context.pendingApprovals).toEqual([]);
  });
});
