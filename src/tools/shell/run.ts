/**
 * Running one command. Invariant: no process started by a call outlives it. The command is
 * spawned directly (no shell) as the leader of a new process group; timeout and abort
 * terminate the whole group (SIGTERM, then SIGKILL after a grace period), and when the
 * leader exits on its own, anything it left running in its group is killed too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sandboxEnv, wrapCommand, type SandboxSpec } from '../sandbox/spec.js';
import { DEFAULT_CAPTURE_BYTES, HeadTailBuffer } from './capture.js';
import { DEFAULT_KILL_GRACE_MS, signalGroup, terminateGroup } from './kill.js';

/** Which stream a chunk came from. */
export type OutputStream = 'stdout' | 'stderr';

/** Options of `runCommand`. */
export interface RunCommandOptions {
  argv: readonly string[];
  cwd: string;
  /** The complete environment (default `process.env`); sandbox markers are added. */
  env?: NodeJS.ProcessEnv;
  /** Kill the command after this long; it then reports exit code 124. */
  timeoutMs?: number;
  /** Aborting kills the command; it then reports exit code -1 and `aborted: true`. */
  signal?: AbortSignal;
  sandbox?: SandboxSpec;
  /** Every chunk as it arrives (for `ExecCommandOutputDelta`). */
  onOutput?: (stream: OutputStream, chunk: Buffer) => void;
  /** Capture budget per stream (head + tail), default 1 MiB. */
  maxOutputBytes?: number;
  /** Grace between SIGTERM and SIGKILL, default 250 ms. */
  killGraceMs?: number;
}

/** What a command did. Output strings are head+tail captures (see `dropped`). */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order (captured within twice the per-stream budget). */
  aggregatedOutput: string;
  durationMs: number;
  timedOut: boolean;
  aborted: boolean;
  /** Pid of the spawned process (bwrap's when sandboxed); undefined if it never started. */
  pid: number | undefined;
  /** The timeout that applied, for the "timed out" note. */
  timeoutMs: number | undefined;
  /** Bytes left out of each capture. */
  dropped: { stdout: number; stderr: number; aggregated: number };
}

/**
 * Exit code reported for a command killed by its timeout (as coreutils `timeout` does).
 * @example
 * if (result.exitCode === TIMEOUT_EXIT_CODE) console.log('timed out');
 */
export const TIMEOUT_EXIT_CODE = 124;
/**
 * Exit code reported for a command killed because the call was aborted.
 * @example
 * if (result.exitCode === ABORTED_EXIT_CODE) console.log('aborted');
 */
export const ABORTED_EXIT_CODE = -1;
/** How long to wait for output pipes to close after the command exited. */
const DRAIN_AFTER_EXIT_MS = 2000;

/**
 * Runs `argv` (optionally sandboxed) and resolves when it and its process group are gone.
 * Never rejects for command failures: a missing program is exit code 127 with a message.
 * @example
 * const r = await runCommand({ argv: ['echo', 'hi'], cwd: '/tmp', timeoutMs: 10_000 });
 * r.exitCode; // 0
 * r.stdout; // 'hi\n'
 */
export function runCommand(options: RunCommandOptions): Promise<ExecResult> {
  const started = performance.now();
  const budget = options.maxOutputBytes ?? DEFAULT_CAPTURE_BYTES;
  const out = new HeadTailBuffer(budget);
  const err = new HeadTailBuffer(budget);
  const all = new HeadTailBuffer(2 * budget);
  const argv = options.sandbox ? wrapCommand(options.argv, options.sandbox) : [...options.argv];
  const state = { timedOut: false, aborted: false, pid: undefined as number | undefined };

  const result = (exitCode: number): ExecResult => ({
    exitCode: state.timedOut ? TIMEOUT_EXIT_CODE : state.aborted ? ABORTED_EXIT_CODE : exitCode,
    stdout: out.toString(),
    stderr: err.toString(),
    aggregatedOutput: all.toString(),
    durationMs: performance.now() - started,
    timedOut: state.timedOut,
    aborted: state.aborted,
    pid: state.pid,
    timeoutMs: options.timeoutMs,
    dropped: { stdout: out.droppedBytes, stderr: err.droppedBytes, aggregated: all.droppedBytes },
  });
  const failedToStart = (message: string, code: number): ExecResult => {
    const text = Buffer.from(`${message}\n`);
    err.push(text);
    all.push(text);
    return result(code);
  };

  const [program, ...args] = argv;
  if (program === undefined) return Promise.resolve(failedToStart('empty command', 127));
  if (options.signal?.aborted) {
    state.aborted = true;
    return Promise.resolve(result(ABORTED_EXIT_CODE));
  }

  let child: ChildProcess;
  try {
    child = spawn(program, args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), ...(options.sandbox ? sandboxEnv(options.sandbox) : {}) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    return Promise.resolve(failedToStart(`failed to start ${program}: ${(e as Error).message}`, 127));
  }
  state.pid = child.pid;

  return new Promise<ExecResult>((resolve) => {
    let exitCode: number | undefined;
    let spawnError: NodeJS.ErrnoException | undefined;
    let terminating: Promise<void> | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;

    const terminate = () => {
      if (child.pid !== undefined && exitCode === undefined) terminating ??= terminateGroup(child.pid, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    };
    const timer = options.timeoutMs !== undefined ? setTimeout(() => ((state.timedOut = true), terminate()), options.timeoutMs) : undefined;
    const onAbort = () => {
      state.aborted = true;
      terminate();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = async () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
      await terminating;
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      if (spawnError) {
        const code = spawnError.code === 'ENOENT' ? 127 : 126;
        const why = existsSync(options.cwd) ? spawnError.message : `working directory ${options.cwd} does not exist`;
        resolve(failedToStart(`failed to start ${program}: ${why}`, code));
      } else {
        resolve(result(exitCode ?? -1));
      }
    };

    const capture = (stream: OutputStream, buf: HeadTailBuffer) => (chunk: Buffer) => {
      buf.push(chunk);
      all.push(chunk);
      options.onOutput?.(stream, chunk);
    };
    child.stdout?.on('data', capture('stdout', out));
    child.stderr?.on('data', capture('stderr', err));
    child.on('error', (e) => {
      spawnError = e;
      if (child.pid === undefined) void finish();
    });
    child.on('exit', (code, signal) => {
      exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      // Leftovers in the group would keep the pipes open; the call owns them, so end them.
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        void finish();
      }, DRAIN_AFTER_EXIT_MS);
    });
    child.on('close', () => void finish());
  });
}
