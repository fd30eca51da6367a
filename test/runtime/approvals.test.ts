import { afterEach, describe, expect, it } from 'vitest';
import { AskForApproval, ReviewDecision, createThread, type ReviewDecision as Decision, type SessionTask, type Thread } from 'turnstate';
import { EventLog } from './harness.js';
import { approvalActorId, turnActorId } from '../../machines/actor-ids.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

/** A task that asks for one exec approval and reports what it got. */
function askingTask(approvalId: string, sessionKey?: string) {
  const outcome: { decision?: Decision; error?: string } = {};
  let resolveAsked!: () => void;
  const asked = new Promise<void>((r) => (resolveAsked = r));
  const task: SessionTask<null> = {
    kind: 'asker',
    async run(ctx, _input, signal) {
      ctx.emit({ type: 'exec_approval_request', call_id: approvalId, turn_id: ctx.turnId, command: ['rm', '-rf', 'build'], cwd: '/tmp', parsed_cmd: [] });
      const wait = ctx.requestApproval({ approvalId, kind: 'exec', ...(sessionKey ? { sessionKey } : {}) });
      resolveAsked();
      try {
        outcome.decision = await wait;
        const rejected = outcome.decision === 'denied';
        ctx.emit({ type: 'agent_message', message: rejected ? 'exec command rejected by user' : 'ran it', phase: null });
        return rejected ? 'rejected' : 'ran';
      } catch (err) {
        outcome.error = (err as Error).name;
        if (!signal.aborted) throw err;
        return null;
      }
    },
  };
  return { task, outcome, asked };
}

const turnChild = (t: Thread, turnId: string) =>
  (t.actor.getSnapshot().children as Record<string, { getSnapshot(): { children: Record<string, unknown> } }>)[turnActorId(turnId)];

/** Records how an approval actor resolved and the thread status at that moment. */
function watchResolution(t: Thread, turnId: string, approvalId: string): string[] {
  const approval = turnChild(t, turnId)?.getSnapshot().children[approvalActorId(approvalId)] as {
    subscribe(cb: (s: { status: string; value: string; output?: { decision: Decision } }) => void): unknown;
  };
  const resolvedWhile: string[] = [];
  approval.subscribe((s) => {
    if (s.status === 'done') resolvedWhile.push(`${s.value}:${s.output?.decision}:${JSON.stringify(t.status())}`);
  });
  return resolvedWhile;
}

describe('exec approvals', () => {
  it('a decision resolves the pending approval and the turn continues', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const a = askingTask('call_1');
    const turnId = await thread.spawnTask(a.task, null);
    await a.asked;
    await thread.submit({ type: 'exec_approval', id: 'call_1', decision: 'denied' });
    await log.untilType('task_complete', { id: turnId });
    expect(a.outcome).toEqual({ decision: 'denied' });
    expect(log.types({ id: turnId })).toEqual(['task_started', 'exec_approval_request', 'agent_message', 'task_complete']);
  });

  it('approved_for_session is remembered for the thread', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const a = askingTask('call_1', 'exec:rm -rf build');
    const turnId = await thread.spawnTask(a.task, null);
    await a.asked;
    await thread.submit({ type: 'exec_approval', id: 'call_1', decision: 'approved_for_session' });
    await log.untilType('task_complete', { id: turnId });
    expect(a.outcome.decision).toBe('approved_for_session');
    expect(thread.actor.getSnapshot().context.sessionApprovals).toEqual(['exec:rm -rf build']);
  });

  it('abort interrupts the turn; the waiter never sees a rejection before turn_aborted (§14.10, §14.25)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const a = askingTask('call_1');
    const turnId = await thread.spawnTask(a.task, null);
    await a.asked;
    const resolvedWhile = watchResolution(thread, turnId, 'call_1');
    await thread.submit({ type: 'exec_approval', id: 'call_1', decision: 'abort' });
    await thread.whenProcessed();
    expect(log.types({ id: turnId })).toEqual(['task_started', 'exec_approval_request', 'turn_aborted']);
    expect(log.ofType('turn_aborted')[0]).toMatchObject({ reason: 'interrupted' });
    expect(a.outcome).toEqual({ error: 'AbortError' });
    // The approval resolved (as `abort`) only once turn_aborted had been delivered.
    expect(resolvedWhile).toEqual(['aborted:abort:"interrupted"']);
    expect(log.ofType('agent_message')).toEqual([]);
  });

  it('an interrupt clears a pending exec approval as abort, after turn_aborted (§14.10)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const a = askingTask('call_1');
    const turnId = await thread.spawnTask(a.task, null);
    await a.asked;
    const resolvedWhile = watchResolution(thread, turnId, 'call_1');
    await thread.submit({ type: 'interrupt' });
    await thread.whenProcessed();
    expect(resolvedWhile).toEqual(['cleared:abort:"interrupted"']);
    expect(log.types({ id: turnId })).toEqual(['task_started', 'exec_approval_request', 'turn_aborted']);
  });

  it('a decision for an unknown or stale id is ignored with no event and releases nothing (§14.26)', async () => {
    thread = await createThread({ cwd: '/tmp' });
    const log = new EventLog(thread);
    const first = askingTask('call_1');
    const firstTurn = await thread.spawnTask(first.task, null);
    await first.asked;
    await thread.submit({ type: 'exec_approval', id: 'call_1', decision: 'approved' });
    await log.untilType('task_complete', { id: firstTurn });
    const second = askingTask('call_2');
    const secondTurn = await thread.spawnTask(second.task, null);
    await second.asked;
    const before = log.events.length;
    const stale = await thread.submit({ type: 'exec_approval', id: 'call_1', decision: 'approved' });
    const unknown = await thread.submit({ type: 'patch_approval', id: 'nope', decision: 'approved' });
    await thread.whenProcessed();
    expect(log.events.slice(before).filter((e) => e.id === stale || e.id === unknown)).toEqual([]);
    expect(second.outcome).toEqual({});
    await thread.submit({ type: 'exec_approval', id: 'call_2', decision: 'approved' });
    await log.untilType('task_complete', { id: secondTurn });
    expect(second.outcome).toEqual({ decision: 'approved' });
  });
});

describe('decision and policy defaults (§14.27)', () => {
  it('ReviewDecision defaults to denied; AskForApproval to on-request', () => {
    expect(ReviewDecision.parse(undefined)).toBe('denied');
    expect(AskForApproval.parse(undefined)).toBe('on-request');
    expect(ReviewDecision.parse({ approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['npm', 'test'] } })).toEqual({
      approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['npm', 'test'] },
    });
    expect(() => ReviewDecision.parse('maybe')).toThrow();
  });
});
