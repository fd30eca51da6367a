/**
 * The official Codex TypeScript SDK (`@openai/codex-sdk`) drives `turnstate exec` as if it were
 * the Codex binary: `codexPathOverride` points at a wrapper that runs the built CLI
 * (dist/src/cli/main.js — `npm ci` builds it through `prepare`), the SDK's base URL at the
 * loopback mock Responses server.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Codex, type ThreadEvent } from '@openai/codex-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ev, startMockResponsesServer, type MockResponsesServer, type ScriptedResponse } from 'turnstate/testing';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repo, 'dist/src/cli/main.js');
let dir: string;
let work: string;
let wrapper: string;
let server: MockResponsesServer | undefined;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'ts-codex-sdk-'));
  work = path.join(dir, 'work');
  execFileSync('git', ['init', '-q', work]);
  wrapper = path.join(dir, 'codex');
  await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  await chmod(wrapper, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function codexFor(script: ScriptedResponse[]): Promise<Codex> {
  server = await startMockResponsesServer(script);
  const env = { PATH: process.env.PATH ?? '', HOME: dir, TURNSTATE_HOME: path.join(dir, 'home') };
  return new Codex({ codexPathOverride: wrapper, baseUrl: server.url, apiKey: 'sk-sdk', env });
}
const threadOptions = () => ({ workingDirectory: work, skipGitRepoCheck: true, sandboxMode: 'danger-full-access' as const, approvalPolicy: 'never' as const, model: 'gpt-test' });
const PATCH = '*** Begin Patch\n*** Add File: notes.txt\n+written by the agent\n*** End Patch\n';
const answer = (id: string, text: string, tokens: { input_tokens: number; output_tokens: number; cached?: number }): ScriptedResponse => ({
  events: [
    ev.created(id),
    ev.messageAdded(`m_${id}`),
    ev.textDelta(text),
    ev.assistantMessage(`m_${id}`, text),
    ev.completed(id, { input_tokens: tokens.input_tokens, output_tokens: tokens.output_tokens, total_tokens: tokens.input_tokens + tokens.output_tokens, ...(tokens.cached ? { cached_tokens: tokens.cached } : {}) }),
  ],
});
const inputOf = (body: unknown) => JSON.stringify((body as { input: unknown }).input);

describe('@openai/codex-sdk driving turnstate exec', () => {
  it('run(): a shell call and an apply_patch come back as SDK items with usage; the thread resumes with its history', async () => {
    const codex = await codexFor([
      { events: [ev.created('r1'), ev.functionCall('call_sh', 'shell', JSON.stringify({ command: ['bash', '-lc', 'echo hello'] })), ev.completed('r1', { input_tokens: 100, output_tokens: 10, total_tokens: 110 })] },
      { events: [ev.created('r2'), ev.functionCall('call_p', 'apply_patch', JSON.stringify({ input: PATCH })), ev.completed('r2', { input_tokens: 120, output_tokens: 20, total_tokens: 140 })] },
      answer('r3', 'Created notes.txt.', { input_tokens: 150, output_tokens: 5, cached: 100 }),
      answer('r4', 'You asked me to create notes.txt.', { input_tokens: 200, output_tokens: 8 }),
    ]);
    const thread = codex.startThread(threadOptions());
    const turn = await thread.run('say hello, then create notes.txt');
    expect(turn.items).toEqual([
      { id: 'item_0', type: 'command_execution', command: "bash -lc 'echo hello'", aggregated_output: 'hello\n', exit_code: 0, status: 'completed' },
      { id: 'item_1', type: 'file_change', changes: [{ path: path.join(work, 'notes.txt'), kind: 'add' }], status: 'completed' },
      { id: 'item_2', type: 'agent_message', text: 'Created notes.txt.' },
    ]);
    expect(turn.finalResponse).toBe('Created notes.txt.');
    expect(turn.usage).toEqual({ input_tokens: 370, cached_input_tokens: 100, cache_write_input_tokens: 0, output_tokens: 35, reasoning_output_tokens: 0 });
    expect(await readFile(path.join(work, 'notes.txt'), 'utf8')).toBe('written by the agent\n');
    expect(server!.requests[0]?.headers.authorization).toBe('Bearer sk-sdk');
    expect(server!.requests[0]?.body).toMatchObject({ model: 'gpt-test' });
    expect(inputOf(server!.requests[1]?.body)).toContain('hello\\n');

    const id = thread.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const resumed = codex.resumeThread(id!, threadOptions());
    const again = await resumed.run('what did I ask you?');
    expect(again.finalResponse).toBe('You asked me to create notes.txt.');
    const history = inputOf(server!.requests[3]?.body);
    expect(history).toContain('say hello, then create notes.txt');
    expect(history).toContain('Created notes.txt.');
    expect(history).toContain('what did I ask you?');
    expect(resumed.id).toBe(id);
  });

  it('runStreamed(): yields the exec events in order', async () => {
    const codex = await codexFor([
      { events: [ev.created('r1'), ev.functionCall('call_sh', 'shell', JSON.stringify({ command: ['echo', 'hi'] })), ev.completed('r1', { input_tokens: 10, output_tokens: 1, total_tokens: 11 })] },
      answer('r2', 'done', { input_tokens: 20, output_tokens: 2 }),
    ]);
    const { events } = await codex.startThread(threadOptions()).runStreamed('echo hi');
    const seen: ThreadEvent[] = [];
    for await (const event of events) seen.push(event);
    expect(seen.map((e) => ('item' in e ? `${e.type}:${e.item.type}` : e.type))).toEqual([
      'thread.started',
      'turn.started',
      'item.started:command_execution',
      'item.completed:command_execution',
      'item.completed:agent_message',
      'turn.completed',
    ]);
    expect(seen[2]).toEqual({ type: 'item.started', item: { id: 'item_0', type: 'command_execution', command: 'echo hi', aggregated_output: '', status: 'in_progress' } });
  });

  it('outputSchema: sends it as the Responses text.format and returns the JSON answer', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    const codex = await codexFor([answer('r1', '{"answer":"42"}', { input_tokens: 5, output_tokens: 3 })]);
    const turn = await codex.startThread(threadOptions()).run('the answer?', { outputSchema: schema });
    expect(JSON.parse(turn.finalResponse)).toEqual({ answer: '42' });
    expect((server!.requests[0]?.body as { text?: unknown }).text).toMatchObject({ format: { type: 'json_schema', name: 'codex_output_schema', strict: true, schema } });
  });

  it('an aborted signal stops the turn: the run rejects and the stream is dropped', async () => {
    const codex = await codexFor([{ events: [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('thinking')], hold: true }]);
    const controller = new AbortController();
    const { events } = await codex.startThread(threadOptions()).runStreamed('think forever', { signal: controller.signal });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of events) {
          seen.push(event.type);
          if (event.type === 'turn.started') {
            await server!.waitForRequests(1);
            controller.abort();
          }
        }
      })(),
    ).rejects.toThrow(/abort/i);
    expect(seen).toEqual(['thread.started', 'turn.started']);
    expect(await server!.waitForClose(0)).toBe('client_closed');
  });
});
