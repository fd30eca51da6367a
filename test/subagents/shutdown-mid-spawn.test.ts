/**
 * A parent shut down (or interrupted) while `spawn_agent` is still creating its child (the shutdown op arrives
 * as the spawn begins): the child is taken down as soon as it exists, so no child thread,
 * model request or child process outlives the parent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { FULL_ACCESS, eventually, processesWith, say, shell, sleepMarker, startRig, type Rig } from '../integration/support.js';
import { CHILD, call, calls, routed } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a parent shutdown during a spawn', () => {
  it('leaves no live child thread and no child process', async () => {
    const marker = sleepMarker();
    const r = routed([calls('p1', call('spawn_1', 'spawn_agent', { message: `${CHILD}: work` }))], [calls('c1', shell('sleep_call', ['sleep', marker]))]);
    const actors: AnyActorRef[] = [];
    const inspect = (event: InspectionEvent) => {
      if (event.type === '@xstate.actor') actors.push(event.actorRef as AnyActorRef);
    };
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS, inspect });
    const parentId = rig.thread.id;
    let shutdown: Promise<string> | null = null;
    const off = rig.thread.onEvent((event) => {
      if (event.msg.type === 'collab_agent_spawn_begin' && shutdown === null) shutdown = rig!.thread.submit({ type: 'shutdown' });
    });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('shutdown_complete');
    off();
    expect(shutdown).not.toBeNull();

    // Child thread roots: actors whose context names a thread other than the parent.
    const children = () => actors.filter((a) => {
      const threadId = (a.getSnapshot().context as { threadId?: unknown } | undefined)?.threadId;
      return typeof threadId === 'string' && threadId !== parentId && a.id === threadId;
    });
    // The child thread was created (the spawn was under way), then stopped, and ran no command.
    expect(children()).toHaveLength(1);
    await eventually(() => children().every((ref) => ref.getSnapshot().status !== 'active'), 10_000, 'every child thread to stop');
    expect(processesWith(marker)).toEqual([]);
    expect(rig.thread.subAgents()).toEqual([]);
  });
});

describe('a parent interrupt during a spawn', () => {
  it('leaves no live child thread and no child process; the thread goes on', async () => {
    const marker = sleepMarker();
    const r = routed([calls('p1', call('spawn_1', 'spawn_agent', { message: `${CHILD}: work` }))], [calls('c1', shell('sleep_call', ['sleep', marker]))]);
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    let interrupted: Promise<string> | null = null;
    const off = rig.thread.onEvent((event) => {
      if (event.msg.type === 'collab_agent_spawn_begin' && interrupted === null) interrupted = rig!.thread.submit({ type: 'interrupt' });
    });
    const turn = await rig.thread.submit(say('delegate'));
    await rig.log.untilType('turn_aborted', { id: turn });
    off();
    expect(interrupted).not.toBeNull();
    await interrupted;
    await rig.thread.whenProcessed();

    expect(rig.thread.subAgents()).toEqual([]);
    expect(r.childRequests).toEqual([]);
    expect(processesWith(marker)).toEqual([]);
  });
});
