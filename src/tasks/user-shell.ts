/**
 * User shell commands (`run_user_shell_command`, SPEC §4.7): the user's own command, run
 * through a login shell without file-system sandbox or approval (in its own PID namespace
 * where bwrap works), 1 h timeout. Its exec events carry
 * `source: user_shell`, and a `<user_shell_command>` record of the command and its output
 * goes into model-visible history: directly for a standalone turn, or as pending input of
 * the active turn (so the model sees it in that same turn) for an auxiliary run.
 *
 * Invariant: a cancelled command's process group is terminated and its
 * `exec_command_end` (exit -1, "command aborted by user") emitted within the turn's grace.
 */
import type { ResponseInputItem, ResponseItem } from '../protocol/index.js';
import type { EngineContext } from '../tools/turn-context.js';
import type { SessionTask } from './session-task.js';
import { detectBwrap, hostSpec } from '../tools/sandbox/index.js';
import { runCommand, truncateMiddle } from '../tools/shell/index.js';
import { COMMAND_ABORTED_MESSAGE, emitExecBegin, execEndEvent, outputDeltas, type ExecCall } from '../tools/builtin/exec-events.js';
import { COMMAND_KILL_GRACE_MS } from '../tools/builtin/shell-tool.js';

/**
 * Timeout of a user shell command.
 * @example
 * USER_SHELL_TIMEOUT_MS; // 3_600_000
 */
export const USER_SHELL_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * The argv that runs a user command: `$SHELL -lc <command>` (bash when SHELL is unset).
 * @example
 * userShellArgv('ls | wc -l', '/bin/zsh'); // ['/bin/zsh', '-lc', 'ls | wc -l']
 */
export function userShellArgv(command: string, shell: string | undefined = process.env.SHELL): string[] {
  return [shell || 'bash', '-lc', command];
}

/**
 * The contextual user message recording a user shell command and its (truncated) output.
 * @example
 * userShellRecordText('echo hi', 0, 'hi\n');
 * // '<user_shell_command>\n<command>echo hi</command>\n<result>\nExit code: 0\nOutput:\nhi\n</result>\n</user_shell_command>'
 */
export function userShellRecordText(command: string, exitCode: number, output: string): string {
  const shown = truncateMiddle(output).replace(/\n$/, '');
  return `<user_shell_command>\n<command>${command}</command>\n<result>\nExit code: ${exitCode}\nOutput:\n${shown}\n</result>\n</user_shell_command>`;
}

/** How the record reaches history. */
type Mode = 'standalone' | 'auxiliary';

/** Runs `!command` user shell commands (SPEC §4.7). */
export interface UserShellRunner {
  /** A standalone turn for the command (used when the thread is idle). */
  task(command: string): SessionTask<null>;
  /**
   * Runs the command inside the active turn without replacing it; its record goes to the
   * turn's pending input, or to `recordDirectly` when the turn has ended meanwhile.
   */
  auxiliary(command: string, turn: EngineContext, recordDirectly: (item: ResponseItem) => void): void;
}

/**
 * Options of `userShellCommands`.
 * @example
 * userShellCommands({ shell: '/bin/zsh' });
 */
export interface UserShellOptions {
  /** The user's shell (default `$SHELL`, else bash). */
  shell?: string;
}

/** Runs one user command under `turn`; resolves once its events and record are out. */
async function runUserShell(
  command: string,
  turn: EngineContext,
  mode: Mode,
  options: UserShellOptions,
  recordDirectly?: (item: ResponseItem) => void,
): Promise<void> {
  const argv = userShellArgv(command, options.shell ?? process.env.SHELL);
  const call: ExecCall = { callId: turn.newId(), turnId: turn.turnId, command: argv, cwd: turn.settings.cwd, source: 'user_shell' };
  emitExecBegin(turn, call);
  const result = await runCommand({
    argv,
    cwd: call.cwd,
    // No file-system limits, but its own PID namespace where bwrap works: nothing it starts outlives it.
    sandbox: hostSpec((await detectBwrap()).available),
    timeoutMs: USER_SHELL_TIMEOUT_MS,
    signal: turn.signal,
    onOutput: outputDeltas(turn, call.callId),
    killGraceMs: COMMAND_KILL_GRACE_MS,
  });
  turn.emit(execEndEvent(call, result.aborted ? { kind: 'aborted', durationMs: result.durationMs } : { kind: 'ran', result }));
  const text = result.aborted
    ? userShellRecordText(command, -1, COMMAND_ABORTED_MESSAGE)
    : userShellRecordText(command, result.exitCode, result.aggregatedOutput);
  if (mode === 'auxiliary') {
    const input: ResponseInputItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
    // The turn may have ended while the command ran: then the record goes straight to history.
    if (turn.live) turn.injectPendingInput([input]);
    else recordDirectly?.({ type: 'message', role: 'user', content: input.content });
    return;
  }
  const item: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
  turn.recordItems([item]);
  turn.announceRawItem(item);
  await turn.persist();
}

/**
 * The runner behind `run_user_shell_command`: a standalone `user_shell` turn when the
 * thread is idle, or an auxiliary run inside the active turn.
 * @example
 * const runner = userShellCommands();
 * await thread.spawnTask(runner.task('ls'), null);
 */
export function userShellCommands(options: UserShellOptions = {}): UserShellRunner {
  return {
    task(command: string): SessionTask<null> {
      return {
        kind: 'user_shell',
        steerable: false,
        announcesStart: true,
        async run(ctx) {
          await runUserShell(command, ctx as EngineContext, 'standalone', options);
          return null;
        },
      };
    },
    auxiliary(command: string, turn: EngineContext, recordDirectly: (item: ResponseItem) => void): void {
      void runUserShell(command, turn, 'auxiliary', options, recordDirectly);
    },
  };
}
