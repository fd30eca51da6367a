import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/index.js';

describe('parseCliArgs', () => {
  it('parses demo and help', () => {
    expect(parseCliArgs(['demo'])).toEqual({ command: 'demo' });
    expect(parseCliArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['help'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['exec', '--help'])).toEqual({ command: 'help' });
  });

  it('parses exec with its options in any position', () => {
    expect(parseCliArgs(['exec', 'fix the tests'])).toEqual({ command: 'exec', prompt: 'fix the tests', model: undefined, baseURL: undefined, api: 'responses' });
    expect(parseCliArgs(['exec', '--model', 'qwen3', 'hi', '--base-url=http://127.0.0.1:8000/v1', '--api', 'chat'])).toEqual({
      command: 'exec',
      prompt: 'hi',
      model: 'qwen3',
      baseURL: 'http://127.0.0.1:8000/v1',
      api: 'chat',
    });
    expect(parseCliArgs(['exec', 'two', 'words'])).toMatchObject({ command: 'exec', prompt: 'two words' });
  });

  it('reports usage errors', () => {
    expect(parseCliArgs([])).toEqual({ command: 'usage_error', message: 'missing command' });
    expect(parseCliArgs(['frobnicate'])).toEqual({ command: 'usage_error', message: 'unknown command "frobnicate"' });
    expect(parseCliArgs(['exec'])).toMatchObject({ command: 'usage_error', message: expect.stringContaining('exec needs a prompt') });
    expect(parseCliArgs(['exec', '  '])).toMatchObject({ command: 'usage_error' });
    expect(parseCliArgs(['exec', 'hi', '--api', 'grpc'])).toEqual({ command: 'usage_error', message: '--api must be "chat" or "responses" (got "grpc")' });
    expect(parseCliArgs(['exec', 'hi', '--model'])).toMatchObject({ command: 'usage_error', message: expect.stringContaining('--model') });
    expect(parseCliArgs(['demo', '--verbose'])).toMatchObject({ command: 'usage_error', message: expect.stringContaining('--verbose') });
    expect(parseCliArgs(['demo', 'extra'])).toMatchObject({ command: 'usage_error', message: expect.stringContaining('demo takes no arguments') });
    expect(parseCliArgs(['demo', '--model', 'm'])).toEqual({ command: 'usage_error', message: '--model, --base-url and --api apply to exec only' });
  });
});
