import { afterEach, describe, expect, it } from 'vitest';
import type { MockResponsesServer } from 'turnstate/testing';
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
    expect(out.text()).toContain('exec [options] [args...]');
    const [out2, err2] = [sink(), sink()];
    expect(await runCli(['launch'], { stdout: out2, stderr: err2, env: {} })).toBe(2);
    expect(err2.text()).toBe("turnstate: unknown command 'launch'\nRun `turnstate --help` for the commands (exec, resume, demo).\n");
    expect(out2.text()).toBe('');
  });
});
