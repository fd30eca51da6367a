/**
 * OpenTelemetry spans through `@opentelemetry/api` (an optional peer dependency, loaded on
 * demand: without it, or without an SDK registered, every call here is a no-op). Spans:
 * `thread` (creation → shutdown_complete), `turn` (task_started → task_complete /
 * turn_aborted), `sampling_request`, `tool_call` and `approval_wait` inside their turn.
 * Attribute names follow Codex's OpenTelemetry events (`conversation.id`, `model`,
 * `tool_name`, `call_id`, `decision`) plus `turn.*` and the GenAI token-usage names.
 * A submission's W3C `trace` (`traceparent`/`tracestate`) becomes the parent of its turn.
 */
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import type { Event, Submission } from '../protocol/index.js';
import type { SpanHandle } from '../tools/turn-context.js';

type Otel = typeof OtelApi;
type Attributes = Record<string, string | number | boolean | undefined>;

const NOOP_SPAN: SpanHandle = { setAttributes: () => {}, end: () => {} };

// The loaded `@opentelemetry/api` module (or null when absent): a process-wide fact, no thread's state.
let otelModule: Otel | null | undefined;
/**
 * Loads `@opentelemetry/api` once; null when it is not installed. `require` (not `import()`)
 * keeps it synchronous and out of bundles; the API keeps its global tracer provider on a
 * global symbol, so this copy sees the SDK a host registered through `import`.
 */
function loadOtel(): Otel | null {
  if (otelModule === undefined) {
    try {
      otelModule = createRequire(import.meta.url)('@opentelemetry/api') as Otel;
    } catch {
      otelModule = null;
    }
  }
  return otelModule;
}

/**
 * Parses a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`). Hand-written because the API
 * package alone has no propagator (one comes with an SDK); the format is one fixed pattern.
 */
function parseTraceparent(traceparent: string): { traceId: string; spanId: string; traceFlags: number } | null {
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent.trim().toLowerCase());
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return null;
  return { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16) };
}

/** The spans of one thread. */
export class ThreadTracing {
  private readonly turns = new Map<string, OtelApi.Span>();
  private readonly parents = new Map<string, OtelApi.Context>();
  private thread: OtelApi.Span | null = null;

  private constructor(private readonly otel: Otel | null) {}

  /** A tracing that records nothing. */
  static readonly noop = new ThreadTracing(null);

  /**
   * Starts the thread span (the global tracer `turnstate`; a no-op without an SDK).
   * @example
   * const tracing = ThreadTracing.start('thread-1', { model: 'gpt-5.1' });
   */
  static start(threadId: string, attributes: Attributes): ThreadTracing {
    const otel = loadOtel();
    const tracing = new ThreadTracing(otel);
    if (otel) tracing.thread = tracing.tracer().startSpan('thread', { attributes: clean({ 'conversation.id': threadId, ...attributes }) });
    return tracing;
  }

  private tracer(): OtelApi.Tracer {
    return this.otel!.trace.getTracer('turnstate');
  }

  /** Remembers a submission's W3C trace context: the parent of the turn it starts. */
  noteSubmission(sub: Pick<Submission, 'id' | 'trace'>): void {
    const traceparent = sub.trace?.traceparent;
    if (!this.otel || !traceparent) return;
    const parsed = parseTraceparent(traceparent);
    if (!parsed) return;
    const { trace, ROOT_CONTEXT, createTraceState } = this.otel;
    const tracestate = sub.trace?.tracestate;
    this.parents.set(sub.id, trace.setSpanContext(ROOT_CONTEXT, { ...parsed, isRemote: true, ...(tracestate ? { traceState: createTraceState(tracestate) } : {}) }));
  }

  /** Follows delivered events: turn spans start and end, token usage, the thread's end. */
  observe({ id, msg }: Event): void {
    if (!this.otel) return;
    switch (msg.type) {
      case 'task_started': {
        const parent = this.parents.get(id) ?? this.threadContext();
        this.parents.delete(id);
        this.turns.set(id, this.tracer().startSpan('turn', { attributes: { 'turn.id': id } }, parent));
        break;
      }
      case 'token_count': {
        const last = msg.info?.last_token_usage;
        if (last) this.turns.get(id)?.setAttributes({ 'gen_ai.usage.input_tokens': last.input_tokens, 'gen_ai.usage.output_tokens': last.output_tokens });
        break;
      }
      case 'task_complete':
      case 'turn_aborted': {
        const span = this.turns.get(id);
        this.turns.delete(id);
        span?.setAttributes(clean({ 'turn.outcome': msg.type === 'task_complete' ? 'completed' : 'aborted', 'turn.abort_reason': msg.type === 'turn_aborted' ? msg.reason : undefined }));
        span?.end();
        break;
      }
      case 'shutdown_complete':
        for (const span of this.turns.values()) span.end();
        this.turns.clear();
        this.thread?.end();
        this.thread = null;
        break;
      default:
        break;
    }
  }

  /** Starts a span inside a turn (`sampling_request`, `tool_call`, `approval_wait`). */
  startInTurn(turnId: string, name: string, attributes: Attributes): SpanHandle {
    if (!this.otel) return NOOP_SPAN;
    const turn = this.turns.get(turnId);
    const parent = turn ? this.otel.trace.setSpan(this.otel.ROOT_CONTEXT, turn) : this.threadContext();
    const span = this.tracer().startSpan(name, { attributes: clean({ 'turn.id': turnId, ...attributes }) }, parent);
    const { SpanStatusCode } = this.otel;
    return {
      setAttributes: (a) => span.setAttributes(clean(a)),
      end: (error) => {
        if (error !== undefined) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        }
        span.end();
      },
    };
  }

  private threadContext(): OtelApi.Context {
    const { trace, ROOT_CONTEXT } = this.otel!;
    return this.thread ? trace.setSpan(ROOT_CONTEXT, this.thread) : ROOT_CONTEXT;
  }
}

function clean(attributes: Attributes): OtelApi.Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as OtelApi.Attributes;
}
