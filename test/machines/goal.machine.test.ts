/**
 * The goal machine on its own, with logging fakes for its two effects: the literal order of
 * `announceGoal` / `storeGoal` for the host-driven runtime events of seed 003.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { goalEventChangesNothing, goalMachine, turnEndSettlesNothing, type GoalEvent, type GoalTurnEvent } from '../../machines/goal.machine.js';
import type { ThreadGoal, TokenUsage } from '../../src/protocol/index.js';

const usage = (input: number, output = 0): TokenUsage => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });
const T0 = 1_777_000_000_000;

function goalActor() {
  const log: string[] = [];
  const actor = createActor(
    goalMachine.provide({
      actions: {
        announceGoal: (_, { goal, turnId }) => log.push(`announce ${turnId ?? 'idle'} ${goal.status} ${goal.tokensUsed}t ${goal.timeUsedSeconds}s`),
        storeGoal: (_, { goal }) => log.push(goal ? `store ${goal.status} ${goal.tokensUsed}t ${goal.timeUsedSeconds}s` : 'store null'),
      },
    }),
    // The machine keeps no timers (time comes in events as `now`); the clock proves it.
    { input: { threadId: 't1' }, clock: new SimulatedClock() },
  ).start();
  return { actor, log };
}

const stored = (patch: Partial<ThreadGoal> = {}): ThreadGoal => ({
  threadId: 't1',
  goalId: 'g1',
  objective: 'Ship it',
  status: 'active',
  tokenBudget: 1000,
  tokensUsed: 600,
  timeUsedSeconds: 30,
  createdAt: T0 - 60_000,
  updatedAt: T0 - 1_000,
  ...patch,
});

const set = (status: ThreadGoal['status'], turnId: string | null, now: number, total = usage(0)) =>
  ({ type: 'GOAL.EXTERNAL_SET', goalId: 'g1', objective: 'Ship it', tokenBudget: 1000, status, usage: total, now, turnId }) as const;

describe('goal machine: resume and external mutations (seed 003)', () => {
  it('THREAD_RESUMED restores the stored status silently; a paused goal stays paused', () => {
    for (const status of ['active', 'paused', 'budgetLimited', 'complete'] as const) {
      const { actor, log } = goalActor();
      actor.send({ type: 'GOAL.THREAD_RESUMED', goal: stored({ status }), usage: usage(900), now: T0, reactivatePaused: false });
      expect(actor.getSnapshot().value).toBe(status);
      expect(actor.getSnapshot().context.goal).toEqual(stored({ status }));
      expect(log).toEqual([]);
    }
  });

  it('THREAD_RESUMED with reactivatePaused (REF) announces and stores the re-activated goal', () => {
    const { actor, log } = goalActor();
    actor.send({ type: 'GOAL.THREAD_RESUMED', goal: stored({ status: 'paused' }), usage: usage(900), now: T0, reactivatePaused: true });
    expect(actor.getSnapshot().value).toBe('active');
    expect(log).toEqual(['announce idle active 600t 30s', 'store active 600t 30s']);
  });

  it('a resumed active goal accounts from the resumed usage, not from zero: tokens add once', () => {
    const { actor, log } = goalActor();
    actor.send({ type: 'GOAL.THREAD_RESUMED', goal: stored(), usage: usage(900), now: T0, reactivatePaused: false });
    actor.send({ type: 'GOAL.TURN_STARTED', turnId: 'turn-3', usage: usage(900), now: T0 + 1_000, continuation: false });
    actor.send({ type: 'GOAL.SETTLE', turnId: 'turn-3', usage: usage(1200, 100), now: T0 + 3_000 });
    actor.send({ type: 'GOAL.TURN_FINISHED', turnId: 'turn-3', usage: usage(1200, 100), now: T0 + 3_000, toolCalls: 1 });
    expect(log).toEqual(['announce turn-3 budgetLimited 1000t 32s', 'store budgetLimited 1000t 32s']);
    expect(actor.getSnapshot().value).toBe('budgetLimited');
  });

  it('EXTERNAL_MUTATION_STARTING in a turn announces then stores; idle it only stores', () => {
    const { actor, log } = goalActor();
    actor.send({ type: 'GOAL.THREAD_RESUMED', goal: stored(), usage: usage(0), now: T0, reactivatePaused: false });
    actor.send({ type: 'GOAL.TURN_STARTED', turnId: 'turn-1', usage: usage(0), now: T0, continuation: false });
    actor.send({ type: 'GOAL.EXTERNAL_MUTATION_STARTING', turnId: 'turn-1', usage: usage(50, 10), now: T0 + 2_000 });
    actor.send({ type: 'GOAL.TURN_FINISHED', turnId: 'turn-1', usage: usage(50, 10), now: T0 + 2_000, toolCalls: 0 });
    actor.send({ type: 'GOAL.EXTERNAL_MUTATION_STARTING', turnId: null, usage: usage(50, 10), now: T0 + 7_000 });
    expect(log).toEqual(['announce turn-1 active 660t 32s', 'store active 660t 32s', 'store active 660t 37s']);
  });

  it('EXTERNAL_SET: paused stops accounting; active restarts it from now; budgetLimited stops it only while idle', () => {
    const { actor, log } = goalActor();
    actor.send({ type: 'GOAL.THREAD_RESUMED', goal: stored({ tokenBudget: 10_000 }), usage: usage(0), now: T0, reactivatePaused: false });
    actor.send(set('paused', null, T0 + 1_000));
    actor.send({ type: 'GOAL.EXTERNAL_MUTATION_STARTING', turnId: null, usage: usage(0), now: T0 + 60_000 });
    actor.send(set('active', null, T0 + 60_000));
    actor.send({ type: 'GOAL.EXTERNAL_MUTATION_STARTING', turnId: null, usage: usage(0), now: T0 + 62_000 });
    actor.send(set('budgetLimited', 'turn-2', T0 + 62_000));
    actor.send({ type: 'GOAL.EXTERNAL_MUTATION_STARTING', turnId: 'turn-2', usage: usage(0), now: T0 + 64_000 });
    actor.send(set('budgetLimited', null, T0 + 64_000));
    actor.send({ type: 'GOAL.EXTERNAL_MUTATION_STARTING', turnId: null, usage: usage(0), now: T0 + 99_000 });
    expect(log).toEqual([
      'announce idle paused 600t 30s',
      'store paused 600t 30s',
      'announce idle active 600t 30s',
      'store active 600t 30s',
      'store active 600t 32s',
      'announce turn-2 budgetLimited 600t 32s',
      'store budgetLimited 600t 32s',
      'announce turn-2 budgetLimited 600t 34s',
      'store budgetLimited 600t 34s',
      'announce idle budgetLimited 600t 34s',
      'store budgetLimited 600t 34s',
    ]);
  });

  it('EXTERNAL_CLEAR stores the removal once; clearing nothing stores nothing', () => {
    const { actor, log } = goalActor();
    actor.send({ type: 'GOAL.EXTERNAL_CLEAR' });
    expect(log).toEqual([]);
    actor.send({ type: 'GOAL.THREAD_RESUMED', goal: stored(), usage: usage(0), now: T0, reactivatePaused: false });
    actor.send({ type: 'GOAL.EXTERNAL_CLEAR' });
    actor.send({ type: 'GOAL.EXTERNAL_CLEAR' });
    expect(log).toEqual(['store null']);
    expect(actor.getSnapshot().value).toBe('none');
  });
  it('a turn end that settles nothing (no goal, no continuation turn) changes nothing, so the runtime may skip it', () => {
    const { actor, log } = goalActor();
    actor.send({ type: 'GOAL.TURN_STARTED', turnId: 'turn-1', usage: usage(10), now: T0, continuation: false });
    const before = actor.getSnapshot();
    expect(turnEndSettlesNothing(before.context)).toBe(true);
    actor.send({ type: 'GOAL.TASK_ABORTED', turnId: 'turn-1', usage: usage(500, 20), now: T0 + 5_000, interrupted: true });
    actor.send({ type: 'GOAL.TURN_FINISHED', turnId: 'turn-1', usage: usage(900, 40), now: T0 + 9_000, toolCalls: 0 });
    expect(actor.getSnapshot().context).toEqual(before.context);
    expect(actor.getSnapshot().value).toBe(before.value);
    expect(log).toEqual([]);
    // With a goal, or in a continuation turn, a turn end does settle something.
    actor.send({ type: 'GOAL.SET', goalId: 'g1', objective: 'Ship it', tokenBudget: 1000, status: 'active', usage: usage(900, 40), now: T0 + 10_000, turnId: 'turn-1' });
    expect(turnEndSettlesNothing(actor.getSnapshot().context)).toBe(false);
    expect(turnEndSettlesNothing({ ...before.context, continuationTurn: true })).toBe(false);
  });

  it('a per-turn event the runtime skips (goalEventChangesNothing) would have changed nothing, from any reachable context', () => {
    const turnEvent = fc.oneof(
      fc.boolean().map((continuation): GoalTurnEvent => ({ type: 'GOAL.TURN_STARTED', continuation })),
      fc.constant<GoalTurnEvent>({ type: 'GOAL.SETTLE' }),
      fc.constant<GoalTurnEvent>({ type: 'GOAL.ACTIVITY' }),
    );
    // Steps that move the context around: goals set, cleared, completed, turns started and ended.
    const step = fc.oneof(
      fc.record({ budget: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: null }), status: fc.constantFrom('active' as const, 'paused' as const) }).map(
        ({ budget, status }) => (u: number, now: number): GoalEvent => ({ type: 'GOAL.SET', goalId: 'g1', objective: 'Ship it', tokenBudget: budget, status, usage: usage(u), now, turnId: null }),
      ),
      fc.boolean().map((continuation) => (u: number, now: number): GoalEvent => ({ type: 'GOAL.TURN_STARTED', turnId: 'turn-1', usage: usage(u), now, continuation })),
      fc.integer({ min: 0, max: 2 }).map((toolCalls) => (u: number, now: number): GoalEvent => ({ type: 'GOAL.TURN_FINISHED', turnId: 'turn-1', usage: usage(u), now, toolCalls })),
      fc.boolean().map((interrupted) => (u: number, now: number): GoalEvent => ({ type: 'GOAL.TASK_ABORTED', turnId: 'turn-1', usage: usage(u), now, interrupted })),
      fc.constant((u: number, now: number): GoalEvent => ({ type: 'GOAL.SETTLE', turnId: 'turn-1', usage: usage(u), now })),
      fc.constant((u: number, now: number): GoalEvent => ({ type: 'GOAL.COMPLETE', turnId: null, usage: usage(u), now })),
      fc.constant((): GoalEvent => ({ type: 'GOAL.ACTIVITY' })),
      fc.constant((): GoalEvent => ({ type: 'GOAL.EXTERNAL_CLEAR' })),
      // Host-driven paths: external set (idle or in a turn), settlement before it, resume, steering.
      fc
        .record({ status: fc.constantFrom('active' as const, 'paused' as const, 'budgetLimited' as const, 'complete' as const), inTurn: fc.boolean() })
        .map(({ status, inTurn }) => (u: number, now: number): GoalEvent => ({
          type: 'GOAL.EXTERNAL_SET',
          goalId: 'g2',
          objective: 'Host goal',
          tokenBudget: 500,
          status,
          usage: usage(u),
          now,
          turnId: inTurn ? 'turn-1' : null,
        })),
      fc.boolean().map((inTurn) => (u: number, now: number): GoalEvent => ({ type: 'GOAL.EXTERNAL_MUTATION_STARTING', turnId: inTurn ? 'turn-1' : null, usage: usage(u), now })),
      fc
        .record({ stored: fc.option(fc.constantFrom('active' as const, 'paused' as const, 'complete' as const), { nil: null }), reactivatePaused: fc.boolean() })
        .map(({ stored, reactivatePaused }) => (u: number, now: number): GoalEvent => ({
          type: 'GOAL.THREAD_RESUMED',
          goal:
            stored === null
              ? null
              : { threadId: 't1', goalId: 'g3', objective: 'Stored', status: stored, tokenBudget: null, tokensUsed: 10, timeUsedSeconds: 1, createdAt: T0, updatedAt: T0 },
          usage: usage(u),
          now,
          reactivatePaused,
        })),
      fc.constant((): GoalEvent => ({ type: 'GOAL.BUDGET_STEERED', goalId: 'g1' })),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), turnEvent, (steps, event) => {
        const { actor, log } = goalActor();
        steps.forEach((make, i) => actor.send(make(100 * (i + 1), T0 + 1_000 * (i + 1))));
        const before = actor.getSnapshot();
        if (!goalEventChangesNothing(before.context, event)) return;
        const logged = log.length;
        const now = T0 + 60_000;
        const full: GoalEvent =
          event.type === 'GOAL.TURN_STARTED'
            ? { type: 'GOAL.TURN_STARTED', turnId: 'turn-2', usage: usage(5_000), now, continuation: event.continuation }
            : event.type === 'GOAL.SETTLE'
              ? { type: 'GOAL.SETTLE', turnId: 'turn-2', usage: usage(5_000), now }
              : { type: 'GOAL.ACTIVITY' };
        actor.send(full);
        expect(actor.getSnapshot().context).toEqual(before.context);
        expect(actor.getSnapshot().value).toEqual(before.value);
        expect(log.length).toBe(logged);
      }),
      { numRuns: 1000 },
    );
    // And it does not skip what matters: a goal makes SETTLE count, a suppressed flag ACTIVITY.
    const { actor } = goalActor();
    actor.send({ type: 'GOAL.SET', goalId: 'g1', objective: 'Ship it', tokenBudget: 1000, status: 'active', usage: usage(0), now: T0, turnId: null });
    expect(goalEventChangesNothing(actor.getSnapshot().context, { type: 'GOAL.SETTLE' })).toBe(false);
    expect(goalEventChangesNothing(actor.getSnapshot().context, { type: 'GOAL.TURN_STARTED', continuation: false })).toBe(false);
    expect(goalEventChangesNothing({ ...actor.getSnapshot().context, continuationSuppressed: true }, { type: 'GOAL.ACTIVITY' })).toBe(false);
  });
});
