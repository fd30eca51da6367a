/**
 * `thread.run()` / `runStreamed()`: one turn to its end, cancelled by an AbortSignal, with
 * structured output sent as `text.format` and parsed from the final message; `approve()`;
 * `createThread({ signal })`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelError, StructuredOutputError, TurnActiveError, createThread, type Thread } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { ev, scriptedModel, scriptedTurn, startMockResponsesServer, type MockResponsesServer } from 'turnstate/testing';
import { EventLog, deferred } from './harness.js';

let thread: Thread | undefined;
let server: MockResponsesServer | undefined;
afterEach(async () => {
  await thread?.shutdown();
  await server?.close();
  thread = server = undefined;
});

const Answer = z.object({ files: z.array(z.string()), done: z.boolean() });

describe('thread.run', () => {
  it('resolves a completed turn with its final message, items and usage', async () => {
    thread = await createThread({ model: scriptedModel([scriptedTurn.reply('Hello!', { usage: { input_tokens: 7, cached_input_tokens: 0, output_tokens: 3, reasoning_output_tokens: 0, total_tokens: 10 } })]), cwd: '/tmp', ephemeral: true });
    const result = await thread.run('Say hello');
    expect(result).toMatchObject({ status: 'completed', finalMessage: 'Hello!', usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 } });
    expect(result.items.map((i) => i.type)).toEqual(['UserMessage', 'AgentMessage']);
    expect(result.error).toBeUndefined();
  });

  it('an already-aborted signal starts the turn and interrupts it: status interrupted, turn_aborted emitted', async () => {
    thread = await createThread({ model: scriptedModel([scriptedTurn.reply('never')]), cwd: '/tmp', ephemeral: true });
    const log = new EventLog(thread);
    const result = await thread.run('go', { signal: AbortSignal.abort() });
    expect(result.status).toBe('interrupted');
    expect(result.finalMessage).toBeNull();
    const aborted = await log.untilType('turn_aborted', { id: result.turnId });
    expect(aborted.msg.reason).toBe('interrupted');
    expect(log.types({ id: result.turnId })).not.toContain('task_complete');
  });

  it('aborting mid-turn interrupts exactly that turn; a later run completes', async () => {
    const gate = deferred();
    const model = scriptedModel((_req, i) => (i === 0 ? [{ type: 'created' }, { waitFor: gate.promise }, ...scriptedTurn.reply('late')] : scriptedTurn.reply('second')));
    thread = await createThread({ model, cwd: '/tmp', ephemeral: true });
    const controller = new AbortController();
    const stream = thread.runStreamed('first', { signal: controller.signal });
    const seen: string[] = [];
    for await (const { id, msg } of stream) {
      expect(id).toBe(stream.turnId);
      seen.push(msg.type);
      if (msg.type === 'task_started') controller.abort();
    }
    expect(seen[0]).toBe('task_started');
    expect(seen.at(-1)).toBe('turn_aborted');
    expect((await stream.result).status).toBe('interrupted');
    gate.resolve();
    const second = await thread.run('again', { signal: controller.signal }); // aborted signals of an ended run change nothing else
    expect(second.status).toBe('interrupted');
    const third = await thread.run('once more');
    expect(third).toMatchObject({ status: 'completed', finalMessage: 'second' });
  });

  it('refuses to start over an active turn with TurnActiveError', async () => {
    const gate = deferred();
    thread = await createThread({ model: scriptedModel([[{ type: 'created' }, { waitFor: gate.promise }, ...scriptedTurn.reply('one')]]), cwd: '/tmp', ephemeral: true });
    const first = thread.run('one');
    const log = new EventLog(thread);
    await log.untilType('task_started');
    await expect(thread.run('two')).rejects.toBeInstanceOf(TurnActiveError);
    gate.resolve();
    expect((await first).status).toBe('completed');
  });

  it('a model failure resolves with status failed and a typed error', async () => {
    thread = await createThread({
      model: scriptedModel([[{ type: 'created' }, { error: new ModelError('invalid_request', 'bad request from the model') }]]),
      cwd: '/tmp',
      ephemeral: true,
    });
    const result = await thread.run('go');
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'turn_failed' });
  });
});

describe('structured output', () => {
  it('a zod outputSchema reaches the Responses request as text.format and the final message is parsed', async () => {
    server = await startMockResponsesServer([{ events: [ev.created('r1'), ev.assistantMessage('m1', '{"files":["a.ts"],"done":true}'), ev.completed('r1')] }]);
    thread = await createThread({ model: openaiModel({ model: 'gpt-5.1', baseURL: server.url, apiKey: 'sk-local' }), cwd: '/tmp', ephemeral: true });
    const result = await thread.run('List the files', { outputSchema: Answer });
    const body = server.requests[0]?.body as { text?: unknown };
    expect(body.text).toEqual({
      format: {
        type: 'json_schema',
        name: 'codex_output_schema',
        strict: true,
        schema: {
          type: 'object',
          properties: { files: { type: 'array', items: { type: 'string' } }, done: { type: 'boolean' } },
          required: ['files', 'done'],
          additionalProperties: false,
        },
      },
    });
    expect(result.status).toBe('completed');
    expect(result.structuredOutput).toEqual({ files: ['a.ts'], done: true });
    const files: string[] | undefined = result.structuredOutput?.files; // typed from the zod schema
    expect(files).toEqual(['a.ts']);
  });

  it('a JSON Schema goes through as given and is validated with Ajv; a mismatch fails the run', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false };
    thread = await createThread({ model: scriptedModel([scriptedTurn.reply('{"n":"seven"}'), scriptedTurn.reply('{"n":7}'), scriptedTurn.reply('not json')]), cwd: '/tmp', ephemeral: true });
    const bad = await thread.run('count', { outputSchema: schema });
    expect(bad.status).toBe('failed');
    expect(bad.error).toBeInstanceOf(StructuredOutputError);
    expect(bad.error).toMatchObject({ code: 'structured_output_invalid', issues: [{ path: ['n'], message: 'must be integer' }] });
    const good = await thread.run('count', { outputSchema: schema });
    expect(good).toMatchObject({ status: 'completed', structuredOutput: { n: 7 } });
    const notJson = await thread.run('count', { outputSchema: schema });
    expect(notJson.error?.message).toMatch(/^the final message is not JSON/);
  });

  it('final_output_json_schema on a user_turn op becomes Chat response_format', async () => {
    server = await startMockResponsesServer([{ chat: [{ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: '{}' }, finish_reason: 'stop' }] }] }]);
    thread = await createThread({ model: openaiModel({ model: 'gpt-5.1', baseURL: server.url, apiKey: 'sk-local', api: 'chat' }), cwd: '/tmp', ephemeral: true });
    const schema = { type: 'object', properties: {}, additionalProperties: false };
    const log = new EventLog(thread);
    const id = await thread.submit({ type: 'user_turn', items: [{ type: 'text', text: 'x' }], cwd: '/tmp', approval_policy: 'never', sandbox_policy: { type: 'read-only' }, model: 'gpt-5.1', final_output_json_schema: schema });
    await log.untilType('task_complete', { id });
    expect((server.requests[0]?.body as { response_format?: unknown }).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'codex_output_schema', schema, strict: true },
    });
  });
});

describe('createThread({ signal })', () => {
  it('shuts the thread down when the signal aborts', async () => {
    const controller = new AbortController();
    thread = await createThread({ cwd: '/tmp', ephemeral: true, signal: controller.signal });
    const log = new EventLog(thread);
    controller.abort();
    await log.untilType('shutdown_complete');
    await expect(thread.submit({ type: 'interrupt' })).rejects.toMatchObject({ code: 'thread_closed' });
  });
});
