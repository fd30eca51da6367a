/**
 * The command dispatcher: argv → a command → its exit code. `main.ts` only binds it to the
 * process; tests call `runCli` with their own streams.
 */
import type { Writable } from 'node:stream';
import { USAGE, parseCliArgs } from './args.js';
import { runDemo } from './demo.js';
import { runExec } from './exec.js';

/**
 * The process surface the CLI uses.
 * @example
 * const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env };
 */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Subscribes to Ctrl-C; returns an unsubscribe function. */
  onInterrupt?: (handler: () => void) => () => void;
}

/**
 * Runs the `turnstate` command line; resolves with the exit code.
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCliArgs(argv);
  switch (cmd.command) {
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    case 'usage_error':
      io.stderr.write(`turnstate: ${cmd.message}\n\n${USAGE}`);
      return 2;
    case 'demo':
      return (await runDemo(io.stdout)).exitCode;
    case 'exec':
      return runExec(cmd, io);
  }
}
