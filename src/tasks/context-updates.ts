/**
 * Context updates at the start of a user turn: the initial context (permissions,
 * instructions, environment) is injected when history has no baseline, re-injected when
 * the settings it describes changed, and each real user turn persists a `turn_context` line.
 */
import { buildInitialContext } from '../history/index.js';
import type { TurnContextItem } from '../persistence/index.js';
import type { EngineContext } from '../tools/turn-context.js';

let cachedTimeZone: string | undefined;
/** The process's IANA time zone (resolving it costs ~50 µs, so it is read once). */
function localTimeZone(): string {
  return (cachedTimeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/** The settings the initial context describes; compared to decide on re-injection. */
export function referenceContextOf(ctx: EngineContext): Record<string, unknown> {
  return referenceFromTurnContext(turnContextPayload(ctx));
}

/**
 * The reference-context record of a `turn_context` (live or read back from a rollout): the
 * settings the initial context describes. Resume and rollback restore it with this same
 * function, so a restored thread does not re-inject its context needlessly.
 * @example
 * referenceFromTurnContext(turnContext); // { cwd, approval_policy, sandbox_policy, model, developer_instructions, user_instructions }
 */
export function referenceFromTurnContext(item: TurnContextItem): Record<string, unknown> {
  return {
    cwd: item.cwd,
    approval_policy: item.approval_policy,
    sandbox_policy: item.sandbox_policy,
    model: item.model,
    developer_instructions: item.developer_instructions ?? null,
    user_instructions: item.user_instructions ?? null,
  };
}

/** The initial context items for the current settings. */
export function initialContextItems(ctx: EngineContext, shell: string) {
  const s = ctx.settings;
  return buildInitialContext({
    cwd: s.cwd,
    shell,
    approvalPolicy: s.approval_policy,
    sandboxPolicy: s.sandbox_policy,
    developerInstructions: s.developer_instructions,
    userInstructions: s.user_instructions,
    currentDate: new Date(ctx.now()).toISOString().slice(0, 10),
    timezone: localTimeZone(),
  });
}

/** The `turn_context` rollout payload of this turn. */
export function turnContextPayload(ctx: EngineContext): TurnContextItem {
  const s = ctx.settings;
  return {
    turn_id: ctx.turnId,
    cwd: s.cwd,
    current_date: new Date(ctx.now()).toISOString().slice(0, 10),
    timezone: localTimeZone(),
    approval_policy: s.approval_policy,
    sandbox_policy: s.sandbox_policy,
    model: s.model,
    personality: s.personality,
    collaboration_mode: s.collaboration_mode,
    effort: s.effort,
    summary: s.summary,
    user_instructions: s.user_instructions,
    developer_instructions: s.developer_instructions,
  };
}

/** Injects or refreshes the initial context; persists `turn_context` for real user turns. */
export function recordContextUpdates(ctx: EngineContext, shell: string, realUserTurn: boolean): void {
  const reference = referenceContextOf(ctx);
  const current = ctx.session().history.referenceContextItem;
  if (current === null || JSON.stringify(current) !== JSON.stringify(reference)) {
    ctx.recordItems(initialContextItems(ctx, shell));
    ctx.updateSession({ type: 'HISTORY.SET_REFERENCE_CONTEXT', item: reference });
  }
  if (realUserTurn) ctx.recordRollout([{ type: 'turn_context', payload: turnContextPayload(ctx) }]);
}
