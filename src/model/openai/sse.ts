/**
 * A small, pure Server-Sent Events decoder, linear in its input, with a bound on one event's
 * size. Invariants: every character is scanned once (a line split across chunks is kept as
 * fragments and joined once, when it ends); an event whose buffered text passes
 * `maxEventLength` fails the stream with `SseEventTooLargeError` instead of growing.
 *
 * Hand-written rather than `eventsource-parser` or the SDK's `Stream`: the SDK's line decoder
 * copies its whole buffer on every chunk (quadratic on a long line) and has no bound, and
 * eventsource-parser drops event-only messages (`event: x` with no `data:`), which Codex's mock
 * server emits for events that carry nothing but their type. The adapter also reads raw bodies
 * itself so that it can skip unparsable `data` lines and apply an idle timeout, as Codex does.
 */
import { ModelError } from '../types.js';

/**
 * One dispatched SSE message: the `event:` field (if any) and the joined `data:` lines.
 * @example
 * const m: SseMessage = { event: 'response.created', data: '{"type":"response.created","response":{"id":"r1"}}' };
 */
export interface SseMessage {
  event: string | null;
  data: string;
}

/**
 * Default bound on one event (its pending line plus its `data` so far), in UTF-16 code units
 * (bytes, for ASCII JSON): 8 MiB.
 * @example
 * new SseDecoder({ maxEventLength: DEFAULT_MAX_SSE_EVENT_LENGTH * 2 });
 */
export const DEFAULT_MAX_SSE_EVENT_LENGTH = 8 * 1024 * 1024;

/**
 * A stream event grew past the decoder's bound. A `ModelError` of kind `fatal`: the turn
 * ends with an `error` event (not retried: the same server would send the same event).
 * @example
 * new SseEventTooLargeError(8 * 1024 * 1024).code; // 'sse_event_too_large'
 */
export class SseEventTooLargeError extends ModelError {
  readonly code = 'sse_event_too_large';
  readonly maxEventLength: number;
  constructor(maxEventLength: number) {
    super('fatal', `the model stream sent an SSE event larger than ${maxEventLength} characters; the response was abandoned`);
    this.name = 'SseEventTooLargeError';
    this.maxEventLength = maxEventLength;
  }
}

/**
 * Options of `SseDecoder`.
 * @example
 * new SseDecoder({ maxEventLength: 1024 * 1024 });
 */
export interface SseDecoderOptions {
  /** Bound on one event, in UTF-16 code units (default `DEFAULT_MAX_SSE_EVENT_LENGTH`). */
  maxEventLength?: number;
}

/**
 * Incremental SSE decoder: feed text chunks, get the messages completed so far.
 * Lines may end in `\n`, `\r\n` or `\r`, and a line may be split across chunks. Throws
 * `SseEventTooLargeError` once an event passes `maxEventLength`.
 * @example
 * const d = new SseDecoder();
 * d.push('event: ping\ndata: {"a":1}\n\n'); // [{ event: 'ping', data: '{"a":1}' }]
 */
export class SseDecoder {
  readonly #max: number;
  /** The current, unfinished line, as the fragments it arrived in. */
  #fragments: string[] = [];
  #fragmentsLength = 0;
  /** The pending line ended with a `\r` at the end of a chunk: a `\n` may follow. */
  #heldCr = false;
  #event: string | null = null;
  #data: string[] = [];
  #dataLength = 0;
  #hasFields = false;

  constructor(options: SseDecoderOptions = {}) {
    this.#max = options.maxEventLength ?? DEFAULT_MAX_SSE_EVENT_LENGTH;
  }

  /** Adds a chunk of text; returns every message whose terminating blank line arrived. */
  push(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let start = 0;
    if (this.#heldCr && chunk.length > 0) {
      this.#heldCr = false;
      if (chunk.charCodeAt(0) === 0x0a) start = 1;
      this.#endLine('', out);
    }
    let lf = chunk.indexOf('\n', start);
    let cr = chunk.indexOf('\r', start);
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr === chunk.length - 1) {
          // A trailing '\r' may be the first half of '\r\n': the line ends, its terminator waits.
          this.#addFragment(chunk.slice(start, cr));
          this.#heldCr = true;
          return out;
        }
        next = chunk.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      this.#endLine(chunk.slice(start, end), out);
      start = next;
      if (lf !== -1 && lf < start) lf = chunk.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf('\r', start);
    }
    this.#addFragment(chunk.slice(start));
    return out;
  }

  /** Flushes at end of input: a final message without its blank line is still delivered. */
  end(): SseMessage[] {
    const out: SseMessage[] = [];
    if (this.#heldCr || this.#fragmentsLength > 0) {
      this.#heldCr = false;
      this.#endLine('', out);
    }
    const last = this.#dispatch();
    if (last) out.push(last);
    return out;
  }

  #addFragment(text: string): void {
    if (text.length === 0) return;
    this.#fragments.push(text);
    this.#fragmentsLength += text.length;
    this.#checkSize(0);
  }

  #checkSize(extra: number): void {
    if (this.#dataLength + this.#fragmentsLength + extra > this.#max) throw new SseEventTooLargeError(this.#max);
  }

  /** Ends the pending line with `tail` (the rest of it from the current chunk). */
  #endLine(tail: string, out: SseMessage[]): void {
    this.#checkSize(tail.length);
    let line = tail;
    if (this.#fragments.length > 0) {
      this.#fragments.push(tail);
      line = this.#fragments.join('');
      this.#fragments = [];
      this.#fragmentsLength = 0;
    }
    const message = this.#line(line);
    if (message) out.push(message);
  }

  #line(line: string): SseMessage | null {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return null; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') {
      this.#event = value;
      this.#hasFields = true;
    } else if (field === 'data') {
      this.#data.push(value);
      this.#dataLength += value.length + 1;
      this.#hasFields = true;
    }
    // `id:` and `retry:` are irrelevant for one-shot model streams.
    return null;
  }

  #dispatch(): SseMessage | null {
    if (!this.#hasFields) return null;
    const message = { event: this.#event, data: this.#data.join('\n') };
    this.#event = null;
    this.#data = [];
    this.#dataLength = 0;
    this.#hasFields = false;
    return message;
  }
}
