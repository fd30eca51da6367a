/**
 * Actor ids and systemIds of a turn's children: an approval id asked again in the same turn
 * (after the first was decided) gets a new systemId, so XState never sees a duplicate.
 */
import { describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { actorIdSuffix, approvalActorId, approvalSystemId, toolCallActorId, turnActorId } from '../../machines/actor-ids.js';
import { fakeTurn, settle } from './fakes.js';

describe('actor ids', () => {
  it('builds and parses every prefix from one module', () => {
    expect([turnActorId('s1'), toolCallActorId('2'), approvalActorId('call_1'), approvalSystemId('s1', 'call_1', 3)]).toEqual([
      'turn:s1',
      'tool:2',
      'approval:call_1',
      'approval:s1/call_1#3',
    ]);
    expect([actorIdSuffix('tool:2', 'toolCall'), actorIdSuffix('turn:s1', 'toolCall'), actorIdSuffix(undefined, 'turn')]).toEqual(['2', null, null]);
  });

  it('numbers an approval asked again in the same turn', async () => {
    const refs: Array<AnyActorRef & { systemId?: string }> = [];
    const inspect = (ev: InspectionEvent) => {
      if (ev.type === '@xstate.actor') refs.push(ev.actorRef as AnyActorRef);
    };
    const t = fakeTurn({ inspect });
    t.actor.send({ type: 'APPROVAL.REQUEST', approvalId: 'a', kind: 'exec' });
    t.actor.send({ type: 'APPROVAL.DECIDE', approvalId: 'a', decision: 'approved' });
    t.actor.send({ type: 'APPROVAL.REQUEST', approvalId: 'a', kind: 'exec' });
    t.actor.send({ type: 'APPROVAL.DECIDE', approvalId: 'a', decision: 'denied' });
    await settle();
    expect(t.log.filter((line) => line.startsWith('approval'))).toEqual(['approval a approved', 'approval a denied']);
    expect(refs.filter((r) => r.systemId?.startsWith('approval:')).map((r) => [r.id, r.systemId])).toEqual([
      ['approval:a', 'approval:t1/a#1'],
      ['approval:a', 'approval:t1/a#2'],
    ]);
    expect(t.actor.getSnapshot().status).toBe('active');
  });
});
