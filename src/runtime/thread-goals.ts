/**
 * The goal runtime events a host drives from outside a turn (seed 003, `codex_thread.rs`):
 * resume (`ThreadResumed`), idle continuation (`MaybeContinueIfIdle`) and external goal
 * mutations (`ExternalMutationStarting` → `ExternalSet{status}` / `ExternalClear`). Each is
 * sent to the goal machine as a named event, so the inspector shows every step.
 *
 * Invariant: an external mutation settles the running usage before it changes the goal, and
 * returns only once the changed goal is stored.
 */
import type { GoalSpec, ResponseItem, ThreadGoal, UserInput } from '../protocol/index.js';
import { errorMessage } from '../persistence/index.js';
import type { SessionTask } from '../tasks/session-task.js';
import { continuationPrompt } from './goal-prompts.js';
import type { ThreadRuntime } from './thread-runtime.js';

/**
 * A goal spec after parsing (`GoalSpec`'s output).
 * @example
 * const spec: ParsedGoalSpec = GoalSpec.parse({ objective: 'Ship it', token_budget: 5_000 });
 */
export interface ParsedGoalSpec {
  objective: string;
  token_budget?: number | null | undefined;
  status?: GoalSpec['status'];
}

/**
 * `ExternalMutationStarting`: settles the usage of the running turn (or the wall clock while idle).
 * @example
 * prepareExternalGoalMutation(rt); // then GOAL.EXTERNAL_SET or GOAL.EXTERNAL_CLEAR
 */
export function prepareExternalGoalMutation(rt: ThreadRuntime): void {
  rt.goalRef().send({ type: 'GOAL.EXTERNAL_MUTATION_STARTING', turnId: rt.activeTurn()?.turnId ?? null, usage: rt.totalUsage(), now: rt.clock.now() });
}

/**
 * `ExternalSet`: sets (or replaces) the goal after settling usage; the same objective keeps the
 * goal's id and usage, a new one starts a new goal. Resolves with the goal once it is stored.
 * @example
 * const goal = await applyExternalGoalSet(rt, { objective: 'Ship it', status: 'paused' });
 */
export async function applyExternalGoalSet(rt: ThreadRuntime, spec: ParsedGoalSpec): Promise<ThreadGoal | null> {
  prepareExternalGoalMutation(rt);
  const goalRef = rt.goalRef();
  const current = goalRef.getSnapshot().context;
  const sameGoal = current.goal !== null && current.goalId !== null && current.goal.objective === spec.objective;
  goalRef.send({
    type: 'GOAL.EXTERNAL_SET',
    goalId: sameGoal && current.goalId !== null ? current.goalId : rt.config.newId(),
    objective: spec.objective,
    tokenBudget: spec.token_budget ?? null,
    status: spec.status ?? 'active',
    usage: rt.totalUsage(),
    now: rt.clock.now(),
    turnId: rt.activeTurn()?.turnId ?? null,
  });
  await rt.goals.settled();
  return goalRef.getSnapshot().context.goal;
}

/**
 * `ExternalClear`: removes the goal after settling usage; resolves once the removal is stored.
 * @example
 * await applyExternalGoalClear(rt);
 */
export async function applyExternalGoalClear(rt: ThreadRuntime): Promise<void> {
  prepareExternalGoalMutation(rt);
  rt.goalRef().send({ type: 'GOAL.EXTERNAL_CLEAR' });
  await rt.goals.settled();
}

/**
 * `ThreadResumed`: restores the stored goal in its stored status (a stored goal without an id
 * gets one). With `reactivatePaused` a paused goal becomes active and is announced (REF §7.2).
 * An unreadable stored goal is reported as a `warning` and the thread resumes without one.
 * @example
 * await applyGoalResumeRuntimeEffects(rt, false);
 */
export async function applyGoalResumeRuntimeEffects(rt: ThreadRuntime, reactivatePaused: boolean): Promise<void> {
  let stored: ThreadGoal | null;
  try {
    stored = await rt.goals.read();
  } catch (error) {
    rt.emit('', { type: 'warning', message: `Could not read the stored thread goal; the thread resumes without it. ${errorMessage(error)}` });
    return;
  }
  const goal = stored === null || stored.goalId !== undefined ? stored : { ...stored, goalId: rt.config.newId() };
  rt.goalRef().send({ type: 'GOAL.THREAD_RESUMED', goal, usage: rt.totalUsage(), now: rt.clock.now(), reactivatePaused });
  await rt.goals.settled();
}

/**
 * Starts a continuation turn for the active goal when the thread is idle and nothing
 * suppresses it; returns the new turn's id, or null. The hidden continuation prompt goes in
 * as pending input and the turn starts with empty input (no user message).
 * @example
 * const turnId = startGoalContinuation(rt, tasks.regular());
 */
export function startGoalContinuation(rt: ThreadRuntime, regular: SessionTask<UserInput[]> | null): string | null {
  const goal = rt.goalRef().getSnapshot();
  if (!regular || rt.activeTurn() !== null || !goal.matches('active') || goal.context.continuationSuppressed) return null;
  const g = goal.context.goal;
  if (!g) return null;
  const prompt: ResponseItem = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: continuationPrompt(g) }] };
  rt.updateSession({ type: 'IDLE_INPUT.QUEUE', items: [{ type: 'message', role: 'developer', content: prompt.content }] });
  const turnId = rt.config.newId();
  const started = rt.startTurn({ turnId, kind: 'regular', steerable: true, announcesStart: true }, regular as SessionTask<unknown>, [], {
    ifIdle: true,
    continuation: true,
  });
  return started ? turnId : null;
}
