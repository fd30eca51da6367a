/** The process surface the CLI uses (its own module, so that commands and the dispatcher share it without a cycle). */
import type { Readable, Writable } from 'node:stream';

/**
 * The process surface the CLI uses.
 * @example
 * const io: CliIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
 */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  /** Where a prompt given as `-` (or not at all) is read from. */
  stdin?: Readable;
  env: NodeJS.ProcessEnv;
  /** Subscribes to Ctrl-C; returns an unsubscribe function. */
  onInterrupt?: (handler: () => void) => () => void;
  /** ANSI colours (default: when the output is a TTY and `NO_COLOR` is unset). */
  color?: boolean;
}
