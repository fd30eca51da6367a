#!/usr/bin/env node
/**
 * The `turnstate` executable: binds `runCli` to this process (argv, stdio, env, SIGINT).
 */
import { runCli } from './cli.js';

const onInterrupt = (handler: () => void): (() => void) => {
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
};

try {
  process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, onInterrupt });
} catch (err) {
  process.stderr.write(`turnstate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
