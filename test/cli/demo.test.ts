import { afterEach, describe, expect, it } from 'vitest';
import { ev, startMockResponsesServer, type MockResponsesServer } from 'turnstate/testing';
import { DEMO_SENTENCE, runCli, runDemo } from '../../src/cli/index.js';
import { sink } from './helpers.js';

describe('runDemo', () => {
  it('streams text, runs the tool, interrupts the second turn and summarises', async () => {
    const out = sink();
    const result = await runDemo(out, { delayMs: 0, interruptAfterDeltas: 3 });
    const text = out.text();
    expect(text).not.toContain('\u001b['); // not a TTY: no colour
    expect(text).toContain('assistant › Let me count them with the word_count tool.\n');
    // The call, the response's usage (its response has completed), then the host tool's result.
    expect(text).toContain(`tool › word_count({"text":"${DEMO_SENTENCE}"})\n· 450 tokens (412 input, 38 output)\n  ↳ 9 words\n`);
    // The follow-up request carried the tool's output back to the model.
    expect(text).toContain('assistant › The tool says 9 words: that sentence is a classic pangram.\n');
    expect(text).toMatch(/assistant › In the land .*\nhost › interrupt \(\{"type":"interrupt"\}\)\n/);
    expect(text).toMatch(/✗ turn aborted: interrupted after \d+ ms\n/);
    expect(text).toContain('── summary ──\nturns       2 (1 completed, 1 interrupted)\ntool calls  1\nrequests    3 model requests\n');
    expect(text).toContain('tokens      942 tokens (883 input, 384 cached, 59 output)\n');
    expect(result).toMatchObject({ exitCode: 0, requests: 3, stats: { turnsStarted: 2, turnsCompleted: 1, turnsAborted: 1, toolCalls: 1, errors: 0 } });
    expect(result.interruptLatencyMs).toBeGreaterThan(0);
  });
});

describe('runCli', () => {
  let server: MockResponsesServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('prints usage: --help exits 0, an unknown command exits 2 on stderr', async () => {
    const [out, err] = [sink(), sink()];
    expect(await runCli(['--help'], { stdout: out, stderr: err, env: {} })).toBe(0);
    expect(out.text()).toContain('turnstate exec "prompt" [--model M] [--base-url U] [--api chat]');
    const [out2, err2] = [sink(), sink()];
    expect(await runCli(['launch'], { stdout: out2, stderr: err2, env: {} })).toBe(2);
    expect(err2.text()).toMatch(/^turnstate: unknown command "launch"\n\nturnstate — /);
    expect(out2.text()).toBe('');
  });

  it('exec without OPENAI_API_KEY explains and exits 2 without a request', async () => {
    const [out, err] = [sink(), sink()];
    expect(await runCli(['exec', 'hi'], { stdout: out, stderr: err, env: {} })).toBe(2);
    expect(err.text()).toContain('OPENAI_API_KEY is not set');
    expect(out.text()).toBe('');
  });

  it('exec runs one turn against OPENAI_BASE_URL with the key and model given', async () => {
    server = await startMockResponsesServer([
      { events: [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('Hi '), ev.textDelta('there'), ev.assistantMessage('m1', 'Hi there'), ev.completedWithTokens('r1', 7)] },
    ]);
    const [out, err] = [sink(), sink()];
    const code = await runCli(['exec', 'say hi', '--model', 'gpt-test'], { stdout: out, stderr: err, env: { OPENAI_API_KEY: 'sk-cli', OPENAI_BASE_URL: server.url } });
    expect(code).toBe(0);
    expect(out.text()).toContain('you › say hi\nassistant › Hi there\n');
    expect(out.text()).toContain('requests    1 model request\ntokens      7 tokens (7 input, 0 output)\n');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-cli');
    expect(server.requests[0]?.body).toMatchObject({ model: 'gpt-test', stream: true });
  });

  it('exec turns Ctrl-C into an interrupt and exits 130', async () => {
    server = await startMockResponsesServer([{ events: [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('Thinking')], hold: true }]);
    const [out, err] = [sink(), sink()];
    let interrupt: (() => void) | undefined;
    let unsubscribed = false;
    const onInterrupt = (handler: () => void) => {
      interrupt = handler;
      return () => (unsubscribed = true);
    };
    const running = runCli(['exec', 'think hard', '--base-url', server.url], { stdout: out, stderr: err, env: { OPENAI_API_KEY: 'sk' }, onInterrupt });
    while (!out.text().includes('assistant › Thinking')) await new Promise((resolve) => setTimeout(resolve, 2));
    interrupt?.();
    expect(await running).toBe(130);
    expect(out.text()).toContain('assistant › Thinking\nhost › interrupt (Ctrl-C again to quit)\n✗ turn aborted: interrupted');
    expect(unsubscribed).toBe(true);
    expect(await server.waitForClose(0)).toBe('client_closed');
  });

  it('exec exits 1 when the turn reports an error', async () => {
    server = await startMockResponsesServer([{ status: 401, body: { error: { message: 'bad key', type: 'invalid_request_error' } } }]);
    const [out, err] = [sink(), sink()];
    const code = await runCli(['exec', 'hi', '--base-url', server.url], { stdout: out, stderr: err, env: { OPENAI_API_KEY: 'sk-wrong' } });
    expect(code).toBe(1);
    expect(out.text()).toMatch(/error › .*\n/);
    expect(out.text()).toContain('errors      1\n');
  });
});
