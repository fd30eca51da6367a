/**
 * The regular task: the turn engine. It records the user's input, samples the model until
 * a response needs no follow-up and no input is pending, runs tools, retries broken
 * streams, and compacts history when it grows past the auto-compact limit.
 *
 * Invariants: an error ends sampling with an `error` event and the turn still completes;
 * steered input is drained only between requests; a cancelled turn stops silently.
 */
import { fillToContextWindow, type UserInput } from '../protocol/index.js';
import { autoCompactTokenLimit, getTotalTokenUsage, userInputToMessage } from '../history/index.js';
import type { ModelClient } from '../model/types.js';
import type { EngineContext } from '../runtime/task-context.js';
import { runCompaction } from './compaction.js';
import { recordContextUpdates } from './context-updates.js';
import { asModelError, backoffMs, errorEvent, streamErrorEvent } from './model-errors.js';
import { defaultEngineOptions, withEngineDefaults, type TurnEngineOptions } from './engine-options.js';
import { runSamplingRequest, type SamplingDeps, type SamplingResult, type TurnState } from './sampling.js';
import type { SessionTask } from './session-task.js';
import { ToolRouter, type ToolDefinition } from './tools.js';

export interface RegularTaskOptions extends Partial<TurnEngineOptions> {
  model: ModelClient;
  tools: ToolDefinition<unknown>[];
}

/** Whether history has reached the auto-compact limit. */
export function needsCompaction(ctx: EngineContext, model: ModelClient, opts: TurnEngineOptions): boolean {
  const limit = autoCompactTokenLimit(opts.autoCompactTokenLimit, model.contextWindow ?? null);
  if (!Number.isFinite(limit)) return false;
  const session = ctx.session();
  return getTotalTokenUsage(session.history, session.serverReasoningIncluded) >= limit;
}

/** One sampling request with stream-level retries; null when the turn was cancelled. */
async function sampleWithRetries(ctx: EngineContext, deps: SamplingDeps, opts: TurnEngineOptions): Promise<SamplingResult | null> {
  const max = Math.min(opts.streamMaxRetries, 100);
  for (let attempt = 1; ; attempt++) {
    try {
      return await runSamplingRequest(ctx, deps);
    } catch (err) {
      if (ctx.signal.aborted) return null;
      const e = asModelError(err);
      if (!e.retryable || attempt > max) {
        if (e.kind === 'context_window_exceeded' && deps.model.contextWindow) {
          const info = fillToContextWindow(ctx.tokenInfo(), deps.model.contextWindow);
          ctx.updateSession({ history: { ...ctx.session().history, tokenInfo: info } });
          ctx.emit({ type: 'token_count', info, rate_limits: ctx.session().rateLimits });
        }
        if (e.rateLimits) {
          ctx.updateSession({ rateLimits: e.rateLimits });
          ctx.emit({ type: 'token_count', info: ctx.tokenInfo(), rate_limits: e.rateLimits });
        }
        ctx.emit(errorEvent(e));
        return { needsFollowUp: false, lastAgentMessage: null, failed: true } as SamplingResult & { failed: true };
      }
      ctx.emit(streamErrorEvent(e, attempt, max));
      try {
        await opts.sleep(e.retryAfterMs ?? backoffMs(attempt, opts.random), ctx.signal);
      } catch {
        return null;
      }
    }
  }
}

/** Codex `run_turn`: one user turn (or a follow-up for pending input). */
export async function runTurn(ctx: EngineContext, input: UserInput[], deps: SamplingDeps, opts: TurnEngineOptions): Promise<string | null> {
  if (input.length === 0 && !ctx.hasPendingInput()) return null;
  if (needsCompaction(ctx, deps.model, opts)) {
    const ok = await runCompaction(ctx, deps.model, { inline: true, reinject: false, opts });
    if (!ok) return null;
  }
  recordContextUpdates(ctx, opts.shell, input.length > 0);
  if (input.length > 0) {
    ctx.recordUserMessage(userInputToMessage(input), input);
    await ctx.persist();
  }
  let canDrain = input.length === 0;
  let last: string | null = null;
  while (!ctx.signal.aborted) {
    if (canDrain) for (const item of ctx.takePendingInput()) ctx.recordPendingItem(item);
    canDrain = true;
    const result = await sampleWithRetries(ctx, deps, opts);
    if (result === null || ctx.signal.aborted) break;
    if ((result as { failed?: boolean }).failed) break;
    last = result.lastAgentMessage ?? last;
    const followUp = result.needsFollowUp || ctx.hasPendingInput();
    if (!followUp) break;
    if (needsCompaction(ctx, deps.model, opts)) {
      const ok = await runCompaction(ctx, deps.model, { inline: true, reinject: true, opts });
      if (!ok) break;
      // The model's own continuation comes first; pending input waits one more request.
      canDrain = !result.needsFollowUp;
    }
  }
  return last;
}

/**
 * The regular task over a model client and tools.
 * @example
 * const task = regularTask({ model, tools: [] });
 */
export function regularTask(options: RegularTaskOptions): SessionTask<UserInput[]> {
  const opts = withEngineDefaults(options);
  const router = new ToolRouter(options.tools);
  return {
    kind: 'regular',
    steerable: true,
    announcesStart: true,
    async run(ctx, input, signal) {
      const engine = ctx as EngineContext;
      const turn: TurnState = { rerouteAnnounced: false, turnStateToken: null, turnMetadata: JSON.stringify({ turn_id: ctx.turnId }) };
      const deps: SamplingDeps = { model: options.model, router, turn };
      let last = await runTurn(engine, input, deps, opts);
      // Input steered during the final request runs another request within the same turn.
      while (!signal.aborted && engine.live && engine.hasPendingInput()) {
        last = (await runTurn(engine, [], deps, opts)) ?? last;
      }
      return last;
    },
  };
}

export { defaultEngineOptions, type TurnEngineOptions };
