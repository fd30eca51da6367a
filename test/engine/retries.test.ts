/**
 * SPEC §14 items 17, 18 and 19: broken streams are retried with `stream_error` notices and
 * exponential backoff (or the server's delay); when retries run out the turn reports the
 * last error and still completes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from 'turnstate';
import { ev, type ScriptedResponse } from 'turnstate/testing';
import { inputOf, kinds, msgs, readTurn, say, startEngine, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const userTurnStart = ['task_started', 'item_started:UserMessage', 'item_completed:UserMessage', 'user_message'];
const dropped = (id: string): ScriptedResponse => ({ events: [ev.created(id)], closeEarly: true });
const answer = (id: string, text: string): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage(`m-${id}`, text), ev.completed(id)] });
const rateLimited = (id: string, message: string): ScriptedResponse => ({ events: [ev.created(id), ev.failed(id, 'rate_limit_exceeded', message)] });

describe('stream retries', () => {
  it('§14.17 retries a stream closed before response.completed with "Reconnecting... n/5"', async () => {
    h = await startEngine([dropped('r1'), dropped('r2'), answer('r3', 'made it')]);

    await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([
      ...userTurnStart,
      'stream_error',
      'stream_error',
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'token_count',
      'task_complete',
    ]);
    const disconnected = { response_stream_disconnected: { http_status_code: null } };
    const details = 'stream disconnected before completion: stream closed before response.completed';
    expect(msgs(events, 'stream_error').map((e) => [e.message, e.codex_error_info, e.additional_details])).toEqual([
      ['Reconnecting... 1/5', disconnected, details],
      ['Reconnecting... 2/5', disconnected, details],
    ]);
    expect(h.server.requests).toHaveLength(3);
    expect(inputOf(h.server, 1)).toEqual(inputOf(h.server, 0));
    expect(inputOf(h.server, 2)).toEqual(inputOf(h.server, 0));
    expect(msgs(events, 'task_complete')[0]?.last_agent_message).toBe('made it');
  });

  it('§14.17 a retry resends the request of the failed attempt and cancels the tools that attempt started', async () => {
    let toolAborted = false;
    const waiter = defineTool({
      name: 'waiter',
      description: 'Waits until cancelled',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve(String((toolAborted = true))), { once: true })),
    });
    let abortedBeforeRetry: boolean | undefined;
    const failing: ScriptedResponse = {
      events: [ev.created('r1'), ev.assistantMessage('m1', 'let me check', 'commentary'), ev.functionCall('call_1', 'waiter', '{}')],
      closeEarly: true,
    };
    h = await startEngine(
      (_req, i) => {
        if (i === 1) abortedBeforeRetry = toolAborted;
        return [failing, answer('r2', 'done')][i];
      },
      { tools: [waiter] },
    );

    await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(kinds(events).at(-1)).toBe('task_complete');
    expect(abortedBeforeRetry).toBe(true);
    expect(inputOf(h.server, 1)).toEqual(inputOf(h.server, 0));
  });

  it('§14.18 backs off 200 ms × 2^(n−1) × jitter in [0.9, 1.1)', async () => {
    const jitter = [0, 0.999_999, 0.5, 0.25, 0.75];
    h = await startEngine([dropped('a'), dropped('b'), dropped('c'), dropped('d'), dropped('e'), answer('f', 'ok')], {
      engine: { random: () => jitter.shift() ?? 0.5 },
    });

    await h.thread.submit(say('hi'));
    await readTurn(h.thread);

    expect(h.delays).toHaveLength(5);
    h.delays.forEach((delay, i) => {
      const base = 200 * 2 ** i;
      expect(delay).toBeGreaterThanOrEqual(base * 0.9);
      expect(delay).toBeLessThan(base * 1.1);
    });
    expect(h.delays).toEqual([180, 440, 800, 1520, 3360]);
  });

  it('§14.18 waits the server-requested "try again in" delay instead of the backoff', async () => {
    h = await startEngine([
      rateLimited('r1', 'Rate limit reached for gpt-test. Please try again in 1.5s.'),
      rateLimited('r2', 'Rate limit reached for gpt-test. Please try again in 35ms.'),
      { status: 429, body: { error: { message: 'Rate limit reached for gpt-test. Please try again in 2s.', code: 'rate_limit_exceeded' } } },
      answer('r4', 'ok'),
    ]);

    await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(h.delays).toEqual([1500, 35, 2000]);
    expect(msgs(events, 'stream_error').map((e) => e.message)).toEqual(['Reconnecting... 1/5', 'Reconnecting... 2/5', 'Reconnecting... 3/5']);
    expect(h.server.requests).toHaveLength(4);
  });

  it('§14.19 exhausted retries of a dropped stream end with error info `other`, then task_complete', async () => {
    h = await startEngine([dropped('a'), dropped('b'), dropped('c'), dropped('d'), dropped('e'), dropped('f')]);

    await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([
      ...userTurnStart,
      'stream_error',
      'stream_error',
      'stream_error',
      'stream_error',
      'stream_error',
      'error',
      'task_complete',
    ]);
    expect(msgs(events, 'stream_error').map((e) => e.message)).toEqual([1, 2, 3, 4, 5].map((n) => `Reconnecting... ${n}/5`));
    expect(msgs(events, 'error')).toEqual([
      { type: 'error', message: 'stream disconnected before completion: stream closed before response.completed', codex_error_info: 'other' },
    ]);
    expect(h.server.requests).toHaveLength(6);
    expect(h.server.unexpectedRequests).toEqual([]);
  });

  it('§14.19 exhausted retries after HTTP-level request retries ran out report response_too_many_failed_attempts', async () => {
    const error500: ScriptedResponse = { status: 500, body: { error: { message: 'The server had an error' } }, headers: { 'retry-after-ms': '1' } };
    h = await startEngine([error500, error500, error500, error500], { requestMaxRetries: 1, engine: { streamMaxRetries: 1 } });

    await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([...userTurnStart, 'stream_error', 'error', 'task_complete']);
    expect(msgs(events, 'stream_error').map((e) => e.message)).toEqual(['Reconnecting... 1/1']);
    expect(msgs(events, 'error')[0]?.codex_error_info).toEqual({ response_too_many_failed_attempts: { http_status_code: 500 } });
    expect(h.server.requests).toHaveLength(4);
    expect(h.server.unexpectedRequests).toEqual([]);
  });

  it('§14.19 exhausted retries of an HTTP 429 rate limit report response_too_many_failed_attempts{429}', async () => {
    const limited: ScriptedResponse = { status: 429, body: { error: { message: 'Rate limit reached. Please try again in 10ms.', code: 'rate_limit_exceeded' } } };
    h = await startEngine([limited, limited], { engine: { streamMaxRetries: 1 } });

    await h.thread.submit(say('hi'));
    const events = await readTurn(h.thread);

    expect(kinds(events)).toEqual([...userTurnStart, 'stream_error', 'error', 'task_complete']);
    expect(h.delays).toEqual([10]);
    expect(msgs(events, 'error')[0]?.codex_error_info).toEqual({ response_too_many_failed_attempts: { http_status_code: 429 } });
    expect(h.server.requests).toHaveLength(2);
  });
});
