import { describe, expect, it } from 'vitest';
import os from 'node:os';
import { runCommand, isProcessAlive, type OutputStream } from '../../../src/tools/shell/index.js';

const cwd = os.tmpdir();
const sh = (script: string) => ['sh', '-c', script];

/**
 * Polls until none of `pids` is alive, giving up after `withinMs` (a guard against hanging,
 * not a speed bound: keep it generous). Liveness is `process.kill(pid, 0)`, except that a
 * zombie counts as gone: it has exited and only waits to be reaped by PID 1, which on this
 * VM's init happens lazily (seen as state `Z` in /proc/<pid>/stat).
 */
async function goneWithin(pids: number[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (pids.every((p) => !isProcessAlive(p))) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `argv`, waits for the first stdout line (a pid), then returns it with the pending run. */
function startAndReadPid(argv: string[], extra: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  let firstLine: (pid: number) => void = () => undefined;
  const pid = new Promise<number>((r) => (firstLine = r));
  let text = '';
  const run = runCommand({
    argv,
    cwd,
    ...extra,
    onOutput: (stream, chunk) => {
      if (stream !== 'stdout') return;
      text += chunk.toString();
      const m = /^(\d+)\n/.exec(text);
      if (m) firstLine(Number(m[1]));
    },
  });
  return { pid, run };
}

describe('runCommand', () => {
  it('reports exit codes and captures stdout, stderr and their interleaving', async () => {
    expect((await runCommand({ argv: ['true'], cwd })).exitCode).toBe(0);
    expect((await runCommand({ argv: ['false'], cwd })).exitCode).toBe(1);
    const r = await runCommand({ argv: sh('echo a; sleep 0.05; echo b >&2; sleep 0.05; echo c; exit 7'), cwd });
    expect(r).toMatchObject({ exitCode: 7, stdout: 'a\nc\n', stderr: 'b\n', aggregatedOutput: 'a\nb\nc\n', timedOut: false, aborted: false });
    expect(r.pid).toBeGreaterThan(0);
    expect(r.durationMs).toBeGreaterThan(50);
  });

  it('runs argv without a shell and reports a missing program as exit 127', async () => {
    const literal = await runCommand({ argv: ['echo', '$HOME', '&&', 'ls'], cwd });
    expect(literal.stdout).toBe('$HOME && ls\n');
    const missing = await runCommand({ argv: ['definitely-not-a-program-xyz'], cwd });
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/failed to start definitely-not-a-program-xyz/);
    const noDir = await runCommand({ argv: ['ls'], cwd: '/definitely/not/a/dir' });
    expect(noDir).toMatchObject({ exitCode: 127, stderr: 'failed to start ls: working directory /definitely/not/a/dir does not exist\n' });
  });

  it('streams output deltas as they arrive', async () => {
    const deltas: Array<[OutputStream, string]> = [];
    const r = await runCommand({ argv: sh('printf one; sleep 0.05; printf two >&2'), cwd, onOutput: (s, c) => deltas.push([s, c.toString()]) });
    expect(deltas).toEqual([
      ['stdout', 'one'],
      ['stderr', 'two'],
    ]);
    expect(r.aggregatedOutput).toBe('onetwo');
  });

  it('times out with exit code 124, killing the whole group', async () => {
    // A 300 s sleep: had the run waited for it, the test would time out.
    const { pid, run } = startAndReadPid(sh('sleep 300 & echo $!; wait'), { timeoutMs: 300 });
    const grandchild = await pid;
    const r = await run;
    expect(r).toMatchObject({ exitCode: 124, timedOut: true, aborted: false });
    expect(await goneWithin([grandchild, r.pid as number], 10_000)).toBe(true);
  });

  it('abort kills the process group, including a grandchild that ignores SIGTERM', async () => {
    const controller = new AbortController();
    const { pid, run } = startAndReadPid(sh('trap "" TERM; sleep 300 & echo $!; wait; wait'), { signal: controller.signal });
    const grandchild = await pid;
    expect(isProcessAlive(grandchild)).toBe(true);
    controller.abort();
    const r = await run;
    expect(r).toMatchObject({ exitCode: -1, aborted: true, timedOut: false });
    expect(await goneWithin([grandchild, r.pid as number], 10_000)).toBe(true);
  });

  it('does not leave background processes behind when the command exits by itself', async () => {
    // The background sleep holds stdout for 300 s: waiting for it would outlast the test.
    const r = await runCommand({ argv: sh('sleep 300 & echo $!'), cwd });
    expect(r.exitCode).toBe(0);
    expect(await goneWithin([Number(r.stdout.trim())], 10_000)).toBe(true);
  });

  it('returns at once when aborted before it starts', async () => {
    const r = await runCommand({ argv: ['sleep', '5'], cwd, signal: AbortSignal.abort() });
    expect(r).toMatchObject({ aborted: true, exitCode: -1, pid: undefined });
  });

  it('caps each stream to head + tail with a marker counting dropped bytes', async () => {
    const r = await runCommand({ argv: sh('i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done'), cwd, maxOutputBytes: 100 });
    const total = Array.from({ length: 300 }, (_, i) => `line${i}\n`).join('');
    expect(r.dropped.stdout).toBe(total.length - 100);
    expect(r.stdout).toBe(`${total.slice(0, 50)}\n[... ${total.length - 100} bytes omitted ...]\n${total.slice(-50)}`);
  });

  it('keeps 1 MiB per stream by default', async () => {
    const r = await runCommand({ argv: sh('head -c 3000000 /dev/zero | tr "\\0" a'), cwd });
    expect(r.dropped.stdout).toBe(3_000_000 - 1024 * 1024);
    expect(r.stdout.startsWith('a'.repeat(512 * 1024))).toBe(true);
    expect(r.stdout).toContain(`[... ${3_000_000 - 1024 * 1024} bytes omitted ...]`);
  });
});
