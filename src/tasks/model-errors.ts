/**
 * Mapping model failures to the protocol: retry backoff, `stream_error` notices, and the
 * `error` event (with `codex_error_info`) that ends a turn's sampling.
 */
import type { CodexErrorInfo, EventMsg } from '../protocol/index.js';
import { ModelError } from '../model/types.js';
import type { EngineContext } from '../tools/turn-context.js';

/** Base delay of the first retry (ms). */
export const RETRY_BASE_DELAY_MS = 200;

/**
 * Backoff before retry `attempt` (1-based): 200 ms × 2^(attempt−1) × jitter in [0.9, 1.1).
 * @example
 * backoffMs(3, () => 0.5); // 800
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const jitter = 0.9 + random() * 0.2;
  return Math.round(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1) * jitter);
}

/** Treats anything thrown by a model client as a `ModelError`. */
export function asModelError(err: unknown): ModelError {
  if (err instanceof ModelError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ModelError('fatal', message, { cause: err });
}

const status = (e: ModelError) => ({ http_status_code: e.httpStatus });

/**
 * The `codex_error_info` of a failure that ended sampling.
 * @example
 * errorInfoFor(new ModelError('quota_exceeded', 'Quota exceeded.')); // 'usage_limit_exceeded'
 */
export function errorInfoFor(e: ModelError): CodexErrorInfo {
  switch (e.kind) {
    case 'context_window_exceeded':
      return 'context_window_exceeded';
    case 'quota_exceeded':
    case 'usage_limit_reached':
    case 'usage_not_included':
      return 'usage_limit_exceeded';
    case 'server_overloaded':
      return 'server_overloaded';
    case 'cyber_policy':
      return 'cyber_policy';
    case 'retry_limit':
      return { response_too_many_failed_attempts: status(e) };
    case 'connection_failed':
      return { http_connection_failed: status(e) };
    case 'unauthorized':
      return 'unauthorized';
    case 'invalid_request':
      return 'bad_request';
    case 'internal_server_error':
      return 'internal_server_error';
    default:
      return 'other';
  }
}

const STREAM_PREFIX = 'stream disconnected before completion: ';

/**
 * The text users see for a failure; a broken stream reads as Codex shows it
 * ("stream disconnected before completion: …").
 * @example
 * errorMessage(new ModelError('stream', 'stream closed before response.completed'));
 * // 'stream disconnected before completion: stream closed before response.completed'
 */
export function errorMessage(e: ModelError): string {
  return e.kind === 'stream' && !e.message.startsWith(STREAM_PREFIX) ? `${STREAM_PREFIX}${e.message}` : e.message;
}

/**
 * The `error` event for a failure.
 * @example
 * errorEvent(new ModelError('stream', 'stream closed')).codex_error_info; // 'other'
 */
export function errorEvent(e: ModelError): Extract<EventMsg, { type: 'error' }> {
  return { type: 'error', message: errorMessage(e), codex_error_info: errorInfoFor(e) };
}

/**
 * The `error` event for the last failure once stream retries ran out. An HTTP 429 or 5xx
 * reaches the engine only after the adapter's request-level retries (none for 429), so
 * running out of stream retries on one means the request failed too many times:
 * `response_too_many_failed_attempts{http_status_code}`. Other failures keep their own info.
 * @example
 * exhaustedErrorEvent(new ModelError('internal_server_error', 'boom', { httpStatus: 500 })).codex_error_info;
 * // { response_too_many_failed_attempts: { http_status_code: 500 } }
 */
export function exhaustedErrorEvent(e: ModelError): Extract<EventMsg, { type: 'error' }> {
  const status = e.httpStatus;
  const httpFailure = status !== null && (status === 429 || status >= 500) && HTTP_RETRIED_KINDS.has(e.kind);
  if (!httpFailure) return errorEvent(e);
  return { type: 'error', message: errorMessage(e), codex_error_info: { response_too_many_failed_attempts: { http_status_code: status } } };
}

const HTTP_RETRIED_KINDS = new Set<ModelError['kind']>(['internal_server_error', 'unexpected_status', 'retryable']);

/**
 * The `stream_error` notice before retry `attempt` of `max`.
 * @example
 * streamErrorEvent(new ModelError('stream', 'closed'), 1, 5).message; // 'Reconnecting... 1/5'
 */
export function streamErrorEvent(e: ModelError, attempt: number, max: number): Extract<EventMsg, { type: 'stream_error' }> {
  return {
    type: 'stream_error',
    message: `Reconnecting... ${attempt}/${max}`,
    codex_error_info: { response_stream_disconnected: status(e) },
    additional_details: errorMessage(e),
  };
}

/**
 * After a context-window error: marks the context full (total = window, when the window is
 * known) and announces the usage with `token_count`, as Codex's `set_total_tokens_full` does.
 * @example
 * markContextWindowFull(ctx, 200_000); // token_count with total_tokens 200000
 */
export function markContextWindowFull(ctx: EngineContext, contextWindow: number | null): void {
  if (contextWindow) {
    ctx.updateSession({ type: 'TOKENS.FILL_WINDOW', contextWindow });
  }
  ctx.emit({ type: 'token_count', info: ctx.tokenInfo(), rate_limits: ctx.session().rateLimits });
}

/** Sleeps `ms`, or rejects with an AbortError when `signal` aborts first. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
