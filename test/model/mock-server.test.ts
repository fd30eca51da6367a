import { afterEach, describe, expect, it, vi } from 'vitest';
import { ev, sseFrame, startMockResponsesServer } from '../../src/testing/mock-server/index.js';
import type { MockResponsesServer, MockScript } from '../../src/testing/mock-server/index.js';

let server: MockResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(script: MockScript): Promise<MockResponsesServer> {
  server = await startMockResponsesServer(script);
  return server;
}

// Bodies are minimal valid Responses requests: the server refuses what the real API refuses.
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('startMockResponsesServer', () => {
  it('frames Responses events as event + data lines', async () => {
    const s = await start([{ events: [ev.created('r1'), { type: 'response.in_progress' }, ev.completed('r1', null)], headers: { 'openai-model': 'm' } }]);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await post(`${s.url}/responses`, { model: 'x' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('openai-model')).toBe('m');
    expect(await res.text()).toBe(
      'event: response.created\ndata: {"type":"response.created","response":{"id":"r1"}}\n\n' +
        'event: response.in_progress\n\n' +
        'event: response.completed\ndata: {"type":"response.completed","response":{"id":"r1"}}\n\n',
    );
  });

  it('frames chat chunks as data lines ending with [DONE]', async () => {
    const s = await start([{ chat: [{ id: 'c', choices: [] }] }]);
    const res = await post(`${s.url}/chat/completions`, {});
    expect(await res.text()).toBe('data: {"id":"c","choices":[]}\n\ndata: [DONE]\n\n');
  });

  it('serves responses in order and records method, path, headers and JSON body', async () => {
    const s = await start([{ json: { id: 'compacted' } }, { status: 418, body: { error: { message: 'teapot' } } }]);
    const first = await post(`${s.url.replace(/\/v1$/, '')}/responses/compact`, { input: [] }, { 'x-codex-turn-state': 'ts' });
    expect(await first.json()).toEqual({ id: 'compacted' });
    const second = await post(`${s.url}/responses`, { model: 'second' });
    expect(second.status).toBe(418);
    expect(await second.json()).toEqual({ error: { message: 'teapot' } });
    expect(s.requests.map((r) => [r.index, r.method, r.path, r.body])).toEqual([
      [0, 'POST', '/responses/compact', { input: [] }],
      [1, 'POST', '/v1/responses', { model: 'second' }],
    ]);
    expect(s.requests[0]?.headers['x-codex-turn-state']).toBe('ts');
    expect(s.requests.every((r) => r.connection === 'finished')).toBe(true);
  });

  it('answers and records requests past the end of the script', async () => {
    const s = await start([]);
    const res = await post(`${s.url}/responses`, { model: 'x' });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-should-retry')).toBe('false');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unexpected_request');
    expect(body.error.message).toContain('no scripted response for POST /v1/responses');
    expect(s.unexpectedRequests.map((r) => r.index)).toEqual([0]);
  });

  it('treats unknown paths as unexpected without consuming the script', async () => {
    const s = await start([{ json: { ok: true } }]);
    expect((await post(`${s.url}/embeddings`, {})).status).toBe(500);
    expect(await (await post(`${s.url}/responses`, { model: 'x' })).json()).toEqual({ ok: true });
    expect(s.unexpectedRequests.map((r) => r.path)).toEqual(['/v1/embeddings']);
  });

  it('calls a script function with each request and its index', async () => {
    const s = await start((req, index) => ({ json: { index, echo: req.body } }));
    expect(await (await post(`${s.url}/responses`, { model: 'a1' })).json()).toEqual({ index: 0, echo: { model: 'a1' } });
    expect(await (await post(`${s.url}/responses`, { model: 'a2' })).json()).toEqual({ index: 1, echo: { model: 'a2' } });
  });

  it('waits for requests and times out with a clear message', async () => {
    const s = await start([{ json: {} }]);
    const waiting = s.waitForRequests(1, 10_000);
    await post(`${s.url}/responses`, { model: 'x' });
    expect((await waiting).map((r) => r.path)).toEqual(['/v1/responses']);
    await expect(s.waitForRequests(2, 20)).rejects.toThrow('expected 2 requests, got 1');
  });

  it('spaces events by delayMs: the next event is written only once the delay has passed', async () => {
    // Only the global setTimeout (the server's delay) is simulated; sockets run as usual.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const s = await start([{ events: [ev.created('r'), ev.textDelta('a'), ev.completed('r')], delayMs: 30 }]);
      const reader = (await post(`${s.url}/responses`, { model: 'x' })).body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes('response.created')) text += (await reader.read()).value ?? '';
      const next = reader.read();
      let arrived = false;
      void next.then(() => (arrived = true));
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(arrived).toBe(false);
      expect(text).not.toContain('output_text.delta');
      vi.advanceTimersByTime(29);
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(arrived).toBe(false);
      vi.advanceTimersByTime(1);
      text += (await next).value ?? '';
      expect(text).toContain('response.output_text.delta');
      expect(text).not.toContain('response.completed');
      vi.advanceTimersByTime(30);
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += chunk.value;
      expect(text).toContain('response.completed');
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds a stream open until the client goes away, and close() ends held connections', async () => {
    const s = await start([{ events: [ev.created('r')], hold: true }, { events: [ev.created('r')], hold: true }]);
    const controller = new AbortController();
    const res = await post(`${s.url}/responses`, { model: 'x' }, {});
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(sseFrame(ev.created('r')));
    expect(s.requests[0]?.connection).toBe('open');
    await reader.cancel();
    expect(await s.waitForClose(0)).toBe('client_closed');

    const held = await fetch(`${s.url}/responses`, { method: 'POST', body: '{"model":"x"}', signal: controller.signal });
    const heldReader = held.body!.getReader();
    await heldReader.read();
    await s.close();
    await expect(heldReader.read()).rejects.toThrow();
    expect(s.requests[1]?.connection).toBe('server_closed');
    server = undefined;
  });
});
