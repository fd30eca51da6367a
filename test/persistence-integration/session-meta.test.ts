/**
 * `session_meta` fields Codex checks before it resumes a rollout: `source` (a value it knows)
 * and `model_provider` (the provider the user configured), and the base instructions reused on
 * resume.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createThread, JsonlThreadStore, ProtocolParseError, type CreateThreadOptions } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { ev, startMockResponsesServer, type MockResponsesServer } from 'turnstate/testing';
import { tempHome } from '../persistence/support/fixtures.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function home(): Promise<string> {
  const made = await tempHome('turnstate-meta-');
  cleanups.push(made.cleanup);
  return made.home;
}

async function server(answers: number): Promise<MockResponsesServer> {
  const script = Array.from({ length: answers }, (_, i) => ({ events: [ev.created(`r${i}`), ev.assistantMessage(`m${i}`, 'ok'), ev.completed(`r${i}`)] }));
  const s = await startMockResponsesServer(script);
  cleanups.push(() => s.close());
  return s;
}

/** Runs one turn and returns the thread's `session_meta` payload as written. */
async function oneTurn(dir: string, options: CreateThreadOptions): Promise<{ id: string; meta: Record<string, unknown> }> {
  const thread = await createThread({ store: new JsonlThreadStore({ home: dir }), home: dir, builtinTools: false, ...options });
  await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
  for await (const { msg } of thread.events()) if (msg.type === 'task_complete') break;
  await thread.shutdown();
  const first = (await readFile(thread.rolloutPath ?? '', 'utf8')).split('\n')[0] ?? '';
  return { id: thread.id, meta: (JSON.parse(first) as { payload: Record<string, unknown> }).payload };
}

describe('session_meta for Codex', () => {
  it('source defaults to "unknown", takes the values Codex knows, and refuses others with a typed error', async () => {
    const mock = await server(2);
    const model = openaiModel({ model: 'gpt-5.1', baseURL: mock.url, apiKey: 'test', requestMaxRetries: 0 });
    expect((await oneTurn(await home(), { model })).meta.source).toBe('unknown');
    expect((await oneTurn(await home(), { model, source: 'exec' })).meta.source).toBe('exec');
    await expect(createThread({ model, ephemeral: true, source: 'custom' as never })).rejects.toBeInstanceOf(ProtocolParseError);
  });

  it('model_provider is the configured provider: openai for api.openai.com, unrecorded for a custom base URL unless named', async () => {
    expect(openaiModel({ model: 'gpt-5.1', apiKey: 'test', baseURL: 'https://api.openai.com/v1' }).providerId).toBe('openai');
    expect(openaiModel({ model: 'gpt-5.1', apiKey: 'test', baseURL: 'http://127.0.0.1:1/v1' }).providerId).toBeNull();
    const mock = await server(3);
    const custom = openaiModel({ model: 'gpt-5.1', baseURL: mock.url, apiKey: 'test', requestMaxRetries: 0 });
    expect((await oneTurn(await home(), { model: custom })).meta.model_provider).toBeNull();
    const named = openaiModel({ model: 'gpt-5.1', baseURL: mock.url, apiKey: 'test', requestMaxRetries: 0, providerId: 'local-proxy' });
    expect((await oneTurn(await home(), { model: named })).meta.model_provider).toBe('local-proxy');
    expect((await oneTurn(await home(), { model: named, modelProvider: 'team-gateway' })).meta.model_provider).toBe('team-gateway');
  });

  it('a resumed or forked thread sends the base instructions stored in its rollout, unless the host gives others', async () => {
    const dir = await home();
    const mock = await server(4);
    const model = openaiModel({ model: 'gpt-5.1', baseURL: mock.url, apiKey: 'test', requestMaxRetries: 0 });
    const first = await oneTurn(dir, { model, baseInstructions: 'Stored instructions.' });
    expect(first.meta.base_instructions).toEqual({ text: 'Stored instructions.' });
    await oneTurn(dir, { model, resume: { threadId: first.id } });
    await oneTurn(dir, { model, resume: { threadId: first.id }, baseInstructions: 'Host override.' });
    const fork = await oneTurn(dir, { model, fork: { threadId: first.id, interrupted: true } });
    expect(fork.meta.base_instructions).toEqual({ text: 'Stored instructions.' });
    expect(mock.requests.map((r) => (r.body as { instructions: string }).instructions)).toEqual([
      'Stored instructions.',
      'Stored instructions.',
      'Host override.',
      'Stored instructions.',
    ]);
  });
});
