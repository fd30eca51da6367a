import { afterEach, describe, expect, it } from 'vitest';
import { openaiModel } from '../../src/model/openai/index.js';
import type { ResponseEvent } from '../../src/model/types.js';
import { ev, sseFrame, startMockResponsesServer } from '../../src/testing/mock-server/index.js';
import type { MockResponsesServer, MockScript } from '../../src/testing/mock-server/index.js';
import { request } from './helpers.js';

let server: MockResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: MockScript, api: 'responses' | 'chat' = 'responses') {
  server = await startMockResponsesServer(script);
  return { server, model: openaiModel({ model: 'gpt-test', baseURL: server.url, apiKey: 'sk-test', api }) };
}

describe('openaiModel abort', () => {
  it('ends iteration when aborted mid-stream of a held response, and the server sees the connection close', async () => {
    const { model, server: s } = await setup([{ events: [ev.created('r'), ev.messageAdded('m'), ev.textDelta('thinking...')], hold: true }]);
    const controller = new AbortController();
    const seen: ResponseEvent[] = [];
    // The server holds the response open forever: only the abort can end the iteration.
    const error = await (async () => {
      try {
        for await (const event of model.stream(request(), controller.signal)) {
          seen.push(event);
          if (event.type === 'output_text_delta') setTimeout(() => controller.abort(), 10);
        }
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(seen.map((e) => e.type)).toEqual(['created', 'output_item_added', 'output_text_delta']);
    expect((error as Error).name).toBe('AbortError');
    expect(await s.waitForClose(0, 10_000)).toBe('client_closed');
  });

  it('aborts while waiting for response headers', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { model, server: s } = await setup(async () => {
      await gate;
      return { events: [ev.created('r'), ev.completed('r')] };
    });
    const controller = new AbortController();
    const iterator = model.stream(request(), controller.signal)[Symbol.asyncIterator]();
    const pending = iterator.next();
    await s.waitForRequests(1);
    // The headers are gated until after the assertions: only the abort can settle `pending`.
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(await s.waitForClose(0, 10_000)).toBe('client_closed');
    release();
  });

  it('aborts while the SDK waits between request retries', async () => {
    const { model, server: s } = await setup([
      // The SDK would wait ten minutes (beyond the test's timeout) before its retry.
      { status: 500, body: { error: { message: 'oops' } }, headers: { 'retry-after-ms': '600000' } },
      { events: [ev.created('r'), ev.completed('r')] },
    ]);
    const controller = new AbortController();
    const pending = model.stream(request(), controller.signal)[Symbol.asyncIterator]().next();
    await s.waitForClose(0);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.requests).toHaveLength(1);
  });

  it('stops between events that arrived in the same chunk', async () => {
    const oneChunk = [ev.created('r'), ev.textDelta('a'), ev.textDelta('b'), ev.completed('r')].map(sseFrame).join('');
    const { model } = await setup([{ raw: [oneChunk] }]);
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of model.stream(request(), controller.signal)) {
          seen.push(event.type);
          if (event.type === 'output_text_delta') controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['created', 'output_text_delta']);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { model, server: s } = await setup([{ events: [ev.created('r'), ev.completed('r')] }]);
    const controller = new AbortController();
    controller.abort();
    await expect(model.stream(request(), controller.signal)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.requests).toHaveLength(0);
  });

  it('closes the connection when the consumer stops iterating early', async () => {
    const { model, server: s } = await setup([{ events: [ev.created('r'), ev.textDelta('a')], hold: true }]);
    for await (const event of model.stream(request(), new AbortController().signal)) {
      expect(event).toEqual({ type: 'created' });
      break;
    }
    expect(await s.waitForClose(0, 10_000)).toBe('client_closed');
  });

  it('aborts a held chat stream', async () => {
    const { model, server: s } = await setup([{ chat: [{ id: 'c', choices: [{ index: 0, delta: { content: 'Hi' } }] }], done: false, hold: true }], 'chat');
    const controller = new AbortController();
    const types: string[] = [];
    const error = await (async () => {
      try {
        for await (const event of model.stream(request(), controller.signal)) {
          types.push(event.type);
          if (event.type === 'output_text_delta') controller.abort();
        }
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(types).toEqual(['created', 'output_item_added', 'output_text_delta']);
    expect((error as Error).name).toBe('AbortError');
    expect(await s.waitForClose(0, 10_000)).toBe('client_closed');
  });
});
