/**
 * A small, pure Server-Sent Events decoder. The adapter reads raw response bodies itself
 * (instead of the SDK's `Stream`) so that it can skip unparsable `data` lines, accept
 * event-only messages and apply an idle timeout, as the Codex client does.
 */

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
 * Incremental SSE decoder: feed text chunks, get the messages completed so far.
 * Lines may end in `\n`, `\r\n` or `\r`, and a line may be split across chunks.
 * @example
 * const d = new SseDecoder();
 * d.push('event: ping\ndata: {"a":1}\n\n'); // [{ event: 'ping', data: '{"a":1}' }]
 */
export class SseDecoder {
  #buffer = '';
  #event: string | null = null;
  #data: string[] = [];
  #hasFields = false;

  /** Adds a chunk of text; returns every message whose terminating blank line arrived. */
  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    let start = 0;
    for (;;) {
      const lf = this.#buffer.indexOf('\n', start);
      const cr = this.#buffer.indexOf('\r', start);
      if (lf === -1 && cr === -1) break;
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A lone trailing '\r' may be the first half of '\r\n'; wait for the next chunk.
        if (cr === this.#buffer.length - 1) break;
        end = cr;
        next = this.#buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      const message = this.#line(this.#buffer.slice(start, end));
      if (message) out.push(message);
      start = next;
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  /** Flushes at end of input: a final message without its blank line is still delivered. */
  end(): SseMessage[] {
    const out: SseMessage[] = [];
    if (this.#buffer.length > 0) {
      const rest = this.#buffer.endsWith('\r') ? this.#buffer.slice(0, -1) : this.#buffer;
      this.#buffer = '';
      const message = this.#line(rest);
      if (message) out.push(message);
    }
    const last = this.#dispatch();
    if (last) out.push(last);
    return out;
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
    this.#hasFields = false;
    return message;
  }
}
