/**
 * The provider-neutral model contract: one streaming sampling request in, `ResponseEvent`s
 * out. Adapters (the `openai` SDK one in `./openai`, the in-process `scriptedModel`) map
 * their wire format to these events and their failures to `ModelError`.
 */
import type { ResponseItem } from '../protocol/items.js';
import type { ReasoningEffort } from '../protocol/config.js';
import type { RateLimitSnapshot, TokenUsage } from '../protocol/tokens.js';

/** A function tool the model may call, as JSON Schema. */
export interface FunctionToolSpec {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
}
/** A freeform (custom) tool, e.g. the grammar form of apply_patch. */
export interface CustomToolSpec {
  type: 'custom';
  name: string;
  description: string;
  format?: Record<string, unknown>;
}
export type ToolSpec = FunctionToolSpec | CustomToolSpec;

/**
 * Request-shaping facts about a model.
 * @example
 * const caps: ModelCapabilities = { family: 'gpt-5', reasoning: true, reasoningSummaries: true, defaultEffort: 'medium', outputSchema: true };
 */
export interface ModelCapabilities {
  /** Family name the slug matched (`'gpt-5'`, `'o-series'`, `'codex'`, `'gpt-4'`, `'unknown'`). */
  family: string;
  /** The model reasons: requests carry `reasoning` and ask for encrypted reasoning content. */
  reasoning: boolean;
  /** `reasoning.summary` may be sent. */
  reasoningSummaries: boolean;
  /** Effort sent when the thread configures none; `null` leaves it to the server. */
  defaultEffort: ReasoningEffort | null;
  /**
   * The model follows a strict JSON Schema sent as `text.format` (Codex
   * `supports_output_schema`); used by requests the engine makes on its own, such as the buddy
   * observer's. Absent: taken as `false`.
   */
  outputSchema?: boolean;
}

/** Responses `text.format` of type `json_schema` (Chat: `response_format.json_schema`). */
export interface JsonSchemaTextFormat {
  type: 'json_schema';
  name: string;
  schema: Record<string, unknown>;
  strict: boolean;
}

/** One sampling request. */
export interface ModelRequest {
  model: string;
  instructions: string;
  input: ResponseItem[];
  tools: ToolSpec[];
  parallel_tool_calls: boolean;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  /** Sticky-routing token for requests of one turn (sent as `x-codex-turn-state`). */
  turn_state?: string | null;
  /** Turn metadata header value (`x-codex-turn-metadata`). */
  turn_metadata?: string | null;
  /** Output format: a strict JSON Schema when the turn asks for structured output. */
  text?: { format?: JsonSchemaTextFormat } | null;
  prompt_cache_key?: string;
}

/** Events of one streamed response (Codex `ResponseEvent`). */
export type ResponseEvent =
  | { type: 'created' }
  | { type: 'output_item_added'; item: ResponseItem }
  | { type: 'output_item_done'; item: ResponseItem }
  | { type: 'server_model'; model: string }
  | { type: 'model_verifications'; verifications: unknown[] }
  | { type: 'server_reasoning_included'; included: boolean }
  | { type: 'completed'; response_id: string; token_usage: TokenUsage | null }
  | { type: 'output_text_delta'; delta: string }
  | { type: 'tool_call_input_delta'; item_id: string; call_id: string | null; delta: string }
  | { type: 'reasoning_summary_delta'; delta: string; summary_index: number }
  | { type: 'reasoning_content_delta'; delta: string; content_index: number }
  | { type: 'reasoning_summary_part_added'; summary_index: number }
  | { type: 'rate_limits'; snapshot: RateLimitSnapshot }
  | { type: 'models_etag'; etag: string }
  | { type: 'turn_state'; value: string };

/**
 * Why a sampling request failed. `retryable` kinds are retried by the turn loop with backoff;
 * the rest end the turn with an `error` event.
 */
export type ModelErrorKind =
  | 'stream' // stream broke or closed before response.completed (retryable)
  | 'timeout' // idle timeout (retryable)
  | 'unexpected_status' // HTTP error without a more specific meaning (retryable)
  | 'connection_failed' // could not connect (retryable)
  | 'internal_server_error' // 5xx (retryable)
  | 'retryable' // response.failed with a retryable code, maybe with a server-requested delay
  | 'context_window_exceeded'
  | 'quota_exceeded'
  | 'usage_not_included'
  | 'usage_limit_reached'
  | 'server_overloaded'
  | 'cyber_policy'
  | 'invalid_request'
  | 'unauthorized'
  | 'retry_limit' // HTTP-level retries ran out
  | 'fatal';

const RETRYABLE = new Set<ModelErrorKind>([
  'stream',
  'timeout',
  'unexpected_status',
  'connection_failed',
  'internal_server_error',
  'retryable',
]);

/**
 * A failed sampling request, classified.
 * @example
 * new ModelError('stream', 'stream closed before response.completed').retryable; // true
 */
export class ModelError extends Error {
  readonly kind: ModelErrorKind;
  readonly httpStatus: number | null;
  /** Server-requested delay before retrying, in ms ("Please try again in 1.5s"). */
  readonly retryAfterMs: number | null;
  readonly rateLimits: RateLimitSnapshot | null;
  constructor(
    kind: ModelErrorKind,
    message: string,
    opts: { httpStatus?: number | null; retryAfterMs?: number | null; rateLimits?: RateLimitSnapshot | null; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ModelError';
    this.kind = kind;
    this.httpStatus = opts.httpStatus ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.rateLimits = opts.rateLimits ?? null;
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/**
 * A model provider. `stream` starts one sampling request; iterating yields its events and
 * throws `ModelError` on failure. Aborting `signal` must abort the underlying HTTP stream
 * promptly and end iteration (with an AbortError or by returning).
 * @example
 * for await (const ev of model.stream(request, signal)) if (ev.type === 'output_text_delta') process.stdout.write(ev.delta);
 */
export interface ModelClient {
  /** Model slug used when the request does not name one. */
  readonly model: string;
  /**
   * The provider id the user configured (Codex's `model_provider` key, e.g. `'openai'`), shown in
   * `session_configured.model_provider_id` and recorded in `session_meta.model_provider`; `null`
   * when unknown (a custom endpoint nobody named), and then not recorded.
   */
  readonly providerId: string | null;
  /** Context window in tokens, if known. */
  readonly contextWindow?: number | null;
  /** Corrections to the family table's capabilities of this model (see `modelCapabilities`). */
  readonly capabilities?: Partial<ModelCapabilities>;
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ResponseEvent>;
}
