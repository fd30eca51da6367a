/**
 * The exec event family shared by the `shell` tool and user shell commands:
 * `exec_command_begin` → `exec_command_output_delta`* → `exec_command_end`. Invariant: a
 * call that emitted `exec_command_begin` emits exactly one `exec_command_end` unless its
 * turn is cancelled while it waits for an approval (the turn's `turn_aborted` then closes it).
 *
 * `duration` is written as Codex serialises a Rust `Duration`: `{ secs, nanos }`.
 */
import type { EventOf } from '../../protocol/index.js';
import type { TaskContext } from '../turn-context.js';
import type { ExecResult, OutputStream } from '../shell/index.js';
import { truncateMiddle } from '../shell/index.js';

/**
 * Which exec call the events describe.
 * @example
 * const call: ExecCall = { callId: 'c1', turnId: 't1', command: ['ls'], cwd: '/ws', source: 'agent' };
 */
export interface ExecCall {
  callId: string;
  turnId: string;
  command: string[];
  cwd: string;
  source: 'agent' | 'user_shell';
}

/**
 * The end of a call: finished, declined before running, or aborted.
 * @example
 * const outcome: ExecOutcome = { kind: 'declined', message: 'exec command rejected by user' };
 */
export type ExecOutcome =
  | { kind: 'ran'; result: ExecResult }
  | { kind: 'declined'; message: string }
  | { kind: 'aborted'; durationMs: number };

/**
 * Codex-compatible duration (`{ secs, nanos }`) from milliseconds.
 * @example
 * execDuration(1500.5); // { secs: 1, nanos: 500500000 }
 */
export function execDuration(ms: number): { secs: number; nanos: number } {
  const whole = Math.max(0, ms);
  const secs = Math.floor(whole / 1000);
  return { secs, nanos: Math.round((whole - secs * 1000) * 1_000_000) };
}

/**
 * Emits `exec_command_begin` for a call.
 * @example
 * emitExecBegin(turn, { callId: 'c1', turnId: turn.turnId, command: ['ls'], cwd: '/ws', source: 'agent' });
 */
export function emitExecBegin(turn: TaskContext, call: ExecCall): void {
  turn.emit({ type: 'exec_command_begin', call_id: call.callId, turn_id: call.turnId, command: call.command, cwd: call.cwd, parsed_cmd: [], source: call.source });
}

/**
 * At most this many output deltas are emitted per call (the full output still reaches the end event).
 * @example
 * if (sent >= MAX_OUTPUT_DELTAS_PER_CALL) return;
 */
export const MAX_OUTPUT_DELTAS_PER_CALL = 10_000;

/**
 * An `onOutput` callback for `runCommand` that streams base64 `exec_command_output_delta`s.
 * @example
 * await runCommand({ argv, cwd, onOutput: outputDeltas(turn, 'c1') });
 */
export function outputDeltas(turn: TaskContext, callId: string): (stream: OutputStream, chunk: Buffer) => void {
  let sent = 0;
  return (stream, chunk) => {
    if (sent++ >= MAX_OUTPUT_DELTAS_PER_CALL) return;
    turn.emit({ type: 'exec_command_output_delta', call_id: callId, stream, chunk: chunk.toString('base64') });
  };
}

/**
 * The message recorded for a command cancelled by an interrupt.
 * @example
 * COMMAND_ABORTED_MESSAGE; // 'command aborted by user'
 */
export const COMMAND_ABORTED_MESSAGE = 'command aborted by user';

/**
 * Builds `exec_command_end` for an outcome. A finished command is `completed` (exit 0) or
 * `failed`; a declined one is `declined` with exit code -1 and the reason as stderr; an
 * aborted one is `failed` with exit code -1 and "command aborted by user".
 * @example
 * turn.emit(execEndEvent(call, { kind: 'declined', message: 'exec command rejected by user' }));
 */
export function execEndEvent(call: ExecCall, outcome: ExecOutcome): EventOf<'exec_command_end'> {
  const base = { type: 'exec_command_end' as const, call_id: call.callId, turn_id: call.turnId, command: call.command, cwd: call.cwd, parsed_cmd: [], source: call.source };
  if (outcome.kind === 'ran') {
    const { result } = outcome;
    return {
      ...base,
      stdout: result.stdout,
      stderr: result.stderr,
      aggregated_output: result.aggregatedOutput,
      exit_code: result.exitCode,
      duration: execDuration(result.durationMs),
      formatted_output: truncateMiddle(result.aggregatedOutput),
      status: result.exitCode === 0 ? 'completed' : 'failed',
    };
  }
  const message = outcome.kind === 'declined' ? outcome.message : COMMAND_ABORTED_MESSAGE;
  return {
    ...base,
    stdout: '',
    stderr: message,
    aggregated_output: message,
    exit_code: -1,
    duration: execDuration(outcome.kind === 'aborted' ? outcome.durationMs : 0),
    formatted_output: outcome.kind === 'declined' ? message : '',
    status: outcome.kind === 'declined' ? 'declined' : 'failed',
  };
}
