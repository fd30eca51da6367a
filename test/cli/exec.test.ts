import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ev, startMockResponsesServer, type MockResponsesServer } from 'turnstate/testing';
import { runCli } from '../../src/cli/index.js';
import { openaiModel } from '../../src/model/openai/index.js';
import { sink } from './helpers.js';

let server: MockResponsesServer | undefined;
let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'ts-exec-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(home, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({ TURNSTATE_HOME: home, CODEX_API_KEY: 'sk-cli', ...extra });
const userTexts = (body: unknown): string[] =>
  ((body as { input: { type: string; role?: string; content?: { text?: string }[] }[] }).input ?? [])
    .filter((i) => i.type === 'message' && i.role === 'user')
    .map((i) => i.content?.map((c) => c.text ?? '').join('') ?? '');

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('turnstate exec', () => {
  it('without an API key explains and exits 2 without a request', async () => {
    const [out, err] = [sink(), sink()];
    expect(await runCli(['exec', '--skip-git-repo-check', 'hi'], { stdout: out, stderr: err, env: { TURNSTATE_HOME: home } })).toBe(2);
    expect(err.text()).toContain('set CODEX_API_KEY or OPENAI_API_KEY');
    expect(out.text()).toBe('');
  });

  it('streams the transcript to stderr, prints the final answer last on stdout, saves the thread and resumes it', async () => {
    server = await startMockResponsesServer([
      { events: [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('Hi '), ev.textDelta('there'), ev.assistantMessage('m1', 'Hi there'), ev.completedWithTokens('r1', 7)] },
      { events: [ev.created('r2'), ev.messageAdded('m2'), ev.assistantMessage('m2', 'Again'), ev.completedWithTokens('r2', 9)] },
      { events: [ev.created('r3'), ev.messageAdded('m3'), ev.assistantMessage('m3', 'Third'), ev.completedWithTokens('r3', 11)] },
    ]);
    const [out, err] = [sink(), sink()];
    const stdin = Readable.from(['say hi\n']);
    const code = await runCli(['exec', '--skip-git-repo-check', '-m', 'gpt-test', '-c', `openai_base_url="${server.url}"`, '-'], { stdout: out, stderr: err, stdin, env: env() });
    expect(code).toBe(0);
    expect(out.text()).toBe('Hi there\n');
    expect(err.text()).toContain('you › say hi\nassistant › Hi there\n');
    expect(err.text()).toMatch(/✓ turn complete/);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-cli');
    expect(server.requests[0]?.body).toMatchObject({ model: 'gpt-test', stream: true });
    const names = ((server.requests[0]?.body as { tools: { name?: string; type: string }[] }).tools ?? []).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['shell', 'apply_patch']));
    const threadId = /thread (\S+) · continue with/.exec(err.text())?.[1];
    expect(threadId).toBeTruthy();

    const [out2, err2] = [sink(), sink()];
    const code2 = await runCli(['exec', '--skip-git-repo-check', '--base-url', server.url, 'resume', threadId!, 'once more'], { stdout: out2, stderr: err2, env: env() });
    expect(code2).toBe(0);
    expect(out2.text()).toBe('Again\n');
    expect(userTexts(server.requests[1]?.body)).toEqual(expect.arrayContaining(['say hi', 'once more']));

    const [out3, err3] = [sink(), sink()];
    const code3 = await runCli(['exec', '--skip-git-repo-check', '--base-url', server.url, 'resume', '--last', 'and again'], { stdout: out3, stderr: err3, env: env() });
    expect(code3).toBe(0);
    expect(out3.text()).toBe('Third\n');
    expect(userTexts(server.requests[2]?.body).filter((t) => !t.startsWith('<environment_context>'))).toEqual(['say hi', 'once more', 'and again']);
  });

  it('refuses to run outside a Git repository unless told to', async () => {
    const [out, err] = [sink(), sink()];
    expect(await runCli(['exec', '--cd', home, 'hi'], { stdout: out, stderr: err, env: env() })).toBe(1);
    expect(err.text()).toContain('is not inside a Git repository; pass --skip-git-repo-check');
  });

  it('turns Ctrl-C into an interrupt and exits 130', async () => {
    server = await startMockResponsesServer([{ events: [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('Thinking')], hold: true }]);
    const [out, err] = [sink(), sink()];
    let interrupt: (() => void) | undefined;
    let unsubscribed = false;
    const onInterrupt = (handler: () => void) => {
      interrupt = handler;
      return () => (unsubscribed = true);
    };
    const running = runCli(['exec', '--skip-git-repo-check', '--ephemeral', '--base-url', server.url, 'think hard'], { stdout: out, stderr: err, env: env(), onInterrupt });
    while (!err.text().includes('assistant › Thinking')) await new Promise((resolve) => setTimeout(resolve, 2));
    interrupt?.();
    expect(await running).toBe(130);
    expect(err.text()).toContain('assistant › Thinking\ninterrupting (Ctrl-C again to quit)\n✗ turn aborted: interrupted');
    expect(out.text()).toBe('');
    expect(unsubscribed).toBe(true);
  });

  it('a 401 shows a red-cross failed turn and exits 1', async () => {
    server = await startMockResponsesServer([{ status: 401, body: { error: { message: 'bad key', type: 'invalid_request_error' } } }]);
    const [out, err] = [sink(), sink()];
    const code = await runCli(['exec', '--skip-git-repo-check', '--base-url', server.url, 'hi'], { stdout: out, stderr: err, env: env({ CODEX_API_KEY: 'sk-wrong' }) });
    expect(code).toBe(1);
    expect(err.text()).toMatch(/error › .*bad key/);
    expect(err.text()).toContain('✗ turn failed');
    expect(err.text()).not.toContain('✓');
    expect(out.text()).toBe('');
  });

  it('a closed port fails the turn with the URL and the cause, exit 1 (JSON: error then turn.failed)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const [out, err] = [sink(), sink()];
    const code = await runCli(['exec', '--json', '--skip-git-repo-check', '--ephemeral', '--base-url', url, 'hi'], { stdout: out, stderr: err, env: env() });
    expect(code).toBe(1);
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string; error?: { message: string } });
    const last = lines.at(-1);
    expect(last?.type).toBe('turn.failed');
    expect(last?.error?.message).toContain(url);
    expect(last?.error?.message).toContain('ECONNREFUSED');
    expect(lines.filter((l) => l.type === 'error')).toHaveLength(1);
  }, 30_000);
});

describe('openaiModel abort listeners', () => {
  it('does not pile an abort listener per HTTP retry on the caller signal', async () => {
    const failing = Array.from({ length: 13 }, () => ({ status: 500, body: { error: { message: 'down' } }, headers: { 'retry-after-ms': '0' } }));
    server = await startMockResponsesServer(failing);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const model = openaiModel({ model: 'm', apiKey: 'k', baseURL: server.url, requestMaxRetries: 12 });
      const signal = new AbortController().signal;
      const stream = model.stream({ model: 'm', instructions: '', input: [], tools: [], parallel_tool_calls: false }, signal);
      await expect((async () => {
        for await (const _ of stream) void _;
      })()).rejects.toMatchObject({ kind: 'internal_server_error' });
      expect(server.requests).toHaveLength(13);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
