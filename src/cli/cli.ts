/**
 * The command dispatcher: argv → a command → its exit code. `main.ts` only binds it to the
 * process; tests call `runCli` with their own streams. The engine is imported lazily, when a
 * command needs it, so `--help` and `--version` stay fast.
 */
import { parseCliArgs } from './args.js';
import type { CliIO } from './io.js';

export type { CliIO } from './io.js';

/**
 * Runs the `turnstate` command line; resolves with the exit code (0 done, 1 the turn failed,
 * 2 usage or configuration error, 130 interrupted).
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCliArgs(argv);
  switch (cmd.command) {
    case 'help':
    case 'version':
      io.stdout.write(cmd.text);
      return 0;
    case 'usage_error':
      io.stderr.write(`turnstate: ${cmd.message}\n${cmd.hint}\n`);
      return 2;
    case 'demo': {
      const { runDemo } = await import('./demo.js');
      return (await runDemo(io.stdout)).exitCode;
    }
    case 'exec': {
      const { runExec } = await import('./exec.js');
      return runExec(cmd.options, io);
    }
    case 'interactive': {
      const tty = (s: unknown) => (s as { isTTY?: boolean } | undefined)?.isTTY === true;
      if (!io.stdin || !tty(io.stdin) || !tty(io.stdout)) {
        io.stderr.write('turnstate: the interactive session needs a terminal\nFrom scripts use `turnstate exec "prompt"`; see `turnstate --help`.\n');
        return 2;
      }
      const { runInteractive } = await import('./interactive.js');
      try {
        return await runInteractive(cmd.options, { ...io, stdin: io.stdin });
      } catch (err) {
        io.stderr.write(`✗ turnstate: ${err instanceof Error ? err.message : String(err)}\n`);
        return (err as { exitCode?: number }).exitCode ?? 1;
      }
    }
  }
}
