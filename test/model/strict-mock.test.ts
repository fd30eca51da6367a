import { afterEach, describe, expect, it } from 'vitest';
import { ev, startMockResponsesServer, type MockResponsesServer, type MockServerOptions } from '../../src/testing/mock-server/index.js';

let server: MockResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ok = { events: [ev.created('r1'), ev.completed('r1')] };

async function send(body: unknown, options: MockServerOptions = {}): Promise<{ status: number; body: unknown }> {
  server = await startMockResponsesServer([ok], options);
  const res = await fetch(`${server.url}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type') === 'application/json' ? JSON.parse(text) : text };
}

const request = (input: unknown[], extra: Record<string, unknown> = {}) => ({ model: 'gpt-5.1', input, store: false, stream: true, ...extra });
const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] };
const call = { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{}' };
const output = { type: 'function_call_output', call_id: 'call_1', output: 'ok' };
const apiError = (message: string, param: string | null, code: string | null = null) => ({ error: { message, type: 'invalid_request_error', param, code } });
const NOT_PERSISTED = (id: string) =>
  `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`;

describe('strict mock Responses server', () => {
  it('accepts a well-formed request with a paired call and output and serves the script', async () => {
    const res = await send(request([user, call, output]));
    expect(res.status).toBe(200);
    expect(server?.rejectedRequests).toEqual([]);
  });

  it('refuses a function_call_output with no matching call in the input (400)', async () => {
    const res = await send(request([user, output]));
    expect(res).toEqual({ status: 400, body: apiError('No tool call found for function call output with call_id call_1.', 'input') });
    expect(server?.rejectedRequests.map((r) => r.rejection?.status)).toEqual([400]);
  });

  it('refuses a custom_tool_call_output with no matching custom call (400)', async () => {
    const res = await send(request([user, { type: 'custom_tool_call_output', call_id: 'c9', output: 'done' }]));
    expect(res).toEqual({ status: 400, body: apiError('No tool call found for custom tool call output with call_id c9.', 'input') });
  });

  it('refuses a function_call with no output (400)', async () => {
    const res = await send(request([user, call]));
    expect(res).toEqual({ status: 400, body: apiError('No tool output found for function call call_1.', 'input') });
  });

  it('refuses a custom_tool_call with no output (400)', async () => {
    const res = await send(request([user, { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: '*** Begin Patch' }]));
    expect(res).toEqual({ status: 400, body: apiError('No tool output found for custom tool call c2.', 'input') });
  });

  it('refuses reasoning without encrypted_content when store is false (404), accepts it with', async () => {
    const bare = { type: 'reasoning', id: 'rs_1', summary: [] };
    expect(await send(request([user, bare]))).toEqual({ status: 404, body: apiError(NOT_PERSISTED('rs_1'), 'input') });
    await server?.close();
    expect((await send(request([user, { ...bare, encrypted_content: 'gAAAA' }]))).status).toBe(200);
  });

  it('refuses an item_reference when store is false (404); a full assistant message keeps its id (as Codex sends it)', async () => {
    expect(await send(request([user, { type: 'item_reference', id: 'msg_7' }]))).toEqual({ status: 404, body: apiError(NOT_PERSISTED('msg_7'), 'input') });
    await server?.close();
    const assistant = { type: 'message', role: 'assistant', id: 'msg_8', content: [{ type: 'output_text', text: 'hello' }] };
    expect((await send(request([user, assistant]))).status).toBe(200);
  });

  it('refuses unknown top-level fields (400 unknown_parameter), accepts client_metadata as Codex sends it', async () => {
    const res = await send(request([user], { session_tag: { a: 1 } }));
    expect(res).toEqual({ status: 400, body: apiError("Unknown parameter: 'session_tag'.", 'session_tag', 'unknown_parameter') });
    await server?.close();
    expect((await send(request([user], { client_metadata: { a: '1' } }))).status).toBe(200);
  });

  it('refuses fields an input item type does not define, such as Codex-only metadata (400)', async () => {
    const leaked = { ...user, internal_chat_message_metadata_passthrough: { turn: 1 } };
    const res = await send(request([leaked]));
    expect(res).toEqual({
      status: 400,
      body: apiError(
        "Unknown parameter: 'input[0].internal_chat_message_metadata_passthrough'.",
        'input[0].internal_chat_message_metadata_passthrough',
        'unknown_parameter',
      ),
    });
    await server?.close();
    const part = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x', text_elements: [] }] };
    expect((await send(request([part]))).body).toEqual(apiError("Unknown parameter: 'input[0].content[0].text_elements'.", 'input[0].content[0].text_elements', 'unknown_parameter'));
  });

  it('refuses a strict function schema without additionalProperties: false (400)', async () => {
    const tool = { type: 'function', name: 'lookup', strict: true, parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } };
    const res = await send(request([user], { tools: [tool] }));
    expect(res).toEqual({
      status: 400,
      body: apiError(
        "Invalid schema for function 'lookup': In context=(), 'additionalProperties' is required to be supplied and to be false.",
        'tools[0].parameters',
        'invalid_function_parameters',
      ),
    });
  });

  it('refuses a strict function schema whose nested object leaves a property out of required (400)', async () => {
    const nested = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'], additionalProperties: false };
    const parameters = { type: 'object', properties: { opts: nested }, required: ['opts'], additionalProperties: false };
    const res = await send(request([user], { tools: [{ type: 'function', name: 'f', strict: true, parameters }] }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      apiError(
        "Invalid schema for function 'f': In context=('properties', 'opts'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'.",
        'tools[0].parameters',
        'invalid_function_parameters',
      ),
    );
    await server?.close();
    // The same schema is fine when the tool is not strict, and a closed, fully required one is fine when it is.
    expect((await send(request([user], { tools: [{ type: 'function', name: 'f', strict: false, parameters }] }))).status).toBe(200);
    await server?.close();
    const closed = { ...parameters, properties: { opts: { ...nested, required: ['a', 'b'] } } };
    expect((await send(request([user], { tools: [{ type: 'function', name: 'f', strict: true, parameters: closed }] }))).status).toBe(200);
  });

  it('refuses function parameters that are not an object schema, and invalid tool names (400)', async () => {
    const res = await send(request([user], { tools: [{ type: 'function', name: 'f', parameters: { type: 'string' } }] }));
    expect(res.body).toEqual(apiError(`Invalid schema for function 'f': schema must be a JSON Schema of 'type: "object"', got 'type: "string"'.`, 'tools[0].parameters', 'invalid_function_parameters'));
    await server?.close();
    const named = await send(request([user], { tools: [{ type: 'function', name: 'run shell', parameters: { type: 'object', properties: {} } }] }));
    expect(named.status).toBe(400);
    expect(named.body).toMatchObject({ error: { param: 'tools[0].name', code: 'invalid_value' } });
  });

  it('uses up no scripted response on a refusal, and checks nothing with strict: false', async () => {
    server = await startMockResponsesServer([ok]);
    const post = (body: unknown) => fetch(`${server!.url}/responses`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post(request([output]))).status).toBe(400);
    expect((await post(request([user]))).status).toBe(200);
    expect(server.unexpectedRequests).toEqual([]);
    await server.close();
    expect((await send(request([output], { bogus: true }), { strict: false })).status).toBe(200);
  });
});
