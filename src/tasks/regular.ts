/**
 * The regular task: the turn engine. It records the user's input, samples the model until
 * a response needs no follow-up and no input is pending, runs tools, retries broken
 * streams, and compacts history when it grows past the auto-compact limit.
 *
 * Invariants: an error ends sampling with an `error` event and the turn still completes;
 * steered input is drained only between requests; a cancelled turn stops silently.
 */
import type { UserInput } from '../protocol/index.js';
import { autoCompactTokenLimit, getTotalTokenUsage, userInputToMessage } from '../history/index.js';
import type { ModelClient } from '../model/types.js';
import type { EngineContext } from '../tools/turn-context.js';
import { runCompaction } from './compaction.js';
import { recordContextUpdates } from './context-updates.js';
import { asModelError, backoffMs, errorEvent, exhaustedErrorEvent, markContextWindowFull, streamErrorEvent } from './model-errors.js';
import { defaultEngineOptions, withEngineDefaults, type TurnEngineOptions } from './engine-options.js';
import { buildRequest, runSamplingRequest, type SamplingDeps, type SamplingResult, type TurnState } from './sampling.js';
import type { SessionTask } from './session-task.js';
import type { ToolRouter } from '../tools/router.js';

export interface RegularTaskOptions extends Partial<TurnEngineOptions> {
  model: ModelClient;
  /** The thread's tools: their specs go with each request, and the thread's tool calls dispatch to them. */
  router: ToolRouter;
}

/** Whether history has reached the auto-compact limit. */
export function needsCompaction(ctx: EngineContext, model: ModelClient, opts: TurnEngineOptions): boolean {
  const limit = autoCompactTokenLimit(opts.autoCompactTokenLimit, model.contextWindow ?? null);
  if (!Number.isFinite(limit)) return false;
  const session = ctx.session();
  return getTotalTokenUsage(session.history, session.serverReasoningIncluded) >= limit;
}

/** How one sampling request (with its retries) ended. */
type SampleOutcome = { kind: 'ok'; result: SamplingResult } | { kind: 'failed' } | { kind: 'cancelled' };

/** One sampling request with stream-level retries; a failure has emitted its `error`. */
async function sampleWithRetries(ctx: EngineContext, deps: SamplingDeps, opts: TurnEngineOptions): Promise<SampleOutcome> {
  const max = Math.min(opts.streamMaxRetries, 100);
  try {
    // Dynamic tools (MCP servers, possibly still starting) are listed before each request.
    await deps.router.prepare(ctx.signal);
  } catch {
    return { kind: 'cancelled' };
  }
  const request = buildRequest(ctx, deps);
  for (let attempt = 1; ; attempt++) {
    try {
      // The sticky-routing token may have arrived with a failed attempt; retries send it.
      const result = await runSamplingRequest(ctx, deps, { ...request, turn_state: deps.turn.turnStateToken });
      return { kind: 'ok', result };
    } catch (err) {
      if (ctx.signal.aborted) return { kind: 'cancelled' };
      const e = asModelError(err);
      if (!e.retryable || attempt > max) {
        if (e.kind === 'context_window_exceeded') markContextWindowFull(ctx, deps.model.contextWindow ?? null);
        if (e.rateLimits) {
          ctx.updateSession({ type: 'RATE_LIMITS.UPDATE', rateLimits: e.rateLimits });
          ctx.emit({ type: 'token_count', info: ctx.tokenInfo(), rate_limits: e.rateLimits });
        }
        ctx.emit(e.retryable ? exhaustedErrorEvent(e) : errorEvent(e));
        return { kind: 'failed' };
      }
      ctx.emit(streamErrorEvent(e, attempt, max));
      try {
        await opts.sleep(e.retryAfterMs ?? backoffMs(attempt, opts.random), ctx.signal);
      } catch {
        return { kind: 'cancelled' };
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
    const outcome = await sampleWithRetries(ctx, deps, opts);
    if (outcome.kind !== 'ok' || ctx.signal.aborted) break;
    const { result } = outcome;
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
 * const task = regularTask({ model, router: new ToolRouter([]) });
 */
export function regularTask(options: RegularTaskOptions): SessionTask<UserInput[]> {
  const opts = withEngineDefaults(options);
  const router = options.router;
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
