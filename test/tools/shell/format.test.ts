import { describe, expect, it } from 'vitest';
import { HeadTailBuffer, abortedOutput, formatExecOutputForModel, truncateMiddle, type ExecResult } from '../../../src/tools/shell/index.js';

const result = (over: Partial<ExecResult>): ExecResult => ({
  exitCode: 0,
  stdout: '',
  stderr: '',
  aggregatedOutput: '',
  durationMs: 1234,
  timedOut: false,
  aborted: false,
  pid: 1,
  timeoutMs: undefined,
  dropped: { stdout: 0, stderr: 0, aggregated: 0 },
  ...over,
});

describe('model-facing output', () => {
  it('formats exit code, wall time and output', () => {
    expect(formatExecOutputForModel(result({ aggregatedOutput: 'hi\n' }))).toBe('Exit code: 0\nWall time: 1.2 seconds\nOutput:\nhi\n');
  });

  it('notes a timeout', () => {
    const r = result({ exitCode: 124, timedOut: true, timeoutMs: 500, aggregatedOutput: 'partial\n', durationMs: 560 });
    expect(formatExecOutputForModel(r)).toBe('Exit code: 124\nWall time: 0.6 seconds\nOutput:\ncommand timed out after 500 milliseconds\npartial\n');
  });

  it('keeps head and tail lines within the line budget', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `l${i}`).join('\n');
    const shown = formatExecOutputForModel(result({ aggregatedOutput: text }));
    const body = shown.split('Output:\n')[1] as string;
    expect(shown).toContain('Total output lines: 1000\n');
    expect(body.split('\n')).toHaveLength(257);
    expect(body).toMatch(/^l0\n[\s\S]*\nl127\n\[\.\.\. omitted 744 of 1000 lines \.\.\.\]\nl872\n[\s\S]*l999$/);
  });

  it('keeps head and tail bytes within the byte budget without splitting characters', () => {
    const text = 'é'.repeat(20_000);
    const shown = truncateMiddle(text, { maxBytes: 101, maxLines: 10 });
    const [head, marker, tail] = shown.split('\n');
    expect(head).toBe('é'.repeat(25));
    expect(tail).toBe('é'.repeat(25));
    expect(marker).toBe('[... omitted 39900 of 40000 bytes ...]');
    expect(truncateMiddle('short')).toBe('short');
  });

  it('renders the aborted-by-user output', () => {
    expect(abortedOutput(0.14)).toBe('Wall time: 0.1 seconds\naborted by user');
    expect(abortedOutput(2)).toMatch(/^Wall time: \d+(\.\d)? seconds\naborted by user$/);
  });

  it('HeadTailBuffer keeps everything under budget', () => {
    const b = new HeadTailBuffer(10);
    b.push(Buffer.from('abc'));
    b.push(Buffer.from('def'));
    expect(b.toString()).toBe('abcdef');
    b.push(Buffer.from('ghijklmnop'));
    expect(b.toString()).toBe('abcde\n[... 6 bytes omitted ...]\nlmnop');
    expect(b.totalBytes).toBe(16);
  });
});
