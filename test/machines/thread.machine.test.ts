/**
 * The thread machine alone: its turn, goal, recorder and MCP server children are logging
 * fake machines, time runs on a SimulatedClock (a fake turn takes 50 ms to abort). Asserts
 * the literal order of turn starts/aborts, replacement, shutdown (abort the turn → stop MCP
 * servers → drain the recorder → `shutdown_complete`), and recorded child failures.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import type { TurnSpec } from '../../machines/contracts.js';
import { threadMachine } from '../../machines/thread.machine.js';
import type { TurnOutput } from '../../machines/turn.machine.js';
import { settle } from './fakes.js';
import { turnActorId } from '../../machines/actor-ids.js';

const spec = (turnId: string): TurnSpec => ({ turnId, kind: 'regular', steerable: true, announcesStart: true });

function fakeThread(options: { recorderThrows?: boolean; goalThrowsAfterMs?: number } = {}) {
  const log: string[] = [];
  const fail = (what: string) => () => {
    throw new Error(`${what} crashed`);
  };
  const turn = setup({
    types: {} as { input: TurnSpec; context: { turnId: string; reason: string | null }; output: TurnOutput; events: { type: 'ABORT'; reason: string } | { type: 'FINISH' } },
  }).createMachine({
    context: ({ input }) => ({ turnId: input.turnId, reason: null }),
    entry: ({ context }) => log.push(`turn ${context.turnId} start`),
    initial: 'running',
    states: {
      running: {
        on: {
          FINISH: 'done',
          ABORT: { target: 'aborting', actions: ({ context, event }) => ((context.reason = event.reason), log.push(`turn ${context.turnId} abort ${event.reason}`)) },
        },
      },
      aborting: { after: { 50: 'done' } },
      done: { type: 'final' },
    },
    output: ({ context }) => ({ turnId: context.turnId, outcome: context.reason ? 'aborted' : 'completed', reason: context.reason as TurnOutput['reason'], lastAgentMessage: null }),
  });
  const goal = setup({}).createMachine({
    after: options.goalThrowsAfterMs ? { [options.goalThrowsAfterMs]: { actions: fail('goal') } } : {},
  });
  const recorder = setup({ types: {} as { events: { type: 'SHUTDOWN' } } }).createMachine({
    initial: 'open',
    states: {
      open: { on: { SHUTDOWN: { target: 'closed', actions: [() => log.push('recorder drain'), ...(options.recorderThrows ? [fail('recorder')] : [])] } } },
      closed: { type: 'final' },
    },
  });
  const mcpServer = setup({ types: {} as { input: { name: string }; context: { name: string }; events: { type: 'STOP' } } }).createMachine({
    context: ({ input }) => ({ name: input.name }),
    initial: 'ready',
    states: {
      ready: { on: { STOP: { target: 'stopped', actions: ({ context }) => log.push(`mcp ${context.name} stop`) } } },
      stopped: { type: 'final' },
    },
  });
  const machine = threadMachine.provide({
    // Fakes with the children's ids, inputs and outputs, not their full event types.
    actors: { turn, goal, recorder, mcpServer } as never,
    actions: {
      turnEnded: (_, p) => log.push(`turnEnded ${p.turnId} ${p.outcome}`),
      emitShutdownComplete: (_, p) => log.push(`shutdown_complete ${p.submissionId}`),
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: { threadId: 'th1', session: {}, recorderMaterialized: false }, clock }).start();
  const turnRef = (turnId: string) => actor.getSnapshot().children[turnActorId(turnId)] as AnyActorRef | undefined;
  return { actor, log, clock, finishTurn: (turnId: string) => turnRef(turnId)?.send({ type: 'FINISH' }) };
}

describe('thread machine', () => {
  it('runs one turn: idle → active → idle, then turnEnded', () => {
    const t = fakeThread();
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    expect(t.actor.getSnapshot().value).toEqual({ active: 'running' });
    t.finishTurn('t1');
    expect(t.actor.getSnapshot().value).toBe('idle');
    expect(t.log).toEqual(['turn t1 start', 'turnEnded t1 completed']);
  });

  it('a new task replaces the active turn only after it has fully aborted', () => {
    const t = fakeThread();
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    t.actor.send({ type: 'TURN.START', spec: spec('t2') });
    expect(t.actor.getSnapshot().hasTag('settling')).toBe(true);
    t.clock.increment(49);
    expect(t.log).toEqual(['turn t1 start', 'turn t1 abort replaced']);
    t.clock.increment(1);
    expect(t.log).toEqual(['turn t1 start', 'turn t1 abort replaced', 'turn t2 start']);
    expect(t.actor.getSnapshot().context.turn?.turnId).toBe('t2');
  });

  it('an interrupt aborts the turn; a second TURN.START while interrupting waits for it', () => {
    const t = fakeThread();
    t.actor.send({ type: 'INTERRUPT' }); // idle: nothing happens
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    t.actor.send({ type: 'INTERRUPT' });
    t.actor.send({ type: 'TURN.START', spec: spec('t2') });
    t.clock.increment(50);
    expect(t.log).toEqual(['turn t1 start', 'turn t1 abort interrupted', 'turn t2 start']);
  });

  it('shutdown order: abort the turn → stop MCP servers → drain the recorder → shutdown_complete', async () => {
    const t = fakeThread();
    t.actor.send({ type: 'MCP.START', servers: [{ name: 'docs', startupTimeoutMs: 1_000 }] });
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    t.actor.send({ type: 'SHUTDOWN', submissionId: 's9' });
    t.clock.increment(50);
    await settle();
    expect(t.log).toEqual(['turn t1 start', 'turn t1 abort interrupted', 'mcp docs stop', 'recorder drain', 'shutdown_complete s9']);
    expect(t.actor.getSnapshot().status).toBe('done');
  });

  it('a recorder that errors while draining is recorded and the shutdown still completes', async () => {
    const t = fakeThread({ recorderThrows: true });
    t.actor.send({ type: 'SHUTDOWN', submissionId: 's1' });
    await settle();
    expect(t.log).toEqual(['recorder drain', 'shutdown_complete s1']);
    expect(t.actor.getSnapshot().context.failures).toEqual([{ actor: 'recorder', code: 'recorder_actor_failed', message: 'recorder crashed' }]);
  });

  it('a goal actor that errors is recorded as { code, message }; the thread goes on', () => {
    const t = fakeThread({ goalThrowsAfterMs: 10 });
    t.clock.increment(10);
    expect(t.actor.getSnapshot().context.failures).toEqual([{ actor: 'goal', code: 'goal_actor_failed', message: 'goal crashed' }]);
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    t.finishTurn('t1');
    expect(t.log).toEqual(['turn t1 start', 'turnEnded t1 completed']);
  });
});
