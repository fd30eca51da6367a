/**
 * Sub-agents and the parent's lifecycle (SPEC §11.2): a child's exec approval answered on
 * the parent, a parent interrupt during `wait` (no live child, no child process, no pending
 * approval afterwards), shutdown and `close_agent` cascades, `send_input`, and the wait
 * timeout on a simulated clock.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { FULL_ACCESS, eventually, processesWith, say, shell, sleepMarker, startRig, type Rig } from '../integration/support.js';
import { CHILD, agentIdFrom, answer, call, calls, outputOf, routed } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const spawn = (callId: string, message = `${CHILD}: work`) => call(callId, 'spawn_agent', { message });
const waitFor = (callId: string, spawnCallId: string, timeoutMs?: number) => (req: Parameters<typeof agentIdFrom>[0]) =>
  calls(`w_${callId}`, call(callId, 'wait', { ids: [agentIdFrom(req, spawnCallId)], ...(timeoutMs === undefined ? {} : { timeout_ms: timeoutMs }) }));
const hold = { events: [], hold: true };

describe('a child approval', () => {
  it('is asked on the parent under its turn, answered there with exec_approval, then run by the child', async () => {
    const r = routed(
      [calls('p1', spawn('spawn_1')), waitFor('wait_1', 'spawn_1'), answer('p3', 'all done')],
      [calls('c1', shell('child_call', ['touch', 'made-by-child.txt'])), answer('c2', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate'));
    const request = await rig.log.until((e) => e.msg.type === 'exec_approval_request' && e.msg.call_id === 'child_call');
    expect(request.id).toBe(turn);
    expect(request.msg).toMatchObject({ call_id: 'child_call', turn_id: turn, command: ['touch', 'made-by-child.txt'] });
    expect(rig.thread.view.getSnapshot().context.pendingApprovals).toMatchObject([{ kind: 'exec', id: 'child_call', turnId: turn }]);
    expect(existsSync(path.join(rig.cwd, 'made-by-child.txt'))).toBe(false);

    await rig.thread.submit({ type: 'exec_approval', id: 'child_call', decision: 'approved' });
    await rig.log.untilType('task_complete', { id: turn });

    expect(existsSync(path.join(rig.cwd, 'made-by-child.txt'))).toBe(true);
    expect(outputOf(r.childRequests[1]!, 'child_call')).toMatch(/^Exit code: 0\n/);
    const childId = agentIdFrom(r.parentRequests[1]!, 'spawn_1');
    expect(JSON.parse(outputOf(r.parentRequests[2]!, 'wait_1')!)).toEqual({ status: { [childId]: { completed: 'child done' } }, timed_out: false });
  });
});

describe('a child approval while the parent is idle', () => {
  it('is shown on the parent stream and answered denied: the child goes on without running the command', async () => {
    const r = routed(
      [calls('p1', spawn('spawn_1')), answer('p2', 'spawned'), answer('p3')],
      [calls('c1', shell('child_call', ['touch', 'idle-parent.txt'])), answer('c2', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');
    await eventually(() => r.childRequests.length === 2, 10_000, 'the child to go on after the decision');

    const request = rig.log.events.find((e) => e.msg.type === 'exec_approval_request');
    expect(request?.msg).toMatchObject({ call_id: 'child_call' });
    expect(outputOf(r.childRequests[1]!, 'child_call')).toBe('exec command rejected by user');
    expect(existsSync(path.join(rig.cwd, 'idle-parent.txt'))).toBe(false);
  });
});

describe('interrupting the parent during wait', () => {
  it('leaves no live child and no child process', async () => {
    const marker = sleepMarker();
    const r = routed(
      [calls('p1', spawn('spawn_1')), waitFor('wait_1', 'spawn_1')],
      [calls('c1', shell('sleep_call', ['sleep', marker]))],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate'));
    await rig.log.untilType('collab_waiting_begin', { id: turn });
    await eventually(() => processesWith(marker).length > 0, 10_000, 'the child command to start');
    expect(rig.thread.subAgents()).toHaveLength(1);

    await rig.thread.submit({ type: 'interrupt' });
    await rig.log.untilType('turn_aborted', { id: turn });
    await rig.thread.whenProcessed();

    expect(rig.thread.subAgents()).toEqual([]);
    expect(processesWith(marker)).toEqual([]);
    expect(rig.log.ofType('collab_waiting_end')).toEqual([]);
  });

  it('leaves no pending approval, on the parent or in the child, and the command never runs', async () => {
    const r = routed(
      [calls('p1', spawn('spawn_1')), waitFor('wait_1', 'spawn_1')],
      [calls('c1', shell('child_call', ['touch', 'never.txt']))],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate'));
    await rig.log.until((e) => e.msg.type === 'exec_approval_request' && e.msg.call_id === 'child_call');

    await rig.thread.submit({ type: 'interrupt' });
    await rig.log.untilType('turn_aborted', { id: turn });
    await rig.thread.whenProcessed();

    expect(rig.thread.view.getSnapshot().context.pendingApprovals).toEqual([]);
    expect(Object.keys(rig.thread.actor.getSnapshot().children).filter((id) => id.startsWith('delegate:'))).toEqual([]);
    expect(rig.thread.subAgents()).toEqual([]);
    expect(existsSync(path.join(rig.cwd, 'never.txt'))).toBe(false);
  });
});

describe('closing agents', () => {
  it('close_agent shuts one child down with its own children and answers its status before the close', async () => {
    const r = routed(
      [
        calls('p1', spawn('spawn_1')),
        // Closed once the child and its grandchild are both at work.
        async (req) => {
          await eventually(() => r.childRequests.length === 3, 10_000, 'the child and the grandchild to be sampling');
          return calls('p2', call('close_1', 'close_agent', { id: agentIdFrom(req, 'spawn_1') }));
        },
        answer('p3', 'closed'),
      ],
      [calls('c1', call('spawn_g', 'spawn_agent', { message: `${CHILD}: grandchild` })), hold, hold],
    );
    rig = await startRig(r.script, { subAgents: { maxDepth: 2 }, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');

    const childId = agentIdFrom(r.parentRequests[1]!, 'spawn_1');
    expect(outputOf(r.parentRequests[2]!, 'close_1')).toBe(JSON.stringify({ status: 'running' }));
    expect(rig.log.ofType('collab_close_end')).toMatchObject([{ call_id: 'close_1', sender_thread_id: rig.thread.id, receiver_thread_id: childId, status: 'running' }]);
    expect(rig.thread.subAgents()).toEqual([]);
    // The grandchild's stream (held open) was cut when it shut down with its parent.
    await eventually(() => r.childRequests.every((req) => req.connection !== 'open'), 5000, 'every child stream to close');
    expect(r.childRequests).toHaveLength(3);
  });

  it('shutting the parent down shuts every live child down first', async () => {
    const r = routed([calls('p1', spawn('spawn_1')), answer('p2')], [hold]);
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');
    await eventually(() => r.childRequests.length === 1, 10_000, 'the child to be sampling');
    expect(rig.thread.subAgents().map((a) => a.depth)).toEqual([1]);

    await rig.thread.shutdown();
    expect(rig.thread.subAgents()).toEqual([]);
    expect(r.childRequests.map((req) => req.connection)).toEqual(['client_closed']);
  });
});

describe('slots', () => {
  it('a closed agent frees its slot: with maxThreads 1, spawn → close → spawn succeeds', async () => {
    const r = routed(
      [
        calls('p1', spawn('spawn_1')),
        (req) => calls('p2', call('close_1', 'close_agent', { id: agentIdFrom(req, 'spawn_1') })),
        calls('p3', spawn('spawn_2', `${CHILD}: again`)),
        answer('p4'),
      ],
      [hold, hold],
    );
    rig = await startRig(r.script, { subAgents: { maxThreads: 1 }, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');
    expect(JSON.parse(outputOf(r.parentRequests[3]!, 'spawn_2')!)).toEqual({ agent_id: expect.any(String) });
    expect(rig.thread.subAgents()).toHaveLength(1);
  });
});

describe('send_input and wait', () => {
  it('send_input queues a message for the child, which answers it in a later turn', async () => {
    const r = routed(
      [
        calls('p1', spawn('spawn_1')),
        waitFor('wait_1', 'spawn_1'),
        (req) => calls('p3', call('send_1', 'send_input', { id: agentIdFrom(req, 'spawn_1'), message: 'and one more thing' })),
        waitFor('wait_2', 'spawn_1'),
        answer('p5'),
      ],
      [answer('c1', 'first'), answer('c2', 'second')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');

    expect(JSON.parse(outputOf(r.parentRequests[3]!, 'send_1')!)).toEqual({ submission_id: expect.any(String) });
    expect(rig.log.ofType('collab_agent_interaction_end')).toMatchObject([{ call_id: 'send_1', prompt: 'and one more thing' }]);
    const wait2 = JSON.parse(outputOf(r.parentRequests[4]!, 'wait_2')!) as { status: Record<string, unknown> };
    expect(Object.values(wait2.status)).toEqual([{ completed: expect.stringMatching(/^(first|second)$/) }]);
  });

  it('wait times out on the thread clock (clamped to 10 s) with an empty status', async () => {
    const sim = new SimulatedClock();
    const r = routed([calls('p1', spawn('spawn_1')), waitFor('wait_1', 'spawn_1', 50), answer('p3')], [hold]);
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS, actorClock: sim });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('collab_waiting_begin');
    sim.increment(9_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rig.log.ofType('collab_waiting_end')).toEqual([]);
    sim.increment(1);
    await rig.log.untilType('task_complete');

    expect(JSON.parse(outputOf(r.parentRequests[2]!, 'wait_1')!)).toEqual({ status: {}, timed_out: true });
    expect(rig.log.ofType('collab_waiting_end')).toMatchObject([{ call_id: 'wait_1', statuses: {} }]);
  });
});
