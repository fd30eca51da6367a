/**
 * Sub-agents through full turns (SPEC §11.2): spawn_agent → wait → answer on the parent, the
 * collab events around the calls, the child's own rollout with its spawn edge, the
 * `<subagent_notification>` that starts no turn, and the depth and thread limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlThreadStore, listThreads } from 'turnstate';
import { deferred } from 'turnstate/testing';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { FULL_ACCESS, eventually, say, startRig, type Rig } from '../integration/support.js';
import { CHILD, agentIdFrom, answer, call, calls, outputOf, routed, toolNames, userTexts } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const spawn = (callId: string, message = `${CHILD}: say hi`) => call(callId, 'spawn_agent', { message });
const NOTIFICATION = /^<subagent_notification>\n\{"agent_path":"[^"]+","status":\{"completed":"child done"\}\}\n<\/subagent_notification>$/;

describe('spawn_agent and wait', () => {
  it('spawns a child thread, waits for it, and reports it with collab events', async () => {
    const r = routed(
      [
        calls('p1', spawn('spawn_1')),
        (req) => calls('p2', call('wait_1', 'wait', { ids: [agentIdFrom(req, 'spawn_1')] })),
        answer('p3', 'all done'),
      ],
      [answer('c1', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate please'));
    await rig.log.untilType('task_complete', { id: turn });

    const childId = agentIdFrom(r.parentRequests[1]!, 'spawn_1');
    const collab = rig.log.events.filter((e) => e.msg.type.startsWith('collab_')).map((e) => e.msg);
    expect(collab.map((m) => m.type)).toEqual(['collab_agent_spawn_begin', 'collab_agent_spawn_end', 'collab_waiting_begin', 'collab_waiting_end']);
    expect(collab[0]).toMatchObject({ call_id: 'spawn_1', sender_thread_id: rig.thread.id, prompt: `${CHILD}: say hi`, model: '', reasoning_effort: 'medium' });
    expect(collab[1]).toMatchObject({ call_id: 'spawn_1', sender_thread_id: rig.thread.id, new_thread_id: childId, model: 'test-model' });
    expect(collab[2]).toMatchObject({ call_id: 'wait_1', receiver_thread_ids: [childId] });
    expect(collab[3]).toMatchObject({ call_id: 'wait_1', statuses: { [childId]: { completed: 'child done' } }, agent_statuses: [{ thread_id: childId, status: { completed: 'child done' } }] });

    expect(outputOf(r.parentRequests[1]!, 'spawn_1')).toBe(JSON.stringify({ agent_id: childId }));
    expect(JSON.parse(outputOf(r.parentRequests[2]!, 'wait_1')!)).toEqual({ status: { [childId]: { completed: 'child done' } }, timed_out: false });
    // The child ran its own conversation: its task, not the parent's history.
    expect(r.childRequests).toHaveLength(1);
    expect(userTexts(r.childRequests[0]!).filter((t) => !t.startsWith('<'))).toEqual([`${CHILD}: say hi`]);
    // The parent was told, inside the running turn, without a turn of its own.
    const notified = [...r.parentRequests].flatMap((req) => userTexts(req)).filter((t) => t.startsWith('<subagent_notification>'));
    expect(notified[0]).toMatch(NOTIFICATION);
    expect(rig.log.ofType('task_started')).toHaveLength(1);
  });

  it('records the spawn edge in the child rollout, which listThreads shows', async () => {
    const r = routed([calls('p1', spawn('spawn_1')), answer('p2')], [answer('c1', 'child done')]);
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');
    const childId = agentIdFrom(r.parentRequests[1]!, 'spawn_1');
    await rig.thread.shutdown();

    const { threads } = await listThreads(new JsonlThreadStore({ home: rig.home }));
    const child = threads.find((t) => t.threadId === childId);
    const parent = threads.find((t) => t.threadId === rig!.thread.id);
    expect(child?.spawnedBy).toEqual({ parentThreadId: rig.thread.id, depth: 1 });
    expect(child?.preview).toBe(`${CHILD}: say hi`);
    expect(parent?.spawnedBy).toBeNull();
  });

  it('a child finishing after the parent went idle is recorded in its history without starting a turn', async () => {
    const release = deferred<void>();
    const r = routed(
      [calls('p1', spawn('spawn_1')), answer('p2', 'spawned'), answer('p3', 'noted')],
      [async () => (await release.promise, answer('c1', 'child done'))],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');
    release.resolve();
    const childId = agentIdFrom(r.parentRequests[1]!, 'spawn_1');
    await expect.poll(() => rig!.thread.subAgents()[0]?.status).toEqual({ completed: 'child done' });
    await rig.thread.whenProcessed();
    expect(rig.log.ofType('task_started')).toHaveLength(1);

    await rig.thread.submit(say('anything new?'));
    await rig.log.until((e) => e.msg.type === 'task_complete' && rig!.log.ofType('task_complete').length === 2);
    const texts = userTexts(r.parentRequests[2]!);
    const at = texts.findIndex((t) => t.startsWith('<subagent_notification>'));
    expect(texts[at]).toBe(`<subagent_notification>\n${JSON.stringify({ agent_path: childId, status: { completed: 'child done' } })}\n</subagent_notification>`);
    expect(texts.indexOf('anything new?')).toBeGreaterThan(at);
  });
});

describe('spawn overrides', () => {
  it("runs the child on the model the spawn names, and reports it in collab_agent_spawn_end", async () => {
    const r = routed([calls('p1', call('spawn_1', 'spawn_agent', { message: `${CHILD}: x`, model: 'other-model', reasoning_effort: 'high' })), answer('p2')], [answer('c1')]);
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('go'));
    await rig.log.untilType('task_complete');
    await eventually(() => r.childRequests.length === 1, 10_000, 'the child request');
    expect([(r.parentRequests[0]!.body as { model: string }).model, (r.childRequests[0]!.body as { model: string }).model]).toEqual(['test-model', 'other-model']);
    expect(rig.log.ofType('collab_agent_spawn_begin')).toMatchObject([{ model: 'other-model', reasoning_effort: 'high' }]);
    expect(rig.log.ofType('collab_agent_spawn_end')).toMatchObject([{ model: 'other-model', reasoning_effort: 'high' }]);
  });
});

describe('fork_context', () => {
  it("starts the child from the parent's conversation, with the spawn call answered, then its task", async () => {
    const r = routed(
      [calls('p1', call('spawn_1', 'spawn_agent', { message: `${CHILD}: go on`, fork_context: true })), answer('p2'), answer('p3')],
      [answer('c1', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('the bug is in parse.ts'));
    await rig.log.untilType('task_complete');
    await eventually(() => r.childRequests.length === 1, 10_000, 'the child request');

    const input = (r.childRequests[0]!.body as { input: Array<Record<string, unknown>> }).input;
    const texts = userTexts(r.childRequests[0]!).filter((t) => !t.startsWith('<'));
    expect(texts).toEqual(['the bug is in parse.ts', `${CHILD}: go on`]);
    const spawnOutput = input.find((i) => i.type === 'function_call_output' && i.call_id === 'spawn_1');
    expect(spawnOutput?.output).toMatch(/^You were spawned as a new agent\./);
    expect(input.some((i) => i.type === 'function_call' && i.call_id === 'spawn_1')).toBe(true);
  });

  it('refuses a model or reasoning_effort change together with fork_context', async () => {
    const r = routed([calls('p1', call('spawn_1', 'spawn_agent', { message: `${CHILD}: x`, fork_context: true, model: 'other' })), answer('p2')], []);
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('go'));
    await rig.log.untilType('task_complete');
    expect(outputOf(r.parentRequests[1]!, 'spawn_1')).toMatch(/^fork_context cannot be combined with model or reasoning_effort/);
    expect(rig.thread.subAgents()).toEqual([]);
  });
});

describe('the actor tree', () => {
  it('shows each spawned agent as a delegate under the parent thread (systemId delegate:<id>), and the child root to the same inspector', async () => {
    const actors: AnyActorRef[] = [];
    const inspect = (event: InspectionEvent) => {
      if (event.type === '@xstate.actor') actors.push(event.actorRef as AnyActorRef);
    };
    const r = routed([calls('p1', spawn('spawn_1')), answer('p2')], [{ events: [], hold: true }]);
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS, inspect });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');
    const childId = agentIdFrom(r.parentRequests[1]!, 'spawn_1');

    const delegate = rig.thread.actor.system.get(`delegate:${childId}`) as AnyActorRef | undefined;
    expect(delegate?.getSnapshot().context).toMatchObject({ childThreadId: childId, kind: 'thread_spawn' });
    expect(delegate?.getSnapshot().value).toEqual({ live: 'running' });
    expect(Object.keys(rig.thread.actor.getSnapshot().children)).toContain(`delegate:${childId}`);
    const childRoot = actors.find((a) => a.getSnapshot().context?.threadId === childId);
    expect(childRoot?.getSnapshot().status).toBe('active');

    await rig.thread.submit({ type: 'interrupt' });
    await rig.thread.whenProcessed();
    expect(rig.thread.actor.system.get(`delegate:${childId}`)).toBeUndefined();
    await eventually(() => childRoot?.getSnapshot().status === 'done', 5000, 'the child root actor to stop');
  });
});

describe('limits', () => {
  it('children at the maximum depth get no collab tools and answer a spawn with the depth-limit message', async () => {
    const r = routed(
      [calls('p1', spawn('spawn_1')), (req) => calls('p2', call('wait_1', 'wait', { ids: [agentIdFrom(req, 'spawn_1')] })), answer('p3')],
      [calls('c1', call('spawn_2', 'spawn_agent', { message: 'grandchild' })), answer('c2', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: { maxDepth: 1 }, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');

    expect(toolNames(r.parentRequests[0]!)).toEqual(expect.arrayContaining(['spawn_agent', 'send_input', 'wait', 'close_agent']));
    expect(toolNames(r.childRequests[0]!).filter((n) => ['spawn_agent', 'send_input', 'wait', 'close_agent'].includes(n))).toEqual([]);
    expect(outputOf(r.childRequests[1]!, 'spawn_2')).toBe('Agent depth limit reached. Solve the task yourself.');
  });

  it('a spawn past maxThreads answers the thread-limit message and creates nothing', async () => {
    const hold = { events: [], hold: true };
    const r = routed(
      [calls('p1', spawn('spawn_1'), spawn('spawn_2', `${CHILD}: second`)), answer('p2')],
      [hold, hold],
    );
    rig = await startRig(r.script, { subAgents: { maxThreads: 1 }, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('two please'));
    await rig.log.untilType('task_complete');

    const outputs = ['spawn_1', 'spawn_2'].map((id) => outputOf(r.parentRequests[1]!, id));
    expect(outputs.filter((o) => o === 'collab spawn failed: agent thread limit reached (max 1)')).toHaveLength(1);
    expect(rig.thread.subAgents()).toHaveLength(1);
    const ends = rig.log.ofType('collab_agent_spawn_end');
    expect(ends.map((e) => e.new_thread_id === null).sort()).toEqual([false, true]);
  });
});
