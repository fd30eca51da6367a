import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelError } from '../../src/model/types.js';
import type { ResponseEvent } from '../../src/model/types.js';
import { scriptedModel, scriptedTurn } from '../../src/testing/scripted-model.js';
import { drain, request } from './helpers.js';

const created: ResponseEvent = { type: 'created' };
const completed: ResponseEvent = { type: 'completed', response_id: 'r', token_usage: null };

describe('scriptedModel', () => {
  it('plays turns in order and records requests', async () => {
    const model = scriptedModel([scriptedTurn.reply('Hello'), scriptedTurn.functionCall('call_1', 'shell', '{"command":["ls"]}')], {
      model: 'm',
      providerId: 'p',
      contextWindow: 1000,
    });
    const first = request({ instructions: 'first' });
    expect((await drain(model, first)).events).toEqual([
      { type: 'created' },
      { type: 'output_item_added', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [] } },
      { type: 'output_text_delta', delta: 'Hello' },
      { type: 'output_item_done', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text: 'Hello' }] } },
      { type: 'completed', response_id: 'resp_1', token_usage: null },
    ]);
    expect((await drain(model)).events.map((e) => e.type)).toEqual(['created', 'output_item_done', 'completed']);
    expect(model.requests[0]).toBe(first);
    expect(model.requests).toHaveLength(2);
    expect([model.model, model.providerId, model.contextWindow]).toEqual(['m', 'p', 1000]);
  });

  it('fails with a fatal ModelError past the end of the script', async () => {
    const model = scriptedModel([]);
    const { error } = await drain(model);
    expect(error).toBeInstanceOf(ModelError);
    expect([(error as ModelError).kind, (error as ModelError).message]).toEqual(['fatal', 'scriptedModel: no scripted turn for request #0']);
  });

  it('refuses, as the Responses API would, a request whose tool output has no call (unless strict: false)', async () => {
    const orphan = request({ input: [{ type: 'function_call_output', call_id: 'call_9', output: 'ok' }] });
    const model = scriptedModel([scriptedTurn.reply('unused')]);
    const { error } = await drain(model, orphan);
    expect([(error as ModelError).kind, (error as ModelError).message, (error as ModelError).httpStatus]).toEqual([
      'invalid_request',
      'No tool call found for function call output with call_id call_9.',
      400,
    ]);
    expect(model.rejections.map((r) => r.index)).toEqual([0]);
    expect((await drain(scriptedModel([scriptedTurn.reply('ok')], { strict: false }), orphan)).error).toBeUndefined();
  });

  it('throws scripted errors after the events before them', async () => {
    const model = scriptedModel([[created, { error: new ModelError('stream', 'cut') }, completed]]);
    const { events, error } = await drain(model);
    expect(events).toEqual([created]);
    expect((error as ModelError).kind).toBe('stream');
  });

  it('chooses turns with a script function', async () => {
    const model = scriptedModel((req, index) => (index < 2 ? scriptedTurn.reply(`${req.instructions}#${index}`) : undefined));
    const text = async (instructions: string) =>
      (await drain(model, request({ instructions }))).events.flatMap((e) => (e.type === 'output_text_delta' ? [e.delta] : []));
    expect(await text('a')).toEqual(['a#0']);
    expect(await text('b')).toEqual(['b#1']);
    expect((await drain(model)).error).toBeInstanceOf(ModelError);
  });

  it('aborts during a delay with an AbortError, without waiting for it, and clears its timer', async () => {
    vi.useFakeTimers();
    try {
      const model = scriptedModel([[created, { delayMs: 10_000 }, completed]]);
      const controller = new AbortController();
      const iterator = model.stream(request(), controller.signal)[Symbol.asyncIterator]();
      expect(await iterator.next()).toEqual({ done: false, value: created });
      const pending = iterator.next();
      expect(vi.getTimerCount()).toBe(1);
      // No simulated time passes: the rejection can only come from the abort.
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('aborts a hang step and a waitFor gate', async () => {
    for (const step of [{ hang: true } as const, { waitFor: new Promise(() => undefined) }]) {
      const controller = new AbortController();
      const model = scriptedModel([[created, step, completed]]);
      setTimeout(() => controller.abort(), 5);
      const { events, error } = await drain(model, request(), controller.signal);
      expect(events).toEqual([created]);
      expect((error as Error).name).toBe('AbortError');
    }
  });

  it('stops between events once aborted, without timers', async () => {
    const controller = new AbortController();
    const model = scriptedModel([[created, { type: 'output_text_delta', delta: 'a' }, completed]]);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of model.stream(request(), controller.signal)) {
          seen.push(event.type);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['created']);
  });

  it('waits on a gate, then continues', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const model = scriptedModel([[created, { waitFor: () => gate }, completed]]);
    const iterator = model.stream(request(), new AbortController().signal)[Symbol.asyncIterator]();
    await iterator.next();
    let settled = false;
    const next = iterator.next().then((r) => ((settled = true), r));
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    open();
    expect(await next).toEqual({ done: false, value: completed });
  });

  it('keeps going after abort when told to ignore it (non-cooperative)', async () => {
    for (const model of [
      scriptedModel([[created, { delayMs: 20 }, completed]], { ignoreAbort: true }),
      scriptedModel([{ steps: [created, { delayMs: 20 }, completed], ignoreAbort: true }]),
    ]) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 5);
      const { events, error } = await drain(model, request(), controller.signal);
      expect(controller.signal.aborted).toBe(true);
      expect(error).toBeUndefined();
      expect(events).toEqual([created, completed]);
    }
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('uses no timers when no delays are scripted', async () => {
    vi.useFakeTimers();
    const model = scriptedModel([scriptedTurn.reply('x')]);
    const { events } = await drain(model);
    expect(events).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('plays many turns, optionally without recording them (its cost is measured by npm run bench)', async () => {
    const turn = scriptedTurn.reply('x');
    const model = scriptedModel(() => turn, { recordRequests: false });
    const signal = new AbortController().signal;
    let count = 0;
    for (let i = 0; i < 2_000; i++) for await (const _ of model.stream(request(), signal)) count++;
    expect(count).toBe(10_000);
    expect([model.calls, model.requests.length]).toEqual([2_000, 0]);
  });
});
