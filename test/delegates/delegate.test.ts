/**
 * The delegate core (seed 004, SPEC §11.1) through real threads over the strict mock server:
 * a one-shot child started from a parent turn, its exec approval asked and answered on the
 * parent, then run by the child; the delegate actor under the parent turn in the inspector.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import type { Event, SessionTask } from 'turnstate';
import type { RecordedRequest } from 'turnstate/testing';
import type { EngineContext } from '../../src/tools/turn-context.js';
import type { DelegateHandle } from '../../src/delegates/index.js';
import { ev, type ScriptedResponse } from 'turnstate/testing';
import { FULL_ACCESS, WORKSPACE_WRITE, addFile, answer, calls, decide, eventually, messages, patch, shell, startRig, type Rig } from '../integration/support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const CHILD_PROMPT = 'delegated: create made.txt';

/** True for the child's requests (they carry the delegated prompt). */
const fromChild = (req: RecordedRequest) => req.rawBody.includes(CHILD_PROMPT);
const hasToolOutput = (req: RecordedRequest) => req.rawBody.includes('"function_call_output"');

/** A host task that runs one one-shot delegate and returns the child's last message. */
function delegatingTask(seen: Event[], childIds: string[], handles: DelegateHandle[] = [], outputs: unknown[] = [], cancelOnAbort = true): SessionTask<null> {
  return {
    kind: 'delegating',
    async run(ctx, _input, signal) {
      const turn = ctx as EngineContext;
      let resolveEnd: (msg: string | null) => void = () => undefined;
      const end = new Promise<string | null>((resolve) => (resolveEnd = resolve));
      const handle = turn.startDelegate({
        kind: 'review',
        child: { source: { subagent: 'review' } },
        oneShot: { input: [{ type: 'text', text: CHILD_PROMPT, text_elements: [] }] },
        onEvent: (event) => {
          seen.push(event);
          if (event.msg.type === 'task_complete') resolveEnd(event.msg.last_agent_message ?? null);
          if (event.msg.type === 'turn_aborted') resolveEnd(null);
        },
      });
      childIds.push(handle.childThreadId);
      handles.push(handle);
      if (cancelOnAbort) signal.addEventListener('abort', () => handle.cancel(), { once: true });
      // A cancelled delegate forwards nothing more: its end is the delegate's own end.
      const last = await Promise.race([end, handle.done.then(() => null)]);
      outputs.push(await handle.done);
      await handle.childClosed;
      return last;
    },
  };
}

describe('delegate', () => {
  it("routes the child's exec approval to the parent: asked under the parent turn, answered there, then run by the child", async () => {
    const script = (req: RecordedRequest) => {
      if (!fromChild(req)) throw new Error('the parent makes no model request in this test');
      return hasToolOutput(req) ? answer('c2', 'child done') : calls('c1', shell('call_1', ['touch', 'made.txt']));
    };
    const inspected: InspectionEvent[] = [];
    rig = await startRig(script, { approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS, inspect: (e) => void inspected.push(e) });
    const seen: Event[] = [];
    const childIds: string[] = [];
    const turnId = await rig.thread.spawnTask(delegatingTask(seen, childIds), null);

    // The request reaches the parent's stream under the parent turn, and the parent waits on it.
    const request = await rig.log.untilType('exec_approval_request');
    expect(request.id).toBe(turnId);
    expect(request.msg).toMatchObject({ call_id: 'call_1', turn_id: turnId, command: ['touch', 'made.txt'] });
    const childId = childIds[0]!;
    const parentTurn = rig.thread.actor.getSnapshot().children[`turn:${turnId}`] as AnyActorRef | undefined;
    expect(Object.keys(parentTurn?.getSnapshot().children ?? {})).toEqual(expect.arrayContaining([`approval:call_1`, `delegate:${childId}`]));
    const delegate = rig.thread.actor.system.get(`delegate:${childId}`) as AnyActorRef;
    expect(delegate.getSnapshot().value).toEqual({ live: 'awaitingParentDecision' });
    expect(existsSync(path.join(rig.cwd, 'made.txt'))).toBe(false);

    // Answered with an ordinary exec_approval op to the parent.
    await decide(rig, 'call_1', 'approved');
    const done = await rig.log.untilType('task_complete', { id: turnId });
    expect(done.msg.last_agent_message).toBe('child done');
    expect(existsSync(path.join(rig.cwd, 'made.txt'))).toBe(true);

    // The child ran the command after the decision; its approval request itself was not forwarded.
    const childTypes = seen.map((e) => e.msg.type);
    expect(childTypes).not.toContain('exec_approval_request');
    expect(childTypes).toEqual(expect.arrayContaining(['task_started', 'exec_command_begin', 'exec_command_end', 'task_complete']));
    expect(childTypes.indexOf('exec_command_end')).toBeLessThan(childTypes.indexOf('task_complete'));
    expect(childTypes.at(-1)).toBe('task_complete');
    for (const dropped of ['token_count', 'session_configured', 'agent_message_delta', 'shutdown_complete']) expect(childTypes).not.toContain(dropped);
    const end = seen.find((e) => e.msg.type === 'exec_command_end')!.msg as Extract<Event['msg'], { type: 'exec_command_end' }>;
    expect(end.exit_code).toBe(0);
    // Only one approval request on the parent stream (the child's own stayed on the child).
    expect(messages(rig.log, 'exec_approval_request')).toHaveLength(1);

    // The child is a thread of its own: its rollout records the sub-agent source.
    const sessions = path.join(rig.home, 'sessions');
    const files = listFiles(sessions).filter((f) => f.includes(childId));
    expect(files).toHaveLength(1);
    const meta = JSON.parse(readFileSync(files[0]!, 'utf8').split('\n')[0]!) as { type: string; payload: { id: string; source: unknown } };
    expect(meta).toMatchObject({ type: 'session_meta', payload: { id: childId, source: { subagent: 'review' } } });

    // The inspector saw the delegate actor under the parent turn, with its systemId, and its lifecycle.
    const delegateRef = inspected.find((e) => e.type === '@xstate.actor' && (e.actorRef as unknown as { systemId?: string }).systemId === `delegate:${childId}`)?.actorRef as
      | (AnyActorRef & { _parent?: AnyActorRef })
      | undefined;
    expect(delegateRef?._parent?.id).toBe(`turn:${turnId}`);
    expect(delegateRef?._parent?._parent?.id).toBe(rig.thread.actor.id);
    const states = inspected
      .filter((e): e is Extract<InspectionEvent, { type: '@xstate.snapshot' }> => e.type === '@xstate.snapshot' && e.actorRef === delegateRef)
      .map((e) => JSON.stringify((e.snapshot as unknown as { value: unknown }).value));
    expect(dedupe(states)).toEqual(['"starting"', '{"live":"running"}', '{"live":"awaitingParentDecision"}', '{"live":"running"}', '"closing"', '"done"']);
    // The child's own actors are inspected too (the parent's observer is passed on), as a separate root.
    const childRoot = inspected.find(
      (e) => e.type === '@xstate.actor' && e.rootId === e.actorRef.sessionId && (e.actorRef.getSnapshot() as { context?: { threadId?: string } }).context?.threadId === childId,
    );
    expect(childRoot?.rootId).toBeDefined();
    expect(childRoot?.rootId).not.toBe(rig.thread.actor.sessionId);
  });
});

describe('delegate patch approvals', () => {
  it("routes the child's patch approval to the parent; a parent `patch_approval` decides it for the child", async () => {
    const script = (req: RecordedRequest) => {
      if (!fromChild(req)) throw new Error('the parent makes no model request in this test');
      return hasToolOutput(req) ? answer('c2', 'patched') : calls('c1', patch('call_p', addFile('a.txt', 'a')));
    };
    rig = await startRig(script, { approvalPolicy: 'untrusted', sandboxPolicy: WORKSPACE_WRITE });
    const seen: Event[] = [];
    const turnId = await rig.thread.spawnTask(delegatingTask(seen, []), null);
    const request = await rig.log.untilType('apply_patch_approval_request');
    expect(request.id).toBe(turnId);
    expect(request.msg).toMatchObject({ call_id: 'call_p', turn_id: turnId, changes: { [path.join(rig.cwd, 'a.txt')]: { type: 'add', content: 'a\n' } } });
    await rig.thread.approve(request.msg, 'approved');
    await rig.log.untilType('task_complete', { id: turnId });
    expect(readFileSync(path.join(rig.cwd, 'a.txt'), 'utf8')).toBe('a\n');
    expect(seen.map((e) => e.msg.type)).toEqual(expect.arrayContaining(['patch_apply_begin', 'patch_apply_end']));
    expect(seen.map((e) => e.msg.type)).not.toContain('apply_patch_approval_request');
  });
});

describe('delegate cancellation', () => {
  it('cancelled while the parent decision is pending: the parent approval resolves with abort, the child gets abort, then interrupt and shutdown', async () => {
    const { rig: r, seen, handles, outputs, turnId, approval } = await childAwaitingParentDecision();
    handles[0]!.cancel();

    await r.log.untilType('task_complete', { id: turnId });
    // The parent's own approval resolved with `abort` without interrupting the parent turn.
    expect(approval.getSnapshot().output).toEqual({ approvalId: 'call_1', decision: 'abort', resolution: 'aborted' });
    expect(messages(r.log, 'turn_aborted')).toEqual([]);
    expect(outputs).toEqual([{ childThreadId: handles[0]!.childThreadId, outcome: 'cancelled', drainTimedOut: false, failure: null, shutdownFailure: null }]);
    await handles[0]!.childClosed;
    // The child was aborted (its abort decision interrupts its turn) and never ran the command.
    expect(seen.map((e) => e.msg.type)).not.toContain('exec_command_end');
    expect(existsSync(path.join(r.cwd, 'made.txt'))).toBe(false);
    expect(r.server.requests).toHaveLength(1);
  });
});

describe('delegate and parent interrupt', () => {
  it('interrupting the parent while the child waits for a parent decision leaves no pending approval and no live child', async () => {
    const { rig: r, handles, turnId, approval } = await childAwaitingParentDecision();

    await r.thread.submit({ type: 'interrupt' });
    const aborted = await r.log.untilType('turn_aborted', { id: turnId });
    expect(aborted.msg.reason).toBe('interrupted');
    await r.thread.whenProcessed();
    expect(approval.getSnapshot().status).toBe('done');
    expect((approval.getSnapshot().output as { decision: unknown }).decision).toBe('abort');
    expect(r.thread.actor.getSnapshot().children[`turn:${turnId}`]).toBeUndefined();
    // The child is shut down (its events end) and never ran the command.
    await handles[0]!.childClosed;
    await handles[0]!.done;
    expect(existsSync(path.join(r.cwd, 'made.txt'))).toBe(false);
    expect(r.server.requests).toHaveLength(1);
  });

  it('a delegate whose parent turn ends first (the task ignores its signal) still shuts its child down', async () => {
    const script = (req: RecordedRequest): ScriptedResponse => {
      if (!fromChild(req)) throw new Error('only the child asks');
      return { events: [ev.created('c1')], hold: true };
    };
    rig = await startRig(script);
    const handles: DelegateHandle[] = [];
    const turnId = await rig.thread.spawnTask(delegatingTask([], [], handles, [], false), null);
    await eventually(() => rig!.server.requests.length === 1, 5000, 'the child request');
    await rig.thread.submit({ type: 'interrupt' });
    await rig.log.untilType('turn_aborted', { id: turnId });
    // The task was force-stopped after its grace and the delegate actor stopped with the turn;
    // the child still got interrupt and shutdown.
    expect(await handles[0]!.done).toBeNull();
    await handles[0]!.childClosed;
    expect(await rig.server.waitForClose(0)).toBe('client_closed');
  });
});

/**
 * A parent turn whose delegate's child asked (once) to run `touch made.txt` and now waits for
 * the parent's decision: the rig, the child's forwarded events, the delegate's handle and
 * output, the parent turn id and the parent's pending approval actor.
 */
async function childAwaitingParentDecision() {
  const script = (req: RecordedRequest) => {
    if (!fromChild(req) || hasToolOutput(req)) throw new Error('only the child asks, once');
    return calls('c1', shell('call_1', ['touch', 'made.txt']));
  };
  const r = (rig = await startRig(script, { approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS }));
  const seen: Event[] = [];
  const handles: DelegateHandle[] = [];
  const outputs: unknown[] = [];
  const turnId = await r.thread.spawnTask(delegatingTask(seen, [], handles, outputs), null);
  await r.log.untilType('exec_approval_request');
  const parentTurn = r.thread.actor.getSnapshot().children[`turn:${turnId}`] as AnyActorRef;
  const approval = parentTurn.getSnapshot().children['approval:call_1'] as AnyActorRef;
  return { rig: r, seen, handles, outputs, turnId, approval };
}

function dedupe(values: string[]): string[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f))).filter((f) => f.endsWith('.jsonl'));
}
