import { describe, expect, it } from 'vitest';
import { SseDecoder, SseEventTooLargeError } from '../../src/model/openai/sse.js';

describe('SseDecoder', () => {
  it('decodes event and data fields terminated by a blank line', () => {
    const d = new SseDecoder();
    expect(d.push('event: a\ndata: {"x":1}\n\nevent: b\ndata: 2\n\n')).toEqual([
      { event: 'a', data: '{"x":1}' },
      { event: 'b', data: '2' },
    ]);
  });

  it('joins multi-line data and ignores comments, id and retry', () => {
    const d = new SseDecoder();
    expect(d.push(': keep-alive\nid: 7\nretry: 10\ndata: one\ndata: two\n\n')).toEqual([{ event: null, data: 'one\ntwo' }]);
  });

  it('handles CRLF and CR line endings, including CRLF split across chunks', () => {
    const d = new SseDecoder();
    expect(d.push('event: a\r')).toEqual([]);
    expect(d.push('\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r')).toEqual([{ event: 'a', data: '1' }]);
    // The final '\r' could still be the start of '\r\n': it completes on the next chunk or at end.
    expect(d.end()).toEqual([{ event: 'b', data: '2' }]);
  });

  it('buffers partial lines until complete', () => {
    const d = new SseDecoder();
    expect(d.push('event: resp')).toEqual([]);
    expect(d.push('onse.created\nda')).toEqual([]);
    expect(d.push('ta: {}\n\n')).toEqual([{ event: 'response.created', data: '{}' }]);
  });

  it('delivers an event-only message with empty data', () => {
    const d = new SseDecoder();
    expect(d.push('event: ping\n\n')).toEqual([{ event: 'ping', data: '' }]);
  });

  it('flushes a final message that lacks its blank line at end of input', () => {
    const d = new SseDecoder();
    expect(d.push('data: last')).toEqual([]);
    expect(d.end()).toEqual([{ event: null, data: 'last' }]);
    expect(d.end()).toEqual([]);
  });

  it('strips only one leading space from a value', () => {
    const d = new SseDecoder();
    expect(d.push('data:  two spaces\ndata:none\n\n')).toEqual([{ event: null, data: ' two spaces\nnone' }]);
  });
});

describe('SseDecoder bounds', () => {
  const MB = 1024 * 1024;

  it('fails with SseEventTooLargeError when one line grows past maxEventLength without a newline', () => {
    const d = new SseDecoder({ maxEventLength: 8 * MB });
    const chunk = 'x'.repeat(64 * 1024);
    let thrown: unknown = null;
    let fed = 0;
    try {
      d.push('data: ');
      // Up to 50 MB in 64 KB chunks; the decoder must give up once the bound is passed.
      for (; fed < 50 * MB; fed += chunk.length) d.push(chunk);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SseEventTooLargeError);
    expect(thrown).toMatchObject({ code: 'sse_event_too_large', maxEventLength: 8 * MB });
    expect(fed).toBeLessThanOrEqual(8 * MB);
  });

  it('counts an event across its data lines, and a line arriving whole in one chunk', () => {
    const lines = new SseDecoder({ maxEventLength: 100 });
    expect(() => {
      for (let i = 0; i < 20; i++) lines.push(`data: ${'y'.repeat(10)}\n`);
    }).toThrow(SseEventTooLargeError);
    const whole = new SseDecoder({ maxEventLength: 100 });
    expect(() => whole.push(`data: ${'z'.repeat(200)}\n\n`)).toThrow(SseEventTooLargeError);
  });

  it('starts counting afresh with every event', () => {
    const d = new SseDecoder({ maxEventLength: 100 });
    const out = [];
    for (let i = 0; i < 50; i++) out.push(...d.push(`data: ${'w'.repeat(60)}\n\n`));
    expect(out).toHaveLength(50);
  });
});
