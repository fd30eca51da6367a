/**
 * Classifies failures of the `openai` SDK (HTTP status errors, connection errors, broken
 * streams) as `ModelError`s, and makes the AbortError the adapter throws when its signal fires.
 *
 * 5xx: the SDK has already retried the request (`requestMaxRetries`) before we see the error,
 * so what reaches us means "the server kept failing". We report it as `internal_server_error`
 * (retryable at the stream level, as Codex does once its own request retries run out) rather
 * than `retry_limit`, which would end the turn without the stream-level retries.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ModelError } from '../types.js';
import { failedResponseError, parseRetryAfter, QUOTA_EXCEEDED_MESSAGE } from './convert.js';
import { parseRateLimits } from './headers.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The error thrown when a stream is aborted through its signal: a `DOMException` named
 * `AbortError`, like `fetch` throws.
 * @example
 * abortError().name; // 'AbortError'
 */
export function abortError(): Error {
  return new DOMException('The model stream was aborted', 'AbortError');
}

/**
 * Whether `err` means "aborted" (a DOM/undici AbortError or the SDK's user-abort error).
 * @example
 * isAbortError(abortError()); // true
 */
export function isAbortError(err: unknown): boolean {
  return err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError');
}

/**
 * Maps an error from the SDK call (`phase: 'request'`) or from reading the body
 * (`phase: 'stream'`) to a `ModelError`. `ModelError`s pass through unchanged.
 * @example
 * toModelError(new APIConnectionError({ message: 'refused' }), 'request').kind; // 'connection_failed'
 */
export function toModelError(err: unknown, phase: 'request' | 'stream'): ModelError {
  if (err instanceof ModelError) return err;
  if (err instanceof APIConnectionTimeoutError) return new ModelError('timeout', err.message, { cause: err });
  if (err instanceof APIConnectionError) return new ModelError('connection_failed', err.message, { cause: err });
  if (err instanceof APIError && typeof err.status === 'number') return fromHttpStatus(err, err.status);
  const message = err instanceof Error ? err.message : String(err);
  if (phase === 'stream') return new ModelError('stream', `error reading the response stream: ${message}`, { cause: err });
  return new ModelError('fatal', message, { cause: err });
}

function fromHttpStatus(err: APIError, status: number): ModelError {
  const body = isObj(err.error) ? err.error : {};
  const code = str(body.code);
  const type = str(body.type);
  const message = str(body.message) ?? err.message;
  const opts = { httpStatus: status, cause: err };
  if (code === 'context_length_exceeded') return new ModelError('context_window_exceeded', message, opts);
  if (code === 'insufficient_quota' || type === 'insufficient_quota') {
    return new ModelError('quota_exceeded', QUOTA_EXCEEDED_MESSAGE, opts);
  }
  if (status === 400) return new ModelError('invalid_request', message, opts);
  if (status === 401) return new ModelError('unauthorized', message, opts);
  if (status === 429) {
    if (type === 'usage_limit_reached' || code === 'usage_limit_reached') {
      const rateLimits = err.headers ? (parseRateLimits(err.headers)[0] ?? null) : null;
      return new ModelError('usage_limit_reached', message, { ...opts, rateLimits });
    }
    if (type === 'usage_not_included' || code === 'usage_not_included') return new ModelError('usage_not_included', message, opts);
    return new ModelError('retryable', message, { ...opts, retryAfterMs: retryAfterFromHeaders(err.headers) ?? parseRetryAfter(message) });
  }
  if (status >= 500) {
    if (code === 'server_is_overloaded' || code === 'slow_down') return failedResponseError(body, { httpStatus: status });
    return new ModelError('internal_server_error', message, opts);
  }
  return new ModelError('unexpected_status', message, opts);
}

function retryAfterFromHeaders(headers: Headers | undefined): number | null {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const seconds = Number.parseFloat(headers?.get('retry-after') ?? '');
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  return null;
}
