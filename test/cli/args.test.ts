import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { CLI_VERSION, applyConfigOverrides, parseCliArgs, parseOverrideValue, runCli } from '../../src/cli/index.js';
import { sink } from './helpers.js';

describe('parseCliArgs', () => {
  it('parses demo, help and version', () => {
    expect(parseCliArgs(['demo'])).toEqual({ command: 'demo' });
    expect(parseCliArgs(['--help'])).toMatchObject({ command: 'help', text: expect.stringContaining('Usage: turnstate') });
    expect(parseCliArgs(['-h'])).toMatchObject({ command: 'help' });
    expect(parseCliArgs(['exec', '--help'])).toMatchObject({ command: 'help', text: expect.stringContaining('--output-schema') });
    expect(parseCliArgs(['--version'])).toEqual({ command: 'version', text: `${CLI_VERSION}\n` });
    expect(CLI_VERSION).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });

  it('parses exec as the Codex SDK calls it', () => {
    const argv = ['exec', '--experimental-json', '--config', 'openai_base_url="http://127.0.0.1:4000/v1"', '--model', 'm1', '--sandbox', 'workspace-write',
      '--cd', '/tmp', '--skip-git-repo-check', '--output-schema', '/tmp/s.json', '--config', 'model_reasoning_effort="high"', '--config', 'approval_policy="never"',
      '--config', 'web_search="disabled"', '--add-dir', '/data', 'resume', 'th-1'];
    expect(parseCliArgs(argv)).toEqual({
      command: 'exec',
      options: { prompt: null, resume: { threadId: 'th-1' }, json: true, addDirs: ['/data'], outputSchema: '/tmp/s.json', skipGitRepoCheck: true, ephemeral: false, api: 'responses',
        model: 'm1', baseURL: 'http://127.0.0.1:4000/v1', sandbox: 'workspace-write', approvalPolicy: 'never', cwd: '/tmp', effort: 'high', networkAccess: null },
    });
  });

  it('takes the prompt from arguments or stdin, flags over -c, and resume --last', () => {
    expect(parseCliArgs(['exec', 'fix', 'the', 'tests'])).toMatchObject({ command: 'exec', options: { prompt: 'fix the tests', resume: null, json: false, sandbox: null } });
    expect(parseCliArgs(['exec', '-'])).toMatchObject({ options: { prompt: null } });
    expect(parseCliArgs(['exec', '-c', 'model=a', '-m', 'b', '--json', 'hi'])).toMatchObject({ options: { model: 'b', json: true } });
    expect(parseCliArgs(['exec', 'resume', '--last', 'next step'])).toMatchObject({ options: { resume: { last: true }, prompt: 'next step' } });
    expect(parseCliArgs(['exec', '-a', 'on-request', '-s', 'read-only', 'x'])).toMatchObject({ options: { approvalPolicy: 'on-request', sandbox: 'read-only' } });
  });

  it('reports usage errors as one line and a hint', () => {
    expect(parseCliArgs(['frobnicate'])).toMatchObject({ command: 'usage_error', message: expect.stringContaining("unknown command 'frobnicate'"), hint: expect.stringContaining('--help') });
    expect(parseCliArgs(['exec', '--bogus'])).toEqual({ command: 'usage_error', message: "unknown option '--bogus'", hint: 'Run `turnstate exec --help` for usage.' });
    expect(parseCliArgs(['exec', '--sandbox', 'nope', 'x'])).toMatchObject({ command: 'usage_error', message: expect.stringContaining('read-only, workspace-write, danger-full-access') });
    expect(parseCliArgs(['exec', 'resume'])).toMatchObject({ command: 'usage_error', message: 'resume needs a thread id or --last' });
    expect(parseCliArgs(['exec', '--last', 'x'])).toMatchObject({ command: 'usage_error', message: '--last only goes with `resume`' });
    expect(parseCliArgs(['exec', '-c', 'approval_policy=sometimes', 'x'])).toMatchObject({ command: 'usage_error', message: expect.stringContaining('approval_policy must be one of') });
    expect(parseCliArgs(['exec', '-c', 'novalue', 'x'])).toMatchObject({ command: 'usage_error', message: 'config override "novalue" is not key=value' });
    expect(parseCliArgs(['exec', '-m', '', 'x'])).toMatchObject({ command: 'usage_error', message: '--model must not be empty' });
  });
});

describe('interactive session arguments', () => {
  it('parses the bare command and resume', () => {
    expect(parseCliArgs([])).toMatchObject({ command: 'interactive', options: { resume: null, model: null, approvalPolicy: null } });
    expect(parseCliArgs(['-m', 'gpt-x', '-a', 'untrusted'])).toMatchObject({ command: 'interactive', options: { model: 'gpt-x', approvalPolicy: 'untrusted' } });
    expect(parseCliArgs(['resume', 'th-9'])).toMatchObject({ command: 'interactive', options: { resume: { threadId: 'th-9' } } });
    expect(parseCliArgs(['resume', '--last'])).toMatchObject({ command: 'interactive', options: { resume: { last: true } } });
    expect(parseCliArgs(['resume'])).toMatchObject({ command: 'usage_error', message: 'resume needs a thread id or --last' });
  });

  it('refuses the interactive session without a terminal (exit 2, one line and a hint)', async () => {
    const [out, err] = [sink(), sink()];
    expect(await runCli([], { stdout: out, stderr: err, stdin: Readable.from([]), env: {} })).toBe(2);
    expect(err.text()).toBe('turnstate: the interactive session needs a terminal\nFrom scripts use `turnstate exec "prompt"`; see `turnstate --help`.\n');
  });
});

describe('config overrides', () => {
  it('reads values as TOML, else as text', () => {
    expect(parseOverrideValue('"a b"')).toBe('a b');
    expect(parseOverrideValue('true')).toBe(true);
    expect(parseOverrideValue('gpt-5.1')).toBe('gpt-5.1');
    expect(applyConfigOverrides(['sandbox_workspace_write.network_access=true', 'sandbox_mode=danger-full-access'])).toMatchObject({ settings: { networkAccess: true, sandbox: 'danger-full-access' } });
  });
});
