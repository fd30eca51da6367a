/**
 * One sampling request: stream the model's response, turn stream events into protocol
 * events, record output items, run tool calls concurrently and record their outputs in
 * call order once the stream has completed.
 *
 * Invariants: steered input is never drained here — it waits for the next request. An
 * attempt's output items reach history and the rollout only when its response completes or
 * the turn is interrupted (then what completed before the interrupt is kept); a failed attempt
 * leaves nothing behind, so its retry, which resends the first attempt's input as Codex does,
 * agrees with history.
 */
import type { ResponseItem, TurnItem } from '../protocol/index.js';
import { forPrompt } from '../history/index.js';
import { ModelError, type JsonSchemaTextFormat, type ModelClient, type ModelRequest, type ResponseEvent } from '../model/types.js';
import { modelCapabilities, requestReasoning } from '../model/capabilities.js';
import type { EngineContext } from '../tools/turn-context.js';
import { isToolCall, type ToolCallItem, type ToolRouter } from '../tools/router.js';

export interface SamplingResult {
  /** The model made tool calls (or was cut short for mail) and must be called again. */
  needsFollowUp: boolean;
  lastAgentMessage: string | null;
}

/** Per-turn state shared by the requests of one turn. */
export interface TurnState {
  rerouteAnnounced: boolean;
  /** Sticky-routing token echoed on follow-up requests of the turn. */
  turnStateToken: string | null;
  turnMetadata: string;
}

export interface SamplingDeps {
  model: ModelClient;
  router: ToolRouter;
  turn: TurnState;
}

function agentMessageItem(id: string, item: Extract<ResponseItem, { type: 'message' }>): TurnItem {
  const text = item.content.flatMap((c) => (c.type === 'output_text' ? [{ type: 'Text' as const, text: c.text }] : []));
  return { type: 'AgentMessage', id, content: text, phase: item.phase ?? null };
}

function toTurnItem(item: ResponseItem, id: string): TurnItem | null {
  if (item.type === 'message' && item.role === 'assistant') return agentMessageItem(id, item);
  if (item.type === 'reasoning') {
    return {
      type: 'Reasoning',
      id,
      summary_text: item.summary.map((s) => s.text),
      raw_content: (item.content ?? []).map((c) => c.text),
    };
  }
  if (item.type === 'web_search_call') {
    const query = (item.action as { query?: unknown } | null | undefined)?.query;
    return { type: 'WebSearch', id, query: typeof query === 'string' ? query : '' };
  }
  if (item.type === 'image_generation_call') return { type: 'ImageGeneration', id };
  return null;
}

const messageText = (item: Extract<ResponseItem, { type: 'message' }>) =>
  item.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('');

/** Builds the request for the current history. */
export function buildRequest(ctx: EngineContext, deps: SamplingDeps): ModelRequest {
  const s = ctx.settings;
  return {
    model: s.model,
    instructions: s.base_instructions,
    input: forPrompt(ctx.session().history),
    tools: deps.router.specs(),
    parallel_tool_calls: true,
    reasoning: requestReasoning(modelCapabilities(s.model, deps.model.capabilities), s.effort, s.summary),
    turn_state: deps.turn.turnStateToken,
    turn_metadata: deps.turn.turnMetadata,
    prompt_cache_key: ctx.threadId,
    ...(ctx.outputSchema ? { text: { format: outputSchemaFormat(ctx.outputSchema) } } : {}),
  };
}

/** The name Codex gives the final-output schema in `text.format`. */
export const OUTPUT_SCHEMA_NAME = 'codex_output_schema';

/**
 * The Responses `text.format` for a turn's `final_output_json_schema`: a strict JSON Schema
 * format (as Codex sends it).
 * @example
 * outputSchemaFormat({ type: 'object', properties: {}, additionalProperties: false });
 * // { type: 'json_schema', name: 'codex_output_schema', schema: {...}, strict: true }
 */
export function outputSchemaFormat(schema: Record<string, unknown>): JsonSchemaTextFormat {
  return { type: 'json_schema', name: OUTPUT_SCHEMA_NAME, schema, strict: true };
}

/**
 * Runs one request attempt. Throws `ModelError` on failure (the caller retries or reports).
 * A retry passes the request its first attempt sent (Codex builds the prompt once), and a
 * failed attempt records nothing, so history never holds output no request carried.
 */
export async function runSamplingRequest(ctx: EngineContext, deps: SamplingDeps, request: ModelRequest = buildRequest(ctx, deps)): Promise<SamplingResult> {
  const meta = { thread_id: ctx.threadId, turn_id: ctx.turnId };
  const tools: Array<{ call: ToolCallItem; output: Promise<ResponseItem> }> = [];
  let active: { id: string; kind: 'agent' | 'reasoning' | 'other'; started: boolean } | null = null;
  let needsFollowUp = false;
  let lastAgentMessage: string | null = null;
  let completed = false;
  // Tools started by this attempt stop when the turn is cancelled or the attempt fails
  // (Codex drops their futures with the failed stream).
  const attempt = new AbortController();
  // Output items held until the response completes; an interrupt commits them at once (before
  // the interrupt marker), a failure drops them.
  let produced: ResponseItem[] = [];
  const commit = () => {
    const items = produced;
    produced = [];
    ctx.recordItems(items);
  };
  ctx.signal.addEventListener('abort', commit, { once: true });
  const span = ctx.startSpan('sampling_request', { model: request.model, 'tools.count': request.tools.length });

  try {
    for await (const ev of deps.model.stream(request, ctx.signal)) {
      if (ctx.signal.aborted) break;
      const outcome = handleEvent(ev);
      if (outcome === 'completed') break;
    }
  } catch (err) {
    // An interrupt ends the stream; the tools already started still report below.
    if (!ctx.signal.aborted) {
      attempt.abort();
      span.end(err);
      throw err;
    }
  } finally {
    ctx.signal.removeEventListener('abort', commit);
  }
  span.setAttributes({ completed, interrupted: ctx.signal.aborted });
  span.end();
  function handleEvent(ev: ResponseEvent): 'completed' | void {
    switch (ev.type) {
      case 'output_item_added': {
        const id = ('id' in ev.item && typeof ev.item.id === 'string' && ev.item.id) || ctx.newId();
        const item = toTurnItem(ev.item, id);
        const kind = item?.type === 'AgentMessage' ? 'agent' : item?.type === 'Reasoning' ? 'reasoning' : 'other';
        active = { id, kind, started: item !== null };
        if (item) ctx.emit({ type: 'item_started', ...meta, item });
        break;
      }
      case 'output_text_delta':
        if (active?.kind === 'agent') ctx.emit({ type: 'agent_message_content_delta', ...meta, item_id: active.id, delta: ev.delta });
        break;
      case 'reasoning_summary_delta':
        if (active) ctx.emit({ type: 'reasoning_content_delta', ...meta, item_id: active.id, delta: ev.delta, summary_index: ev.summary_index });
        break;
      case 'reasoning_summary_part_added':
        if (active) ctx.emit({ type: 'agent_reasoning_section_break', item_id: active.id, summary_index: ev.summary_index });
        break;
      case 'reasoning_content_delta':
        if (active) ctx.emit({ type: 'reasoning_raw_content_delta', ...meta, item_id: active.id, delta: ev.delta, content_index: ev.content_index });
        break;
      case 'output_item_done': {
        const item = ev.item;
        if (isToolCall(item)) {
          ctx.updateSession({ type: 'MAILBOX.OPEN' });
          produced.push(item);
          ctx.announceRawItem(item);
          ctx.countToolCall();
          const callId = item.type === 'local_shell_call' ? (item.call_id ?? item.id ?? ctx.newId()) : item.call_id;
          // Each call runs as a `toolCall` actor of the turn (the call is its input), visible in
          // the inspector. A runner that rejects answers the model with a failed output; the
          // turn goes on.
          const output = ctx.runToolCall(item, callId, attempt.signal).catch((err: unknown) => deps.router.failedOutput(item, callId, err));
          tools.push({ call: item, output });
          needsFollowUp = true;
          active = null;
          break;
        }
        const reuse = active && active.started ? active.id : null;
        const id = reuse ?? (('id' in item && typeof item.id === 'string' && item.id) || ctx.newId());
        const turnItem = toTurnItem(item, id);
        if (turnItem) {
          if (!reuse) ctx.emit({ type: 'item_started', ...meta, item: turnItem });
          ctx.emit({ type: 'item_completed', ...meta, item: turnItem });
        }
        produced.push(item);
        ctx.announceRawItem(item);
        if (item.type === 'message' && item.role === 'assistant') {
          lastAgentMessage = messageText(item);
          if (item.phase !== 'commentary') ctx.updateSession({ type: 'MAILBOX.CLOSE' });
        }
        active = null;
        break;
      }
      case 'server_model':
        if (!deps.turn.rerouteAnnounced && ev.model.toLowerCase() !== request.model.toLowerCase()) {
          deps.turn.rerouteAnnounced = true;
          ctx.emit({ type: 'model_reroute', from_model: request.model, to_model: ev.model, reason: 'server_reroute' });
          ctx.emit({ type: 'warning', message: `Warning: the server answered with model ${ev.model} instead of ${request.model}.` });
        }
        break;
      case 'rate_limits':
        ctx.updateSession({ type: 'RATE_LIMITS.UPDATE', rateLimits: ev.snapshot });
        ctx.emit({ type: 'token_count', info: ctx.tokenInfo(), rate_limits: ev.snapshot });
        break;
      case 'server_reasoning_included':
        ctx.updateSession({ type: 'SERVER_REASONING.SET', included: ev.included });
        break;
      case 'turn_state':
        deps.turn.turnStateToken ??= ev.value;
        break;
      case 'completed': {
        if (ev.token_usage) ctx.updateSession({ type: 'TOKENS.UPDATE', usage: ev.token_usage, contextWindow: deps.model.contextWindow ?? null });
        commit();
        ctx.emit({ type: 'token_count', info: ctx.tokenInfo(), rate_limits: ctx.session().rateLimits });
        completed = true;
        break;
      }
      default:
        break;
    }
    if (completed) return 'completed';
  }
  if (!completed && !ctx.signal.aborted) {
    attempt.abort();
    throw new ModelError('stream', 'stream disconnected before completion: stream closed before response.completed');
  }
  // Tool outputs are recorded in call order, after the stream.
  for (const { call, output } of tools) {
    const out = await output;
    if (!ctx.live) break;
    ctx.recordItems([out]);
    ctx.announceRawItem(out);
    ctx.goalToolCompleted(deps.router.toolName(call));
  }
  if (completed && !ctx.signal.aborted) await deps.router.afterSampling(ctx);
  return { needsFollowUp, lastAgentMessage };
}
