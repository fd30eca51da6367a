/**
 * Reads an HTTP response body as SSE messages, with the two guarantees the turn engine
 * relies on: aborting the signal ends the read at once (the body is cancelled, which closes
 * the connection), and a server that goes quiet for `idleTimeoutMs` fails the stream.
 */
import { ModelError } from '../types.js';
import { abortError, toModelError } from './errors.js';
import { DEFAULT_MAX_SSE_EVENT_LENGTH, SseDecoder } from './sse.js';
import type { SseMessage } from './sse.js';

type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;

/**
 * Codex's default SSE idle timeout, in ms.
 * @example
 * openaiModel({ model: 'gpt-5', streamIdleTimeoutMs: DEFAULT_STREAM_IDLE_TIMEOUT_MS / 10 });
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

/**
 * Yields the SSE messages of `body`. Throws an AbortError when `signal` fires, a `timeout`
 * `ModelError` after `idleTimeoutMs` without data, a `stream` `ModelError` when the
 * connection breaks, `SseEventTooLargeError` when one event passes `maxEventLength`
 * characters. Stopping iteration early cancels the body.
 * @example
 * for await (const message of readSse(response.body, signal)) console.log(message.event, message.data);
 */
export async function* readSse(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
  idleTimeoutMs: number = DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  maxEventLength: number = DEFAULT_MAX_SSE_EVENT_LENGTH,
): AsyncGenerator<SseMessage, void, undefined> {
  if (signal.aborted) throw abortError();
  if (!body) return;
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  const text = new TextDecoder();
  const sse = new SseDecoder({ maxEventLength });
  try {
    for (;;) {
      let chunk: ReadResult;
      try {
        chunk = await readWithTimeout(reader, idleTimeoutMs);
      } catch (err) {
        if (signal.aborted) throw abortError();
        throw toModelError(err, 'stream');
      }
      if (signal.aborted) throw abortError();
      if (chunk.done) break;
      for (const message of sse.push(text.decode(chunk.value, { stream: true }))) {
        if (signal.aborted) throw abortError(); // one chunk may hold many events
        yield message;
      }
    }
    for (const message of [...sse.push(text.decode()), ...sse.end()]) {
      if (signal.aborted) throw abortError();
      yield message;
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    cancel(); // no-op after a clean end; closes the connection when the consumer stops early
  }
}

function readWithTimeout(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
): Promise<ReadResult> {
  if (!(ms > 0) || ms === Number.POSITIVE_INFINITY) return reader.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModelError('timeout', 'idle timeout waiting for SSE')), ms);
  });
  return Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
}
