/**
 * What an inspector sees of a thread's actor tree: the root actor's id is the thread id, and
 * the long-lived actors carry `systemId`s — `thread`, `goal`, `recorder`, `turn:<turnId>`,
 * `approval:<turnId>/<approvalId>#<n>` (unique even when an approval id comes again) — with
 * tool calls as `tool:<key>` actors of their turn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { z } from 'zod';
import { createThread, defineTool, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { EventLog } from './harness.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

/** A tool that asks for an exec approval (its call id as the approval id) before it answers. */
const askFirst = defineTool({
  name: 'ask_first',
  description: 'Asks the user, then answers',
  parameters: z.object({}),
  execute: async (_args, ctx) => {
    ctx.turn.emit({ type: 'exec_approval_request', call_id: ctx.callId, turn_id: ctx.turnId, command: ['true'], cwd: '/tmp', parsed_cmd: [] });
    const decision = await ctx.turn.requestApproval({ approvalId: ctx.callId, kind: 'exec' });
    return `decision: ${String(decision)}`;
  },
});

describe('actor ids and systemIds', () => {
  it('shows the root as the thread id and names thread, goal, recorder, turns, approvals and tool calls', async () => {
    // XState announces an actor (`@xstate.actor`) just before it registers its systemId, so the
    // refs are read once the turns are over.
    const refs: Array<AnyActorRef & { systemId?: string }> = [];
    const inspect = (ev: InspectionEvent) => {
      if (ev.type === '@xstate.actor') refs.push(ev.actorRef as AnyActorRef);
    };
    // Two turns whose tool call (and so approval) ids are the same: `c1`.
    const model = scriptedModel([
      scriptedTurn.functionCall('c1', 'ask_first', '{}'),
      scriptedTurn.reply('first done'),
      scriptedTurn.functionCall('c1', 'ask_first', '{}'),
      scriptedTurn.reply('second done'),
    ]);
    thread = await createThread({ model, tools: [askFirst], builtinTools: false, cwd: '/tmp', ephemeral: true, ghostSnapshots: false, inspect });
    const log = new EventLog(thread);
    const turnIds: string[] = [];
    for (const text of ['one', 'two']) {
      const from = log.events.length;
      const turnId = await thread.submit({ type: 'user_input', items: [{ type: 'text', text }] });
      turnIds.push(turnId);
      const request = await log.untilType('exec_approval_request', { id: turnId, from });
      await thread.approve(request.msg, 'approved');
      await log.untilType('task_complete', { id: turnId, from });
    }
    const [t1, t2] = turnIds as [string, string];
    const actors = refs.map((ref) => ({ id: ref.id, systemId: ref.systemId, parent: ref._parent?.id }));

    expect(thread.actor.id).toBe(thread.id);
    expect(actors[0]).toEqual({ id: thread.id, systemId: 'thread', parent: undefined });
    const named = actors.filter((a) => a.systemId !== undefined).map(({ systemId, parent }) => ({ systemId, parent }));
    expect(named).toEqual([
      { systemId: 'thread', parent: undefined },
      { systemId: 'goal', parent: thread.id },
      { systemId: 'recorder', parent: thread.id },
      { systemId: `turn:${t1}`, parent: thread.id },
      { systemId: `approval:${t1}/c1#1`, parent: `turn:${t1}` },
      { systemId: `turn:${t2}`, parent: thread.id },
      { systemId: `approval:${t2}/c1#1`, parent: `turn:${t2}` },
    ]);
    expect(actors.filter((a) => a.id.startsWith('tool:')).map((a) => a.parent)).toEqual([`turn:${t1}`, `turn:${t2}`]);
    expect(model.requests[1]?.input.at(-1)).toEqual({ type: 'function_call_output', call_id: 'c1', output: 'decision: approved' });
    expect(thread.actor.system.get('thread')).toBe(thread.actor);
  });
});
