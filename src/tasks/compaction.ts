/**
 * Local compaction: ask the model for a handoff summary, then replace history with the
 * kept user messages and the summary. Used inline (auto, inside a turn) and by the
 * `compact` op's task.
 *
 * Event order: item_started(ContextCompaction) → token_count (API usage) → token_count
 * (local estimate) → item_completed (+ context_compacted) → warning.
 */
import type { ResponseItem } from '../protocol/index.js';
import {
  SUMMARIZATION_PROMPT,
  buildCompactedHistory,
  collectUserMessages,
  forPrompt,
  insertInitialContextBeforeLastUserMessage,
  removeFirstItem,
  withEstimatedTokenUsage,
} from '../history/index.js';
import { ModelError, type ModelClient } from '../model/types.js';
import type { EngineContext } from '../tools/turn-context.js';
import { initialContextItems, referenceContextOf, turnContextPayload } from './context-updates.js';
import { asModelError, backoffMs, errorEvent, exhaustedErrorEvent, markContextWindowFull, streamErrorEvent } from './model-errors.js';
import { withEngineDefaults, type TurnEngineOptions } from './engine-options.js';
import type { SessionTask } from './session-task.js';

export interface CompactionOptions {
  inline: boolean;
  /** Re-insert the initial context above the last user message (mid-turn compaction). */
  reinject: boolean;
  opts: TurnEngineOptions;
}

const COMPACTION_WARNING =
  'Heads up: this thread has been compacted. Long threads and repeated compactions can make the model less accurate; start a new thread when you can.';

async function summarise(ctx: EngineContext, model: ModelClient, items: ResponseItem[]): Promise<string> {
  const prompt: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: SUMMARIZATION_PROMPT }] };
  const request = {
    model: ctx.settings.model,
    instructions: ctx.settings.base_instructions,
    input: forPrompt([...items, prompt]),
    tools: [],
    parallel_tool_calls: false,
  };
  let text = '';
  let streamed = '';
  for await (const ev of model.stream(request, ctx.signal)) {
    if (ev.type === 'output_text_delta') streamed += ev.delta;
    else if (ev.type === 'output_item_done' && ev.item.type === 'message' && ev.item.role === 'assistant') {
      text = ev.item.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('');
    } else if (ev.type === 'rate_limits') {
      ctx.updateSession({ type: 'RATE_LIMITS.UPDATE', rateLimits: ev.snapshot });
      ctx.emit({ type: 'token_count', info: ctx.tokenInfo(), rate_limits: ev.snapshot });
    } else if (ev.type === 'completed') {
      if (ev.token_usage) ctx.updateSession({ type: 'TOKENS.UPDATE', usage: ev.token_usage, contextWindow: model.contextWindow ?? null });
      ctx.emit({ type: 'token_count', info: ctx.tokenInfo(), rate_limits: ctx.session().rateLimits });
      return text || streamed;
    }
  }
  throw new ModelError('stream', 'stream disconnected before completion: stream closed before response.completed');
}

/** Compacts history; false when it failed (an `error` was emitted) or was cancelled. */
export async function runCompaction(ctx: EngineContext, model: ModelClient, options: CompactionOptions): Promise<boolean> {
  const id = ctx.newId();
  const meta = { thread_id: ctx.threadId, turn_id: ctx.turnId };
  ctx.emit({ type: 'item_started', ...meta, item: { type: 'ContextCompaction', id } });
  let items = [...ctx.history()];
  let trimmed = 0;
  let attempt = 0;
  let summary: string;
  for (;;) {
    try {
      summary = await summarise(ctx, model, items);
      break;
    } catch (err) {
      if (ctx.signal.aborted) return false;
      const e = asModelError(err);
      if (e.kind === 'context_window_exceeded' && items.length > 1) {
        items = removeFirstItem({ items, tokenInfo: null, referenceContextItem: null }).items;
        trimmed++;
        attempt = 0;
        continue;
      }
      const max = Math.min(options.opts.streamMaxRetries, 100);
      if (e.retryable && attempt < max) {
        attempt++;
        ctx.emit(streamErrorEvent(e, attempt, max));
        try {
          await options.opts.sleep(e.retryAfterMs ?? backoffMs(attempt, options.opts.random), ctx.signal);
        } catch {
          return false;
        }
        continue;
      }
      if (e.kind === 'context_window_exceeded') markContextWindowFull(ctx, model.contextWindow ?? null);
      ctx.emit(e.retryable ? exhaustedErrorEvent(e) : errorEvent(e));
      return false;
    }
  }
  // Ghost snapshots survive compaction (SPEC §10.5), so undo still reaches back past it.
  const snapshots = ctx.history().filter((item) => item.type === 'ghost_snapshot');
  let replacement = [...buildCompactedHistory(collectUserMessages(items), summary), ...snapshots];
  if (options.reinject) replacement = insertInitialContextBeforeLastUserMessage(replacement, initialContextItems(ctx, options.opts.shell));
  const history = withEstimatedTokenUsage(
    { items: replacement, tokenInfo: ctx.tokenInfo(), referenceContextItem: options.reinject ? referenceContextOf(ctx) : null },
    ctx.settings.base_instructions,
    model.contextWindow ?? null,
  );
  ctx.updateSession({ type: 'HISTORY.REPLACE', history });
  ctx.recordRollout([{ type: 'compacted', payload: { message: summary, replacement_history: replacement } }]);
  if (options.reinject) ctx.recordRollout([{ type: 'turn_context', payload: turnContextPayload(ctx) }]);
  ctx.emit({ type: 'token_count', info: history.tokenInfo, rate_limits: ctx.session().rateLimits });
  ctx.emit({ type: 'item_completed', ...meta, item: { type: 'ContextCompaction', id } });
  ctx.emit({ type: 'warning', message: COMPACTION_WARNING });
  if (trimmed > 0) {
    ctx.emit({ type: 'background_event', message: `Trimmed ${trimmed} older thread item(s) before compacting so the request fits the context window.` });
  }
  return true;
}

/**
 * The `compact` op's task: compacts history as a turn of its own (not steerable).
 * @example
 * await thread.submit({ type: 'compact' });
 */
export function compactTask(options: { model: ModelClient } & Partial<TurnEngineOptions>): SessionTask<null> {
  return {
    kind: 'compact',
    steerable: false,
    announcesStart: true,
    async run(ctx) {
      const opts = withEngineDefaults(options);
      await runCompaction(ctx as EngineContext, options.model, { inline: false, reinject: false, opts });
      return null;
    },
  };
}
