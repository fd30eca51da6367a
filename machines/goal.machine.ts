/**
 * The thread goal and its usage accounting.
 *
 * Invariants: tokens are counted once (non-cached input + output since the last accounted
 * snapshot); an active goal whose usage reaches its budget becomes `budgetLimited`; an
 * interrupt pauses only the goal the interrupted turn was working on; every change a client
 * should see is announced exactly once (`announceGoal`); every change of the goal row, announced
 * or not, is handed to `storeGoal` (the durable copy, SPEC §7.1) in the order it happened.
 *
 * External mutations follow seed 003 (`codex_thread.rs`): `GOAL.EXTERNAL_MUTATION_STARTING`
 * settles running usage first, then `GOAL.EXTERNAL_SET` / `GOAL.EXTERNAL_CLEAR` apply the new
 * goal and its runtime effects; `GOAL.THREAD_RESUMED` restores a stored goal in its stored
 * status (a paused goal stays paused unless the host asks for the REF behaviour).
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { ThreadGoal, ThreadGoalStatus, TokenUsage } from '../src/protocol/index.js';

export interface GoalContext {
  threadId: string;
  goalId: string | null;
  goal: ThreadGoal | null;
  /** Total usage at the last accounting point (null: not accounting). */
  baseline: TokenUsage | null;
  lastAccountedAtMs: number | null;
  /** The goal the current turn works on (set at turn start). */
  turnGoalId: string | null;
  budgetSteeredGoalIds: string[];
  continuationSuppressed: boolean;
  /** Whether the current turn is an automatic continuation. */
  continuationTurn: boolean;
}

/** What setting a goal carries, from the model's tool (`GOAL.SET`) or from the host (`GOAL.EXTERNAL_SET`). */
export interface GoalSetFields {
  goalId: string;
  objective: string;
  tokenBudget: number | null;
  status: ThreadGoalStatus;
  usage: TokenUsage;
  now: number;
  turnId: string | null;
}

export type GoalEvent =
  | ({ type: 'GOAL.SET' } & GoalSetFields)
  | { type: 'GOAL.TURN_STARTED'; turnId: string; usage: TokenUsage; now: number; continuation: boolean }
  | { type: 'GOAL.SETTLE'; turnId: string | null; usage: TokenUsage; now: number }
  | { type: 'GOAL.TASK_ABORTED'; turnId: string; usage: TokenUsage; now: number; interrupted: boolean }
  | { type: 'GOAL.TURN_FINISHED'; turnId: string; usage: TokenUsage; now: number; toolCalls: number }
  | { type: 'GOAL.COMPLETE'; turnId: string | null; usage: TokenUsage; now: number }
  | { type: 'GOAL.BUDGET_STEERED'; goalId: string }
  | { type: 'GOAL.ACTIVITY' }
  /** `ExternalMutationStarting`: settle usage before a host changes the goal. */
  | { type: 'GOAL.EXTERNAL_MUTATION_STARTING'; turnId: string | null; usage: TokenUsage; now: number }
  /** `ExternalSet{status}`: the host set (or replaced) the goal. */
  | ({ type: 'GOAL.EXTERNAL_SET' } & GoalSetFields)
  /** `ExternalClear`: the host removed the goal. */
  | { type: 'GOAL.EXTERNAL_CLEAR' }
  /** `ThreadResumed`: the thread was resumed with this stored goal. */
  | { type: 'GOAL.THREAD_RESUMED'; goal: ThreadGoal | null; usage: TokenUsage; now: number; reactivatePaused: boolean };

const blended = (u: TokenUsage) => Math.max(u.input_tokens - u.cached_input_tokens, 0) + Math.max(u.output_tokens, 0);

/** Adds usage and whole seconds since the last accounting point; returns the new fields. */
function account(ctx: GoalContext, usage: TokenUsage, now: number): Partial<GoalContext> {
  if (!ctx.goal || !ctx.baseline || ctx.lastAccountedAtMs === null) return {};
  const tokens = Math.max(blended(usage) - blended(ctx.baseline), 0);
  const seconds = Math.max(Math.floor((now - ctx.lastAccountedAtMs) / 1000), 0);
  if (tokens === 0 && seconds === 0) return { baseline: usage };
  const tokensUsed = ctx.goal.tokensUsed + tokens;
  const reached = ctx.goal.status === 'active' && ctx.goal.tokenBudget != null && tokensUsed >= ctx.goal.tokenBudget;
  return {
    baseline: usage,
    lastAccountedAtMs: ctx.lastAccountedAtMs + seconds * 1000,
    goal: {
      ...ctx.goal,
      tokensUsed,
      timeUsedSeconds: ctx.goal.timeUsedSeconds + seconds,
      status: reached ? 'budgetLimited' : ctx.goal.status,
      updatedAt: now,
    },
  };
}

const accountingActive = (g: ThreadGoal | null) => g !== null && (g.status === 'active' || g.status === 'budgetLimited');

/** No runtime accounting (seed: `clear_stopped_thread_goal_runtime_state`); the goal may steer again. */
const stoppedAccounting = (ctx: GoalContext): Partial<GoalContext> => ({
  baseline: null,
  lastAccountedAtMs: null,
  budgetSteeredGoalIds: ctx.budgetSteeredGoalIds.filter((id) => id !== ctx.goalId),
});

/** An active goal whose usage reached its budget is budget-limited. */
const withBudgetRule = (goal: ThreadGoal): ThreadGoal =>
  goal.status === 'active' && goal.tokenBudget != null && goal.tokensUsed >= goal.tokenBudget ? { ...goal, status: 'budgetLimited' } : goal;

/**
 * Whether a turn's end (`GOAL.TASK_ABORTED` or `GOAL.TURN_FINISHED`) would change nothing:
 * no goal to account or pause, and no continuation turn to close. The runtime then sends
 * neither (an interrupt without a goal costs the goal actor no transition).
 * @example
 * if (!turnEndSettlesNothing(goal.getSnapshot().context)) goal.send({ type: 'GOAL.TASK_ABORTED', ... });
 */
export const turnEndSettlesNothing = (ctx: GoalContext): boolean => ctx.goal === null && !ctx.continuationTurn;

/** The goal actor's per-turn bookkeeping events: sent at a turn's start and after each tool. */
export type GoalTurnEvent =
  | { type: 'GOAL.TURN_STARTED'; continuation: boolean }
  | { type: 'GOAL.SETTLE' }
  | { type: 'GOAL.ACTIVITY' };

/**
 * Whether a per-turn bookkeeping event would leave the goal actor's context and state as they
 * are, so the runtime need not send it (a thread without a goal then costs the goal actor no
 * transition per turn or per tool):
 * - `GOAL.TURN_STARTED`: no goal, no accounting point, no turn goal, neither this turn nor the
 *   last a continuation turn, nothing suppressed (it would assign exactly these values);
 * - `GOAL.SETTLE`: no goal (nothing to account; the state stays `none`);
 * - `GOAL.ACTIVITY`: continuation is not suppressed (the flag it clears is already clear).
 * @example
 * if (!goalEventChangesNothing(goal.getSnapshot().context, { type: 'GOAL.ACTIVITY' })) goal.send({ type: 'GOAL.ACTIVITY' });
 */
export function goalEventChangesNothing(ctx: GoalContext, event: GoalTurnEvent): boolean {
  switch (event.type) {
    case 'GOAL.TURN_STARTED':
      return (
        ctx.goal === null &&
        ctx.goalId === null &&
        ctx.turnGoalId === null &&
        ctx.baseline === null &&
        ctx.lastAccountedAtMs === null &&
        !event.continuation &&
        !ctx.continuationTurn &&
        !ctx.continuationSuppressed
      );
    case 'GOAL.SETTLE':
      return ctx.goal === null;
    case 'GOAL.ACTIVITY':
      return !ctx.continuationSuppressed;
  }
}

export const goalMachine = setup({
  types: {
    input: {} as { threadId: string },
    context: {} as GoalContext,
    events: {} as GoalEvent,
  },
  actions: {
    /** Emits `thread_goal_updated` for the goal. */
    announceGoal: (_, _params: { goal: ThreadGoal; turnId: string | null }) => {},
    /** Writes the goal row (or removes it, for `null`) to the thread store. */
    storeGoal: (_, _params: { goal: ThreadGoal | null }) => {},
  },
  guards: {
    isActive: ({ context }) => context.goal?.status === 'active',
    isPaused: ({ context }) => context.goal?.status === 'paused',
    isBudgetLimited: ({ context }) => context.goal?.status === 'budgetLimited',
    isComplete: ({ context }) => context.goal?.status === 'complete',
  },
}).createMachine({
  id: 'goal',
  context: ({ input }) => ({
    threadId: input.threadId,
    goalId: null,
    goal: null,
    baseline: null,
    lastAccountedAtMs: null,
    turnGoalId: null,
    budgetSteeredGoalIds: [],
    continuationSuppressed: false,
    continuationTurn: false,
  }),
  initial: 'none',
  on: {
    'GOAL.SET': {
      target: '.routing',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const same = context.goal !== null && context.goalId === event.goalId;
        const base = same ? { ...context, ...account(context, event.usage, event.now) } : context;
        const goal = withBudgetRule({
          threadId: context.threadId,
          goalId: event.goalId,
          objective: event.objective,
          status: event.status,
          tokenBudget: event.tokenBudget,
          tokensUsed: same && base.goal ? base.goal.tokensUsed : 0,
          timeUsedSeconds: same && base.goal ? base.goal.timeUsedSeconds : 0,
          createdAt: same && base.goal ? base.goal.createdAt : event.now,
          updatedAt: event.now,
        });
        const accounting = accountingActive(goal);
        enqueue.assign({
          goalId: event.goalId,
          goal,
          baseline: accounting ? (same ? base.baseline ?? event.usage : event.usage) : null,
          lastAccountedAtMs: accounting ? (same ? base.lastAccountedAtMs ?? event.now : event.now) : null,
          continuationSuppressed: false,
          // A goal set while a turn runs becomes that turn's accounting goal.
          ...(event.turnId !== null ? { turnGoalId: event.goalId } : {}),
        });
        enqueue({ type: 'announceGoal', params: { goal, turnId: event.turnId } });
        enqueue({ type: 'storeGoal', params: { goal } });
      }),
    },
    'GOAL.EXTERNAL_MUTATION_STARTING': {
      target: '.routing',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const next = account(context, event.usage, event.now);
        enqueue.assign(next);
        if (!next.goal) return;
        // In a turn the turn's progress is announced; idle, the (wall-clock) settlement is
        // only stored, as the seed emits nothing there.
        if (event.turnId !== null) enqueue({ type: 'announceGoal', params: { goal: next.goal, turnId: event.turnId } });
        enqueue({ type: 'storeGoal', params: { goal: next.goal } });
      }),
    },
    'GOAL.EXTERNAL_SET': {
      target: '.routing',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const previous = context.goal !== null && context.goalId === event.goalId ? context.goal : null;
        const goal = withBudgetRule({
          threadId: context.threadId,
          goalId: event.goalId,
          objective: event.objective,
          status: event.status,
          tokenBudget: event.tokenBudget,
          tokensUsed: previous?.tokensUsed ?? 0,
          timeUsedSeconds: previous?.timeUsedSeconds ?? 0,
          createdAt: previous?.createdAt ?? event.now,
          updatedAt: event.now,
        });
        let runtime: Partial<GoalContext>;
        if (goal.status === 'active') {
          // Newly active (a new goal, or a stopped one set active again): count from now.
          const newlyActive = previous?.status !== 'active' || context.baseline === null;
          runtime = newlyActive ? { baseline: event.usage, lastAccountedAtMs: event.now } : {};
          if (event.turnId !== null) runtime.turnGoalId = event.goalId;
        } else if (goal.status === 'budgetLimited' && event.turnId !== null) {
          // The running turn keeps accounting a budget-limited goal.
          runtime = {};
        } else {
          runtime = stoppedAccounting(context);
        }
        enqueue.assign({ goalId: event.goalId, goal, continuationSuppressed: false, ...runtime });
        enqueue({ type: 'announceGoal', params: { goal, turnId: event.turnId } });
        enqueue({ type: 'storeGoal', params: { goal } });
      }),
    },
    'GOAL.EXTERNAL_CLEAR': {
      target: '.none',
      actions: enqueueActions(({ context, enqueue }) => {
        enqueue.assign({ goalId: null, goal: null, turnGoalId: null, ...stoppedAccounting(context) });
        if (context.goal !== null) enqueue({ type: 'storeGoal', params: { goal: null } });
      }),
    },
    'GOAL.THREAD_RESUMED': {
      target: '.routing',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const stored = event.goal;
        if (stored === null) {
          enqueue.assign({ goalId: null, goal: null, turnGoalId: null, ...stoppedAccounting(context) });
          return;
        }
        const goalId = stored.goalId ?? null;
        // REF (§7.2) re-activates a paused goal on resume; seed 003's version keeps it paused.
        const reactivate = event.reactivatePaused && stored.status === 'paused';
        const goal = reactivate ? withBudgetRule({ ...stored, status: 'active', updatedAt: event.now }) : stored;
        const runtime = goal.status === 'active' ? { baseline: event.usage, lastAccountedAtMs: event.now } : stoppedAccounting({ ...context, goalId });
        enqueue.assign({ goalId, goal, turnGoalId: null, continuationSuppressed: false, continuationTurn: false, ...runtime });
        if (reactivate) {
          enqueue({ type: 'announceGoal', params: { goal, turnId: null } });
          enqueue({ type: 'storeGoal', params: { goal } });
        }
      }),
    },
    'GOAL.TURN_STARTED': {
      actions: assign(({ context, event }) => ({
        turnGoalId: context.goalId,
        baseline: accountingActive(context.goal) ? event.usage : null,
        lastAccountedAtMs: accountingActive(context.goal) ? event.now : null,
        continuationTurn: event.continuation,
        continuationSuppressed: event.continuation ? context.continuationSuppressed : false,
      })),
    },
    'GOAL.SETTLE': {
      target: '.routing',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const next = account(context, event.usage, event.now);
        enqueue.assign(next);
        if (!next.goal) return;
        enqueue({ type: 'announceGoal', params: { goal: next.goal, turnId: event.turnId } });
        enqueue({ type: 'storeGoal', params: { goal: next.goal } });
      }),
    },
    'GOAL.TURN_FINISHED': {
      target: '.routing',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const next = account(context, event.usage, event.now);
        // A continuation turn that made no tool call stops the automatic chain until
        // the user, a tool or the host does something.
        const suppress = context.continuationTurn && event.toolCalls === 0;
        enqueue.assign({ ...next, continuationSuppressed: context.continuationSuppressed || suppress, continuationTurn: false });
        if (!next.goal) return;
        enqueue({ type: 'announceGoal', params: { goal: next.goal, turnId: event.turnId } });
        enqueue({ type: 'storeGoal', params: { goal: next.goal } });
      }),
    },
    'GOAL.TASK_ABORTED': {
      target: '.routing',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const next = account(context, event.usage, event.now);
        const settled = next.goal ?? context.goal;
        // The paused update replaces the accounting update: one announcement at most.
        const pause =
          event.interrupted && settled?.status === 'active' && context.goalId !== null && context.turnGoalId === context.goalId;
        const goal = pause && settled ? { ...settled, status: 'paused' as const, updatedAt: event.now } : next.goal;
        enqueue.assign({ ...next, ...(goal ? { goal } : {}), continuationTurn: false, ...(pause ? { baseline: null, lastAccountedAtMs: null } : {}) });
        if (!goal) return;
        enqueue({ type: 'announceGoal', params: { goal, turnId: event.turnId } });
        enqueue({ type: 'storeGoal', params: { goal } });
      }),
    },
    'GOAL.COMPLETE': {
      target: '.routing',
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (!context.goal) return;
        const settled = { ...context, ...account(context, event.usage, event.now) };
        const goal = { ...(settled.goal ?? context.goal), status: 'complete' as const, updatedAt: event.now };
        enqueue.assign({ goal, baseline: null, lastAccountedAtMs: null });
        enqueue({ type: 'announceGoal', params: { goal, turnId: event.turnId } });
        enqueue({ type: 'storeGoal', params: { goal } });
      }),
    },
    'GOAL.BUDGET_STEERED': {
      actions: assign(({ context, event }) => ({ budgetSteeredGoalIds: [...context.budgetSteeredGoalIds, event.goalId] })),
    },
    'GOAL.ACTIVITY': { actions: assign({ continuationSuppressed: false }) },
  },
  states: {
    /** Transient: picks the state named by the goal's status. */
    routing: {
      always: [
        { guard: 'isActive', target: 'active' },
        { guard: 'isPaused', target: 'paused' },
        { guard: 'isBudgetLimited', target: 'budgetLimited' },
        { guard: 'isComplete', target: 'complete' },
        { target: 'none' },
      ],
    },
    none: {},
    active: {},
    paused: {},
    budgetLimited: {},
    complete: {},
  },
});
