import { describe, expect, it } from 'vitest';
import { SseDecoder } from '../../src/model/openai/sse.js';

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
