import { afterEach, describe, expect, it } from 'vitest';
import { openaiModel } from '../../src/model/openai/index.js';
import { ModelError } from '../../src/model/types.js';
import { ev, startMockResponsesServer } from '../../src/testing/mock-server/index.js';
import type { MockResponsesServer, MockScript } from '../../src/testing/mock-server/index.js';
import { collect, drain } from './helpers.js';

let server: MockResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: MockScript, requestMaxRetries?: number) {
  server = await startMockResponsesServer(script);
  const model = openaiModel({ model: 'gpt-test', baseURL: server.url, apiKey: 'sk-test', requestMaxRetries });
  return { server, model };
}

async function failure(script: MockScript, requestMaxRetries?: number): Promise<ModelError> {
  const { model } = await setup(script, requestMaxRetries);
  const { events, error } = await drain(model);
  expect(events).toEqual([]);
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

/** The SDK honours `retry-after-ms`; 1 ms keeps its request retries fast. */
const fastRetry = { 'retry-after-ms': '1' };

describe('openaiModel HTTP failures', () => {
  it('maps 401 to unauthorized', async () => {
    const err = await failure([{ status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } }]);
    expect([err.kind, err.httpStatus, err.message, err.retryable]).toEqual(['unauthorized', 401, 'Incorrect API key provided', false]);
  });

  it('maps 400 to invalid_request, or to the kind its body code names', async () => {
    const plain = await failure([{ status: 400, body: { error: { message: 'Unsupported parameter', type: 'invalid_request_error' } } }]);
    expect([plain.kind, plain.httpStatus, plain.message]).toEqual(['invalid_request', 400, 'Unsupported parameter']);
    await server?.close();
    const context = await failure([{ status: 400, body: { error: { message: 'too long', code: 'context_length_exceeded' } } }]);
    expect(context.kind).toBe('context_window_exceeded');
    await server?.close();
    const quota = await failure([{ status: 400, body: { error: { message: 'no money', code: 'insufficient_quota' } } }]);
    expect([quota.kind, quota.message]).toEqual(['quota_exceeded', 'Quota exceeded. Check your plan and billing details.']);
  });

  it('maps 429 without retrying it at the HTTP level', async () => {
    const err = await failure([
      { status: 429, body: { error: { message: 'Rate limit reached. Please try again in 1.5s.', type: 'requests', code: 'rate_limit_exceeded' } } },
    ]);
    expect([err.kind, err.httpStatus, err.retryAfterMs, err.retryable]).toEqual(['retryable', 429, 1500, true]);
    expect(server?.requests).toHaveLength(1);
  });

  it('prefers the retry-after header for a 429 delay', async () => {
    const err = await failure([{ status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '2' } }]);
    expect(err.retryAfterMs).toBe(2000);
  });

  it('maps a 429 usage_limit_reached body to usage_limit_reached with the rate-limit snapshot', async () => {
    const err = await failure([
      {
        status: 429,
        body: { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus' } },
        headers: { 'x-codex-primary-used-percent': '100', 'x-codex-primary-window-minutes': '300' },
      },
    ]);
    expect([err.kind, err.retryable]).toEqual(['usage_limit_reached', false]);
    expect(err.rateLimits).toEqual({ limit_id: 'codex', primary: { used_percent: 100, window_minutes: 300, resets_at: null }, secondary: null });
    expect(server?.requests).toHaveLength(1);
  });

  it('maps a 429 insufficient_quota body to quota_exceeded', async () => {
    const err = await failure([{ status: 429, body: { error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'x' } } }]);
    expect([err.kind, err.message]).toEqual(['quota_exceeded', 'Quota exceeded. Check your plan and billing details.']);
  });

  it('maps 500 to internal_server_error once the SDK has used its request retries', async () => {
    const error500 = { status: 500, body: { error: { message: 'The server had an error' } }, headers: fastRetry };
    const err = await failure([error500, error500, error500], 2);
    expect([err.kind, err.httpStatus, err.retryable]).toEqual(['internal_server_error', 500, true]);
    expect(server?.requests).toHaveLength(3);
    expect(server?.unexpectedRequests).toEqual([]);
  });

  it('recovers from a 5xx through the SDK request retries', async () => {
    const { model, server: s } = await setup(
      [{ status: 502, body: 'Bad gateway', headers: fastRetry }, { events: [ev.created('r'), ev.completed('r', null)] }],
      1,
    );
    expect(await collect(model)).toEqual([{ type: 'created' }, { type: 'completed', response_id: 'r', token_usage: null }]);
    expect(s.requests.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses']);
  });

  it('maps 503 server_is_overloaded to server_overloaded', async () => {
    const err = await failure([{ status: 503, body: { error: { code: 'server_is_overloaded', message: 'busy' } } }], 0);
    expect([err.kind, err.httpStatus, err.retryable]).toEqual(['server_overloaded', 503, false]);
  });

  it('maps other statuses to unexpected_status', async () => {
    const err = await failure([{ status: 404, body: { error: { message: 'no such model' } } }]);
    expect([err.kind, err.httpStatus, err.retryable]).toEqual(['unexpected_status', 404, true]);
  });

  it('maps a refused connection to connection_failed', async () => {
    const probe = await startMockResponsesServer([]);
    const url = probe.url;
    await probe.close();
    const model = openaiModel({ model: 'gpt-test', baseURL: url, apiKey: 'sk-test', requestMaxRetries: 0 });
    const { error } = await drain(model);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).kind).toBe('connection_failed');
  });
});
